package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
)

// metric is one row of the comparison: how to read it from a server's
// figures and, for the goals, what commonplace must reach.
type metric struct {
	name   string
	unit   string
	higher bool // higher is better
	get    func(serverFigures) float64
	goal   string
	met    func(ratio, commonplace float64) bool
	// absolute goals judge commonplace alone; the others judge the ratio.
	absolute bool
}

var metrics = []metric{
	{name: "cold sync", unit: "docs/s", higher: true, get: func(f serverFigures) float64 { return f.Cold.DocsPerSec },
		goal: "ratio >= 5", met: func(r, _ float64) bool { return r >= 5 }},
	{name: "server CPU per cold-synced doc", unit: "ms", get: func(f serverFigures) float64 { return f.Cold.CPUPerDocMs }},
	{name: "shared-doc acked edits", unit: "edits/s", higher: true, get: func(f serverFigures) float64 { return f.Shared.EditsPerSec },
		goal: "ratio >= 10", met: func(r, _ float64) bool { return r >= 10 }},
	{name: "ack latency p50", unit: "ms", get: func(f serverFigures) float64 { return f.Shared.Ack.P50Ms }},
	{name: "ack latency p99", unit: "ms", get: func(f serverFigures) float64 { return f.Shared.Ack.P99Ms },
		goal: "commonplace <= 250 ms", absolute: true, met: func(_, c float64) bool { return c <= 250 }},
	{name: "server CPU per acked edit", unit: "ms", get: func(f serverFigures) float64 { return f.Shared.CPUPerEditMs },
		goal: "ratio <= 0.1", met: func(r, _ float64) bool { return r <= 0.1 }},
	{name: "unacked edits", unit: "count", get: func(f serverFigures) float64 { return float64(f.Shared.Unacked) }},
	{name: "acked edits missing on server", unit: "count", get: func(f serverFigures) float64 { return float64(f.Shared.LostAcked) }},
	{name: "edit-to-visible p50", unit: "ms", get: func(f serverFigures) float64 { return f.Visible.Latency.P50Ms }},
	{name: "edit-to-visible p99", unit: "ms", get: func(f serverFigures) float64 { return f.Visible.Latency.P99Ms },
		goal: "ratio <= 0.5", met: func(r, _ float64) bool { return r <= 0.5 }},
	{name: "server peak RSS", unit: "MiB", get: func(f serverFigures) float64 { return f.PeakRSSMiB },
		goal: "ratio <= 0.5", met: func(r, _ float64) bool { return r <= 0.5 }},
}

// row is one metric in the JSON report. Ratio is always commonplace ÷
// reference; Better says which direction wins.
type row struct {
	Metric      string   `json:"metric"`
	Unit        string   `json:"unit"`
	Better      string   `json:"better"`
	Reference   *float64 `json:"reference,omitempty"`
	Commonplace *float64 `json:"commonplace,omitempty"`
	Ratio       *float64 `json:"ratio_commonplace_over_reference,omitempty"`
	Goal        string   `json:"goal,omitempty"`
	Met         *bool    `json:"goal_met,omitempty"`
}

type report struct {
	Command string         `json:"command"`
	Started string         `json:"started"`
	Host    map[string]any `json:"host"`
	Config  map[string]any `json:"config"`
	// Servers holds every run of each server, in the order they ran.
	Servers map[string][]serverFigures `json:"servers"`
	Rows    []row                      `json:"comparison"`
}

// compare builds the comparison rows from whichever servers ran. With
// several runs per server each figure is the median of its runs.
func compare(servers map[string][]serverFigures) []row {
	ref, cp := servers["reference"], servers["commonplace"]
	var rows []row
	for _, m := range metrics {
		r := row{Metric: m.name, Unit: m.unit, Better: "lower", Goal: m.goal}
		if m.higher {
			r.Better = "higher"
		}
		if len(ref) > 0 {
			r.Reference = ptr(round(median(ref, m.get)))
		}
		if len(cp) > 0 {
			r.Commonplace = ptr(round(median(cp, m.get)))
		}
		if r.Reference != nil && r.Commonplace != nil && *r.Reference != 0 {
			r.Ratio = ptr(round(*r.Commonplace / *r.Reference))
		}
		switch {
		case m.met == nil || r.Commonplace == nil:
		case m.absolute:
			r.Met = ptr(m.met(0, *r.Commonplace))
		case r.Ratio != nil:
			r.Met = ptr(m.met(*r.Ratio, 0))
		}
		rows = append(rows, r)
	}
	return rows
}

// median of get over runs (the mean of the middle two for an even count).
func median(runs []serverFigures, get func(serverFigures) float64) float64 {
	v := make([]float64, len(runs))
	for i, f := range runs {
		v[i] = get(f)
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// printTable writes the rows as an aligned text table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tunit\treference\tcommonplace\tcp/ref\tbetter\tgoal\t")
	for _, r := range rows {
		goal := r.Goal
		if r.Met != nil {
			goal += map[bool]string{true: " (met)", false: " (MISSED)"}[*r.Met]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Metric, r.Unit, num(r.Reference), num(r.Commonplace), num(r.Ratio), r.Better, goal)
	}
	tw.Flush()
}

// printRuns notes under the table how many runs each figure summarises
// and how busy the machine was.
func printRuns(w io.Writer, servers map[string][]serverFigures) {
	for _, name := range []string{"reference", "commonplace"} {
		runs := servers[name]
		if len(runs) == 0 {
			continue
		}
		loads := make([]string, len(runs))
		for i, f := range runs {
			loads[i] = fmt.Sprintf("%.1f", f.Load1)
		}
		fmt.Fprintf(w, "%s: %d run(s), medians shown; 1-minute load average after each: %s\n", name, len(runs), strings.Join(loads, ", "))
	}
}

func writeJSON(path string, rep report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func num(p *float64) string {
	if p == nil {
		return "-"
	}
	switch x := math.Abs(*p); {
	case x >= 100 || x == math.Trunc(x):
		return fmt.Sprintf("%.0f", *p)
	case x >= 1:
		return fmt.Sprintf("%.2f", *p)
	default:
		return fmt.Sprintf("%.3f", *p)
	}
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

func ptr[T any](v T) *T { return &v }
