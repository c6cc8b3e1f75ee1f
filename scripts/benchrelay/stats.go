package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// recorder collects latencies and when each was observed, for percentiles
// and for counting what settled inside a measurement window.
type recorder struct {
	mu  sync.Mutex
	lat []time.Duration
	at  []time.Time
}

func (r *recorder) add(d time.Duration, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat = append(r.lat, d)
	r.at = append(r.at, at)
}

// count returns how many samples were observed no later than end.
func (r *recorder) count(end time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.at {
		if !t.After(end) {
			n++
		}
	}
	return n
}

// summary returns the number of samples and their p50 and p99 in ms.
func (r *recorder) summary() latencySummary {
	r.mu.Lock()
	lat := slices.Clone(r.lat)
	r.mu.Unlock()
	slices.Sort(lat)
	return latencySummary{
		N:     len(lat),
		P50Ms: millis(percentile(lat, 0.50)),
		P99Ms: millis(percentile(lat, 0.99)),
		MaxMs: millis(percentile(lat, 1)),
	}
}

type latencySummary struct {
	N     int     `json:"n"`
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// percentile returns the nearest-rank percentile q of sorted samples, or 0
// for none.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}
