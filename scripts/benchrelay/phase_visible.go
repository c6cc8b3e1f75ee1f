package main

import (
	"context"
	"fmt"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/repo"
)

// visibleResult is phase 3: how long one client's edit takes to reach
// another client through the server.
type visibleResult struct {
	Edits   int            `json:"edits"`
	GapMs   float64        `json:"gap_ms"`
	Missing int            `json:"missing"`
	Latency latencySummary `json:"latency"`
}

// runVisible has a writer edit one document VisibleEdits times; a reader
// that fetched the document beforehand records when each edit lands in its
// copy. The writer waits for each edit to be seen (or VisibleTimeout), then
// VisibleGap, so no edit meets a server's per-document send throttle left
// over from the previous one (trap 10).
func runVisible(ctx context.Context, env *runEnv) (visibleResult, error) {
	ctx, cancel := context.WithTimeout(ctx, env.cfg.PhaseTimeout)
	defer cancel()
	cfg := env.cfg
	res := visibleResult{Edits: cfg.VisibleEdits, GapMs: millis(cfg.VisibleGap)}

	writer, err := env.dial(ctx)
	if err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}
	defer writer.close()
	id, err := repo.NewDocumentID()
	if err != nil {
		return res, err
	}
	doc := crdt.New()
	if err := doc.RootMap().Set("v", int64(0)); err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}
	if _, err := doc.Commit("create"); err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}
	heads := map[string][]crdt.ChangeHash{id: doc.Heads()}
	wds := newDocState(id, doc, false)
	if err := pushDocs(ctx, writer, []*docState{wds}, 1); err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}

	reader, err := env.dial(ctx)
	if err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}
	defer reader.close()
	rds, err := fetchDocs(ctx, reader, []string{id}, false, hasHeads(heads))
	if err != nil {
		return res, fmt.Errorf("visible: %w", err)
	}
	rec := &recorder{}
	ch := newChain(rec)
	rds[0].setObserver(func(ds *docState, _ serverView, at time.Time) { ch.see(ds.heads(), at) })

	for k := range cfg.VisibleEdits {
		var seen <-chan struct{}
		err := writer.edit(wds,
			func(d *crdt.Doc) error { return d.RootMap().Set("v", int64(k+1)) },
			func(h crdt.ChangeHash, t time.Time) { seen = ch.add(h, t) })
		if err != nil {
			return res, fmt.Errorf("visible: %w", err)
		}
		timer := time.NewTimer(cfg.VisibleTimeout)
		select {
		case <-seen:
		case <-timer.C:
		case <-reader.reader:
			timer.Stop()
			return res, fmt.Errorf("visible: reader connection ended: %w", reader.Err())
		case <-ctx.Done():
			timer.Stop()
			return res, fmt.Errorf("visible: %w", ctx.Err())
		}
		timer.Stop()
		if err := sleepCtx(ctx, cfg.VisibleGap); err != nil {
			return res, fmt.Errorf("visible: %w", err)
		}
	}
	res.Missing = ch.pending()
	res.Latency = rec.summary()
	return res, nil
}
