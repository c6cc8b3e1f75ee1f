package repo

import (
	"context"
	"errors"
	"sync"
)

// DefaultFallbackAfter is how many WebSocket failures in a row start HTTP
// sync.
const DefaultFallbackAfter = 2

// fallback runs the HTTP poller for Run while the WebSocket fails: Run
// starts it after repeated failures and stops it when a WebSocket
// connection is joined, so one transport syncs at a time. While it runs
// it owns the status; Run's WebSocket attempts go on without showing.
type fallback struct {
	r *Repo
	o SyncOptions

	mu       sync.Mutex
	cancel   context.CancelFunc
	done     chan struct{}
	live     bool // the poller goroutine is running
	disabled bool // the relay has no HTTP sync
	fatal    chan error
}

func newFallback(r *Repo, o SyncOptions) *fallback {
	return &fallback{r: r, o: o, fatal: make(chan error, 1)}
}

// start starts the poller unless it runs, there is no HTTP transport or
// the relay has no HTTP sync. A refused token is sent on f.fatal.
func (f *fallback) start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.o.HTTP == nil || f.disabled || f.done != nil {
		return
	}
	p, err := newPoller(f.r, f.o)
	if err != nil {
		f.disabled = true
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	f.cancel, f.done, f.live = cancel, done, true
	go func() {
		defer close(done)
		err := p.run(ctx)
		f.mu.Lock()
		f.live = false
		if errors.Is(err, ErrNoHTTPSync) {
			f.disabled = true
		}
		f.mu.Unlock()
		if errors.Is(err, ErrUnauthorized) {
			select {
			case f.fatal <- err:
			default: // Run has one refusal to read already
			}
		}
	}()
}

// stop stops the poller and waits for it to end.
func (f *fallback) stop() {
	f.mu.Lock()
	cancel, done := f.cancel, f.done
	f.cancel, f.done = nil, nil
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// wsState shows a WebSocket state unless the poller owns the status.
func (f *fallback) wsState(st State, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.live {
		f.r.setState(st, err)
	}
}
