package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/repo"
)

// sharedResult is phase 2: many clients editing a few shared documents.
type sharedResult struct {
	Clients       int            `json:"clients"`
	Docs          int            `json:"docs"`
	Seconds       float64        `json:"seconds"`
	Edits         int            `json:"edits"`
	Acked         int            `json:"acked"`
	AckedInWindow int            `json:"acked_in_window"`
	Unacked       int            `json:"unacked"`
	LostAcked     int            `json:"lost_acked"`
	EditsPerSec   float64        `json:"acked_edits_per_sec"`
	Ack           latencySummary `json:"ack_latency"`
	ServerCPUMs   float64        `json:"server_cpu_ms"`
	CPUPerEditMs  float64        `json:"server_cpu_per_acked_edit_ms"`
	GenCPUMs      float64        `json:"generator_cpu_ms"`
}

// editor is one client of the shared-document load with a chain of its own
// edits per document.
type editor struct {
	c      *client
	docs   []*docState
	chains []*chain
}

// runShared creates the shared documents, connects the clients, lets each
// run a closed loop (edit one document, wait for the server's
// acknowledgement or AckTimeout, move to the next document) until the
// window or its edit budget ends, then checks with a fresh client that
// every acknowledged edit is on the server.
func runShared(ctx context.Context, env *runEnv) (sharedResult, error) {
	ctx, cancel := context.WithTimeout(ctx, env.cfg.PhaseTimeout)
	defer cancel()
	cfg := env.cfg
	res := sharedResult{Clients: cfg.Clients, Docs: cfg.SharedDocs}

	ids, heads, err := createDocs(ctx, env, cfg.SharedDocs)
	if err != nil {
		return res, fmt.Errorf("shared setup: %w", err)
	}
	rec := &recorder{}
	editors, err := connectEditors(ctx, env, ids, heads, rec)
	defer func() {
		for _, e := range editors {
			e.c.close()
		}
	}()
	if err != nil {
		return res, fmt.Errorf("shared setup: %w", err)
	}

	cpu, err := env.startCPU()
	if err != nil {
		return res, err
	}
	genStart := selfCPU()
	start := time.Now()
	deadline := start.Add(cfg.SharedDuration)
	var wg sync.WaitGroup
	errs := make([]error, len(editors))
	for i, e := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.run(ctx, i, deadline, cfg)
		}()
	}
	wg.Wait()
	end := time.Now()
	res.GenCPUMs = millis(selfCPU() - genStart)
	used, err := cpu()
	if err != nil {
		return res, err
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("shared edits: %w", err)
	}

	windowEnd := end
	if deadline.Before(end) {
		windowEnd = deadline
	}
	for _, e := range editors {
		for _, ch := range e.chains {
			res.Edits += ch.len()
			res.Unacked += ch.pending()
		}
	}
	res.Acked = res.Edits - res.Unacked
	res.AckedInWindow = rec.count(windowEnd)
	res.Seconds = windowEnd.Sub(start).Seconds()
	res.EditsPerSec = float64(res.AckedInWindow) / res.Seconds
	res.Ack = rec.summary()
	res.ServerCPUMs = millis(used)
	if res.Acked > 0 {
		res.CPUPerEditMs = millis(used) / float64(res.Acked)
	}

	res.LostAcked, err = verifyAcked(ctx, env, ids, editors)
	if err != nil {
		return res, fmt.Errorf("shared verify: %w", err)
	}
	return res, nil
}

// createDocs makes n small documents with one client and waits until the
// server has them (trap 12: nobody may fetch a document first).
func createDocs(ctx context.Context, env *runEnv, n int) ([]string, map[string][]crdt.ChangeHash, error) {
	c, err := env.dial(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer c.close()
	ids := make([]string, n)
	heads := map[string][]crdt.ChangeHash{}
	states := make([]*docState, n)
	for i := range n {
		if ids[i], err = repo.NewDocumentID(); err != nil {
			return nil, nil, err
		}
		doc := crdt.New()
		if err := doc.RootMap().Set("title", fmt.Sprintf("shared %d", i)); err != nil {
			return nil, nil, fmt.Errorf("create doc: %w", err)
		}
		if _, err := doc.Commit("create"); err != nil {
			return nil, nil, fmt.Errorf("create doc: %w", err)
		}
		heads[ids[i]] = doc.Heads()
		states[i] = newDocState(ids[i], doc, false)
	}
	if err := pushDocs(ctx, c, states, env.cfg.Window); err != nil {
		return nil, nil, err
	}
	return ids, heads, nil
}

// connectEditors connects the clients in parallel; each fetches every
// shared document before the load starts. It returns the editors it
// connected even on error so the caller can close them.
func connectEditors(ctx context.Context, env *runEnv, ids []string, heads map[string][]crdt.ChangeHash, rec *recorder) ([]*editor, error) {
	editors := make([]*editor, env.cfg.Clients)
	errs := make([]error, len(editors))
	var wg sync.WaitGroup
	for i := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := env.dialInline(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			e := &editor{c: c}
			editors[i] = e
			if e.docs, err = fetchDocs(ctx, c, ids, true, hasHeads(heads)); err != nil {
				errs[i] = err
				return
			}
			for _, ds := range e.docs {
				ch := newChain(rec)
				e.chains = append(e.chains, ch)
				ds.setObserver(func(_ *docState, v serverView, at time.Time) {
					ch.see(v.Heads, at)
					ch.see(v.LastSync, at)
				})
			}
		}()
	}
	wg.Wait()
	connected := editors[:0]
	for _, e := range editors {
		if e != nil {
			connected = append(connected, e)
		}
	}
	return connected, errors.Join(errs...)
}

// run is one editor's closed loop. Client i edits its own key, starting at
// document i so the load spreads over all documents.
func (e *editor) run(ctx context.Context, i int, deadline time.Time, cfg config) error {
	key := fmt.Sprintf("client%d", i)
	for k := 0; cfg.EditsPerClient == 0 || k < cfg.EditsPerClient; k++ {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil
		}
		j := (i + k) % len(e.docs)
		var acked <-chan struct{}
		err := e.c.edit(e.docs[j],
			func(d *crdt.Doc) error { return d.RootMap().Set(key, int64(k)) },
			func(h crdt.ChangeHash, t time.Time) { acked = e.chains[j].add(h, t) })
		if err != nil {
			return err
		}
		timer := time.NewTimer(cfg.AckTimeout)
		select {
		case <-acked:
		case <-timer.C: // counted as unacknowledged unless it settles later
		case <-e.c.reader:
			timer.Stop()
			return fmt.Errorf("editor %d: connection ended: %w", i, e.c.Err())
		case <-ctx.Done():
		}
		timer.Stop()
	}
	return nil
}

// verifyAcked fetches the shared documents with a fresh client and counts
// acknowledged edits the server does not actually have.
func verifyAcked(ctx context.Context, env *runEnv, ids []string, editors []*editor) (int, error) {
	c, err := env.dial(ctx)
	if err != nil {
		return 0, err
	}
	defer c.close()
	states, err := fetchDocs(ctx, c, ids, false, caughtUp)
	if err != nil {
		return 0, err
	}
	lost := 0
	for j, ds := range states {
		ds.mu.Lock()
		held, err := ds.held()
		ds.mu.Unlock()
		if err != nil {
			return 0, err
		}
		for _, e := range editors {
			for _, h := range e.chains[j].seen() {
				if !held[h] {
					lost++
				}
			}
		}
	}
	return lost, nil
}
