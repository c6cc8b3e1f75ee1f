package main

import (
	"bytes"
	"strings"
	"testing"
)

func figures(name string, docsPerSec, editsPerSec, ackP99, cpuPerEdit, visP99, rss float64) serverFigures {
	f := serverFigures{Server: name, PeakRSSMiB: rss}
	f.Cold.DocsPerSec = docsPerSec
	f.Shared.EditsPerSec = editsPerSec
	f.Shared.Ack.P99Ms = ackP99
	f.Shared.CPUPerEditMs = cpuPerEdit
	f.Visible.Latency.P99Ms = visP99
	return f
}

func findRow(t *testing.T, rows []row, metric string) row {
	t.Helper()
	for _, r := range rows {
		if r.Metric == metric {
			return r
		}
	}
	t.Fatalf("no row %q", metric)
	return row{}
}

func TestCompareGoals(t *testing.T) {
	ref := figures("reference", 300, 20, 4000, 40, 60, 300)
	tests := []struct {
		name   string
		cp     serverFigures
		metric string
		ratio  float64
		met    bool
	}{
		{"cold sync 5x met", figures("commonplace", 1500, 0, 0, 0, 0, 0), "cold sync", 5, true},
		{"cold sync below 5x", figures("commonplace", 1200, 0, 0, 0, 0, 0), "cold sync", 4, false},
		{"edit rate 10x met", figures("commonplace", 0, 250, 0, 0, 0, 0), "shared-doc acked edits", 12.5, true},
		{"cpu per edit 0.1x met", figures("commonplace", 0, 0, 0, 4, 0, 0), "server CPU per acked edit", 0.1, true},
		{"cpu per edit above 0.1x", figures("commonplace", 0, 0, 0, 8, 0, 0), "server CPU per acked edit", 0.2, false},
		{"p99 ack absolute", figures("commonplace", 0, 0, 250, 0, 0, 0), "ack latency p99", 0.063, true},
		{"p99 ack too slow", figures("commonplace", 0, 0, 251, 0, 0, 0), "ack latency p99", 0.063, false},
		{"visible half", figures("commonplace", 0, 0, 0, 0, 30, 0), "edit-to-visible p99", 0.5, true},
		{"rss above half", figures("commonplace", 0, 0, 0, 0, 0, 200), "server peak RSS", 0.667, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := findRow(t, compare(map[string][]serverFigures{"reference": {ref}, "commonplace": {tc.cp}}), tc.metric)
			if r.Ratio == nil || *r.Ratio != tc.ratio {
				t.Fatalf("ratio %v, want %v", r.Ratio, tc.ratio)
			}
			if r.Met == nil || *r.Met != tc.met {
				t.Fatalf("met %v, want %v", r.Met, tc.met)
			}
		})
	}
}

func TestCompareOneServer(t *testing.T) {
	rows := compare(map[string][]serverFigures{"reference": {figures("reference", 300, 20, 4000, 40, 60, 300)}})
	for _, r := range rows {
		if r.Ratio != nil || r.Met != nil || r.Commonplace != nil {
			t.Fatalf("row %q judged without commonplace: %+v", r.Metric, r)
		}
	}
	var buf bytes.Buffer
	printTable(&buf, rows)
	if !strings.Contains(buf.String(), "cold sync") || strings.Contains(buf.String(), "(met)") {
		t.Fatalf("table:\n%s", buf.String())
	}
}

// TestCompareMedian: with several runs, each figure is the median.
func TestCompareMedian(t *testing.T) {
	runs := map[string][]serverFigures{
		"reference":   {figures("reference", 100, 0, 0, 0, 0, 0), figures("reference", 900, 0, 0, 0, 0, 0), figures("reference", 300, 0, 0, 0, 0, 0)},
		"commonplace": {figures("commonplace", 1000, 0, 0, 0, 0, 0), figures("commonplace", 2000, 0, 0, 0, 0, 0)},
	}
	r := findRow(t, compare(runs), "cold sync")
	if *r.Reference != 300 || *r.Commonplace != 1500 || *r.Ratio != 5 || !*r.Met {
		t.Fatalf("row %+v: want medians 300 and 1500, ratio 5, met", r)
	}
}
