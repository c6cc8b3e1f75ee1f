package main

import (
	"flag"
	"fmt"
	"time"
)

// config sizes every phase. Each phase is bounded by a count or a duration
// and by PhaseTimeout.
type config struct {
	ColdDocs    int
	ColdChanges int

	Clients        int
	SharedDocs     int
	SharedDuration time.Duration
	EditsPerClient int // 0: until SharedDuration
	AckTimeout     time.Duration

	VisibleEdits   int
	VisibleGap     time.Duration
	VisibleTimeout time.Duration

	PhaseTimeout time.Duration
	Window       int
	Workers      int
	Settle       time.Duration
	WarmupDocs   int
}

// fullConfig is the load the goals are stated against.
func fullConfig() config {
	return config{
		ColdDocs: 1000, ColdChanges: 50,
		Clients: 50, SharedDocs: 20, SharedDuration: 20 * time.Second, AckTimeout: 30 * time.Second,
		VisibleEdits: 100, VisibleGap: 150 * time.Millisecond, VisibleTimeout: 10 * time.Second,
		PhaseTimeout: 5 * time.Minute, Window: 100, Workers: 2, Settle: 2 * time.Second, WarmupDocs: 1000,
	}
}

// quickConfig is a smoke run: every phase bounded by counts, small enough
// for a unit test.
func quickConfig() config {
	// Generous waits: a test on a busy machine must not fail for being slow.
	return config{
		ColdDocs: 20, ColdChanges: 5,
		Clients: 4, SharedDocs: 3, SharedDuration: time.Hour, EditsPerClient: 6, AckTimeout: time.Minute,
		VisibleEdits: 5, VisibleGap: 120 * time.Millisecond, VisibleTimeout: time.Minute,
		PhaseTimeout: 5 * time.Minute, Window: 16, Workers: 2,
	}
}

// register adds flags that override cfg's fields. Call after choosing the
// preset, before parsing the remaining arguments.
func (cfg *config) register(fs *flag.FlagSet) {
	fs.IntVar(&cfg.ColdDocs, "cold-docs", cfg.ColdDocs, "documents in the cold-sync phase")
	fs.IntVar(&cfg.ColdChanges, "cold-changes", cfg.ColdChanges, "changes per cold-sync document")
	fs.IntVar(&cfg.Clients, "clients", cfg.Clients, "clients in the shared-document phase")
	fs.IntVar(&cfg.SharedDocs, "shared-docs", cfg.SharedDocs, "documents the clients share")
	fs.DurationVar(&cfg.SharedDuration, "shared-duration", cfg.SharedDuration, "length of the shared-document edit window")
	fs.IntVar(&cfg.EditsPerClient, "edits-per-client", cfg.EditsPerClient, "edits per client in the shared phase (0: until -shared-duration)")
	fs.DurationVar(&cfg.AckTimeout, "ack-timeout", cfg.AckTimeout, "how long a client waits for one acknowledgement")
	fs.IntVar(&cfg.VisibleEdits, "visible-edits", cfg.VisibleEdits, "edits in the edit-to-visible phase")
	fs.DurationVar(&cfg.VisibleGap, "visible-gap", cfg.VisibleGap, "pause between an edit being seen and the next edit")
	fs.DurationVar(&cfg.VisibleTimeout, "visible-timeout", cfg.VisibleTimeout, "how long to wait for one edit to be seen")
	fs.DurationVar(&cfg.PhaseTimeout, "phase-timeout", cfg.PhaseTimeout, "upper bound on each phase")
	fs.IntVar(&cfg.Window, "push-window", cfg.Window, "documents in flight while preloading")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "message-handling goroutines per client")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "pause between preloading and the cold fetch")
	fs.IntVar(&cfg.WarmupDocs, "warmup-docs", cfg.WarmupDocs, "documents a throwaway client fetches after the pause, before the timed cold fetch")
}

// summary is cfg as the JSON report shows it, durations as text.
func (cfg config) summary() map[string]any {
	return map[string]any{
		"cold_docs": cfg.ColdDocs, "cold_changes": cfg.ColdChanges,
		"clients": cfg.Clients, "shared_docs": cfg.SharedDocs,
		"shared_duration": cfg.SharedDuration.String(), "edits_per_client": cfg.EditsPerClient,
		"ack_timeout":   cfg.AckTimeout.String(),
		"visible_edits": cfg.VisibleEdits, "visible_gap": cfg.VisibleGap.String(),
		"visible_timeout": cfg.VisibleTimeout.String(), "phase_timeout": cfg.PhaseTimeout.String(),
		"push_window": cfg.Window, "workers_per_client": cfg.Workers, "settle": cfg.Settle.String(),
		"warmup_docs": cfg.WarmupDocs,
	}
}

// validate rejects sizes the phases cannot run with.
func (cfg config) validate() error {
	switch {
	case cfg.ColdDocs < 1 || cfg.ColdChanges < 1:
		return fmt.Errorf("-cold-docs and -cold-changes must be at least 1")
	case cfg.Clients < 1 || cfg.SharedDocs < 1:
		return fmt.Errorf("-clients and -shared-docs must be at least 1")
	case cfg.EditsPerClient < 0 || cfg.VisibleEdits < 1:
		return fmt.Errorf("-edits-per-client must be >= 0 and -visible-edits >= 1")
	case cfg.SharedDuration <= 0 || cfg.AckTimeout <= 0 || cfg.VisibleTimeout <= 0 || cfg.PhaseTimeout <= 0:
		return fmt.Errorf("durations and timeouts must be positive")
	case cfg.Window < 1 || cfg.Workers < 1:
		return fmt.Errorf("-push-window and -workers must be at least 1")
	case cfg.WarmupDocs < 0:
		return fmt.Errorf("-warmup-docs must be at least 0")
	}
	return nil
}
