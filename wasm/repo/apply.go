package repo

import (
	"context"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt"
)

// applied is what one sync message from the relay did to a document: the
// writes that store it and, if its heads moved, the event for listeners.
type applied struct {
	id  string
	ops []Op
	ev  *Event
}

// applyLocked feeds a relay's sync message to h through ss (the sync state
// of whichever transport carried it), and drops from h.pending the changes
// the relay's heads now include. Called with r.mu held; the caller stores
// the result with r.store once the lock is released.
func (r *Repo) applyLocked(h *handle, ss *crdt.SyncState, data []byte) (applied, error) {
	a := applied{id: h.id}
	before := h.doc.Heads()
	sm, err := ss.ReceiveMessage(data)
	if err != nil {
		return a, fmt.Errorf("sync message for %s: %w: %w", h.id, err, ErrRelay)
	}
	h.unavail = false
	after := h.doc.Heads()
	if !slices.Equal(before, after) {
		a.ops = r.persistOps(h)
		a.ev = &Event{DocID: h.id, Before: before, After: after, Remote: true}
	}
	if confirm(h, sm.Heads()) {
		a.ops = append(a.ops, r.pendingOp(h))
	}
	return a, nil
}

// store writes what applyLocked produced, then tells listeners. It
// reports whether the document changed.
func (r *Repo) store(ctx context.Context, a applied) (bool, error) {
	if len(a.ops) > 0 {
		if err := r.st.Write(ctx, a.ops); err != nil {
			return false, fmt.Errorf("store synced changes of %s: %w", a.id, err)
		}
	}
	if a.ev == nil {
		return false, nil
	}
	r.emit(*a.ev)
	return true, nil
}

// confirm drops from h.pending every change that relayHeads include: the
// relay answers with heads only once those changes are durable in its
// store. It reports whether pending changed. Called with the repo locked.
func confirm(h *handle, relayHeads []crdt.ChangeHash) bool {
	if len(h.pending) == 0 {
		return false
	}
	n := len(h.pending)
	seen := map[crdt.ChangeHash]bool{}
	stack := append([]crdt.ChangeHash(nil), relayHeads...)
	for len(stack) > 0 && len(h.pending) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c] {
			continue
		}
		seen[c] = true
		ch, err := h.doc.Change(c)
		if err != nil {
			continue // the relay has changes we have not received yet
		}
		delete(h.pending, c)
		stack = append(stack, ch.Dependencies()...)
	}
	return len(h.pending) != n
}

// refreshStatus recomputes syncing versus up to date on transport t: up to
// date once every document was exchanged on it and nothing is unconfirmed.
func (r *Repo) refreshStatus(t Transport) {
	r.mu.Lock()
	st := UpToDate
	for _, h := range r.docs {
		if !h.exchanged(t) || len(h.pending) > 0 {
			st = Syncing
			break
		}
	}
	n := r.unconfirmedLocked()
	r.mu.Unlock()
	r.status.set(Status{State: st, Unconfirmed: n, Transport: t})
}

// exchanged reports whether h was exchanged with the relay on transport t:
// answered on this WebSocket connection, or settled by an HTTP exchange
// since the fallback started.
func (h *handle) exchanged(t Transport) bool {
	if t == HTTP {
		return h.polled
	}
	return h.sync != nil && h.sync.heard
}
