package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// errUnavailable is recorded when the server answers doc-unavailable for a
// document the generator expects it to have.
var errUnavailable = errors.New("server answered doc-unavailable")

// latch counts documents still waiting for a condition and remembers the
// first failure, which ends the wait at once.
type latch struct {
	mu     sync.Mutex
	left   int
	err    error
	done   chan struct{}
	failed chan struct{}
}

func newLatch(n int) *latch {
	l := &latch{left: n, done: make(chan struct{}), failed: make(chan struct{})}
	if n == 0 {
		close(l.done)
	}
	return l
}

func (l *latch) countDown(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && l.err == nil {
		l.err = err
		close(l.failed)
	}
	l.left--
	if l.left == 0 {
		close(l.done)
	}
}

// wait blocks until every document counted down, the client's connection
// ends or ctx expires.
func (l *latch) wait(ctx context.Context, c *client, what string) error {
	select {
	case <-l.done:
	case <-l.failed:
	case <-c.reader:
		return fmt.Errorf("%s: connection ended: %w", what, c.Err())
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		return fmt.Errorf("%s: %d documents left: %w", what, l.left, ctx.Err())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return fmt.Errorf("%s: %w", what, l.err)
	}
	return nil
}

// watch sets ds's callbacks so the latch counts the document once: when
// cond first holds after a server message, or with errUnavailable if the
// server answers doc-unavailable first.
func (l *latch) watch(ds *docState, cond func(ds *docState, v serverView) bool) {
	fired := false // guarded by ds.mu, under which both callbacks run
	ds.observe = func(ds *docState, v serverView, _ time.Time) {
		if !fired && cond(ds, v) {
			fired = true
			l.countDown(nil)
		}
	}
	ds.unavailable = func(time.Time) {
		if !fired {
			fired = true
			l.countDown(fmt.Errorf("doc %s: %w", ds.id, errUnavailable))
		}
	}
}

// pushDocs sends documents the server does not have yet and waits until the
// server reports every one's heads. At most window documents are in flight.
func pushDocs(ctx context.Context, c *client, docs []*docState, window int) error {
	l := newLatch(len(docs))
	sem := make(chan struct{}, max(window, 1))
	for _, ds := range docs {
		want := ds.heads()
		l.watch(ds, func(_ *docState, v serverView) bool {
			if sameHashes(v.Heads, want) || sameHashes(v.LastSync, want) {
				<-sem
				return true
			}
			return false
		})
		select {
		case sem <- struct{}{}:
		case <-l.failed:
			return l.wait(ctx, c, "push")
		case <-ctx.Done():
			return fmt.Errorf("push: %w", ctx.Err())
		case <-c.reader:
			return fmt.Errorf("push: connection ended: %w", c.Err())
		}
		if err := c.open(ds); err != nil {
			return fmt.Errorf("push: %w", err)
		}
	}
	return l.wait(ctx, c, "push")
}

// fetchDocs asks the server for documents the client does not have and
// waits until done reports each complete. It returns their states in ids'
// order: crdt documents when the client will edit them, change graphs
// when it only watches.
func fetchDocs(ctx context.Context, c *client, ids []string, edit bool, done func(ds *docState, v serverView) bool) ([]*docState, error) {
	l := newLatch(len(ids))
	out := make([]*docState, len(ids))
	for i, id := range ids {
		ds := newGraphState(id)
		if edit {
			ds = newDocState(id, crdt.New(), true)
		}
		l.watch(ds, done)
		out[i] = ds
	}
	for _, ds := range out {
		if err := c.open(ds); err != nil {
			return nil, fmt.Errorf("fetch: %w", err)
		}
	}
	if err := l.wait(ctx, c, "fetch"); err != nil {
		return nil, err
	}
	return out, nil
}

// hasHeads is a fetch condition: the client's copy has exactly want.
func hasHeads(want map[string][]crdt.ChangeHash) func(*docState, serverView) bool {
	return func(ds *docState, _ serverView) bool {
		return sameHashes(ds.heads(), want[ds.id])
	}
}

// caughtUp is a fetch condition for documents whose heads are not known in
// advance: the client has something and the server reports the same heads.
func caughtUp(ds *docState, v serverView) bool {
	h := ds.heads()
	return len(h) > 0 && sameHashes(v.Heads, h)
}

func sameHashes(a, b []crdt.ChangeHash) bool {
	if len(a) != len(b) {
		return false
	}
	for _, h := range a {
		if !slices.Contains(b, h) {
			return false
		}
	}
	return true
}
