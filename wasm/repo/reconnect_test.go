//go:build !js

package repo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/backoff"
	"github.com/commonplace/commonplace/wasm/internal/nativews"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/repo"
)

// recordingClock fires every wait at once and records how long it was.
type recordingClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *recordingClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	if d < time.Hour { // the peer timeout never fires
		c.mu.Lock()
		c.waits = append(c.waits, d)
		c.mu.Unlock()
		ch <- time.Time{}
	}
	return ch
}

func (c *recordingClock) got() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

func TestReconnectBacksOffThenSyncs(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.Start(t, nil)
	real := nativews.Dialer(rel.SyncURL(rel.Token(t, "team")))
	r, err := repo.Open(ctx, repo.NewMemory(), repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("k", "v") }); err != nil {
		t.Fatal(err)
	}
	var states []repo.State
	var smu sync.Mutex
	defer r.OnStatus(func(s repo.Status) {
		smu.Lock()
		defer smu.Unlock()
		if len(states) == 0 || states[len(states)-1] != s.State {
			states = append(states, s.State)
		}
	})()

	var mu sync.Mutex
	fails := 4
	var last repo.Conn
	dial := func(ctx context.Context) (repo.Conn, error) {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return nil, errors.New("connection refused")
		}
		c, err := real(ctx)
		last = c
		return c, err
	}
	clock := &recordingClock{}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- r.Run(runCtx, repo.SyncOptions{Dial: dial, Clock: clock, Rand: func() float64 { return 0.5 },
			Policy: backoff.Policy{Base: 100 * time.Millisecond, Max: 300 * time.Millisecond}, PeerTimeout: 2 * time.Hour, RetryUnavailable: 2 * time.Hour})
	}()
	waitFor(t, "up to date", func() bool { s := r.Status(); return s.State == repo.UpToDate && s.Unconfirmed == 0 })

	want := []time.Duration{75 * time.Millisecond, 150 * time.Millisecond, 225 * time.Millisecond, 225 * time.Millisecond}
	got := clock.got()
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}

	// The relay drops the connection: the repo reconnects after a reset
	// backoff (first delay again) and is up to date once more.
	mu.Lock()
	last.Close()
	mu.Unlock()
	waitFor(t, "a fifth wait", func() bool { return len(clock.got()) == 5 })
	if d := clock.got()[4]; d != 75*time.Millisecond {
		t.Fatalf("wait after a good connection = %v, want the first delay", d)
	}
	waitFor(t, "up to date again", func() bool { return r.Status().State == repo.UpToDate })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	smu.Lock()
	defer smu.Unlock()
	seen := map[repo.State]bool{}
	for _, s := range states {
		seen[s] = true
	}
	for _, s := range []repo.State{repo.Connecting, repo.Offline, repo.Syncing, repo.UpToDate} {
		if !seen[s] {
			t.Errorf("state %s never reported (%v)", s, states)
		}
	}
}
