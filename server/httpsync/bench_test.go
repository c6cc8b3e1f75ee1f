package httpsync_test

import (
	"os"
	"slices"
	"testing"
	"time"
)

// benchRoundTrips measures one HTTP sync round trip: a peer that is
// already in sync polls a document (one request, one reply). It reports
// the latency percentiles next to ns/op; with -cpu or RunParallel-free
// sequential calls, ns/op is the inverse of requests per second.
func benchRoundTrips(b *testing.B, tg target) {
	tok := tg.token(b, "bench")
	p := tg.peer(b, tok, "bench")
	id := randomID(b)
	for i := range 20 {
		p.set(b, "k", string(rune('a'+i)))
	}
	mustSync(b, p, id)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		mustSync(b, p, id)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkRoundTripNative: the handler `commonplace serve` mounts, on
// Badger, over 127.0.0.1.
func BenchmarkRoundTripNative(b *testing.B) {
	tg, _, _ := startNative(b)
	benchRoundTrips(b, tg)
}

// BenchmarkRoundTripWorker: the Workers build under wrangler dev
// --local (scripts/bench-worker starts it and sets the variables).
func BenchmarkRoundTripWorker(b *testing.B) {
	url, admin := os.Getenv("COMMONPLACE_WORKER_URL"), os.Getenv("COMMONPLACE_WORKER_ADMIN")
	if url == "" || admin == "" {
		b.Skip("no worker running: scripts/bench-worker starts one")
	}
	benchRoundTrips(b, target{base: url, admin: admin})
}
