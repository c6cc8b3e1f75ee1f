package main

import (
	"context"
	"fmt"
	"time"
)

// coldResult is phase 1: a new client fetches every preloaded document.
type coldResult struct {
	Docs           int     `json:"docs"`
	ChangesPerDoc  int     `json:"changes_per_doc"`
	PreloadSeconds float64 `json:"preload_seconds"`
	Seconds        float64 `json:"seconds"`
	DocsPerSec     float64 `json:"docs_per_sec"`
	ServerCPUMs    float64 `json:"server_cpu_ms"`
	CPUPerDocMs    float64 `json:"server_cpu_per_doc_ms"`
	GenCPUMs       float64 `json:"generator_cpu_ms"`
}

// runCold pushes the fixture through the protocol (one loader client), lets
// the server settle, then times a fresh client that requests every document
// at once until it holds each one's heads.
func runCold(ctx context.Context, env *runEnv, fx *coldFixture) (coldResult, error) {
	ctx, cancel := context.WithTimeout(ctx, env.cfg.PhaseTimeout)
	defer cancel()
	res := coldResult{Docs: len(fx.ids), ChangesPerDoc: env.cfg.ColdChanges}

	states, err := fx.states()
	if err != nil {
		return res, err
	}
	loader, err := env.dial(ctx)
	if err != nil {
		return res, fmt.Errorf("cold preload: %w", err)
	}
	start := time.Now()
	err = pushDocs(ctx, loader, states, env.cfg.Window)
	loader.close()
	if err != nil {
		return res, fmt.Errorf("cold preload: %w", err)
	}
	res.PreloadSeconds = time.Since(start).Seconds()
	if err := sleepCtx(ctx, env.cfg.Settle); err != nil {
		return res, fmt.Errorf("cold settle: %w", err)
	}

	if err := warmUp(ctx, env, fx.ids[:min(env.cfg.WarmupDocs, len(fx.ids))]); err != nil {
		return res, err
	}

	fetcher, err := env.dial(ctx)
	if err != nil {
		return res, fmt.Errorf("cold fetch: %w", err)
	}
	defer fetcher.close()
	cpu, err := env.startCPU()
	if err != nil {
		return res, err
	}
	genStart := selfCPU()
	start = time.Now()
	if _, err := fetchDocs(ctx, fetcher, fx.ids, false, hasHeads(fx.heads)); err != nil {
		return res, fmt.Errorf("cold fetch: %w", err)
	}
	elapsed := time.Since(start)
	res.GenCPUMs = millis(selfCPU() - genStart)
	used, err := cpu()
	if err != nil {
		return res, err
	}
	res.Seconds = elapsed.Seconds()
	res.DocsPerSec = float64(res.Docs) / elapsed.Seconds()
	res.ServerCPUMs = millis(used)
	res.CPUPerDocMs = millis(used) / float64(res.Docs)
	return res, nil
}

// warmUp has a throwaway client fetch documents between the settle and
// the timed fetch. After a pause this 2-core VM runs the next fraction of
// a second markedly slower (the server's and the generator's CPU per
// document both rose ~70% after a 2 s pause), which weighs on a phase of
// 0.15 s far more than on one of 0.8 s; the reference server gains too,
// its JIT being warm. The timed client is a fresh one, so it still starts
// with nothing.
func warmUp(ctx context.Context, env *runEnv, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	c, err := env.dial(ctx)
	if err != nil {
		return fmt.Errorf("cold warm-up: %w", err)
	}
	defer c.close()
	if _, err := fetchDocs(ctx, c, ids, false, caughtUp); err != nil {
		return fmt.Errorf("cold warm-up: %w", err)
	}
	return nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
