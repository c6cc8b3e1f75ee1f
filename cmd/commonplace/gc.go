package main

import (
	"context"
	"log/slog"
	"time"
)

// garbageCollector is the part of the store serve asks to reclaim space.
type garbageCollector interface {
	CollectGarbage(ctx context.Context) (int, error)
}

// collectGarbage reclaims Badger value-log space every interval until ctx
// ends: Badger never does it by itself, and compaction replaces document
// chunks all the time. A non-positive interval disables it.
func collectGarbage(ctx context.Context, st garbageCollector, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := st.CollectGarbage(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("value log gc", "err", err)
		case err == nil:
			log.Debug("value log gc", "files_rewritten", n)
		}
	}
}
