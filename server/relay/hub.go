package relay

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// hub holds the documents in memory: loaded on first use, evicted once no
// peer has had them open for DocIdleTimeout, so memory follows the active
// set, not the store. All work on one document is serialised by its
// entry's lock, store writes included: that is what makes a change
// durable before any peer hears of it.
type hub struct {
	s    *Server
	mu   sync.Mutex
	docs map[string]*entry
	// waiting holds, per unclaimed document, the sessions that requested
	// it; see wait.
	waiting map[string][]waiter
	warm    *warmSet
}

// waiter is a session that requested a document nobody owned yet.
type waiter struct {
	session   docsync.PeerID
	workspace string
	request   wire.Message
}

// maxWaiters bounds the waiters kept per document.
const maxWaiters = 64

type entry struct {
	// qmu guards queue and running: the calls of do waiting for the
	// document, and whether a batch is being run.
	qmu     sync.Mutex
	queue   []*job
	running bool

	mu   sync.Mutex
	doc  *docsync.Document // nil until loaded, and after a store failure
	busy int               // callers between acquire and release; guarded by hub.mu
	idle time.Time         // when the last peer left; guarded by mu
}

func newHub(s *Server) *hub {
	return &hub{s: s, docs: map[string]*entry{}, waiting: map[string][]waiter{}, warm: newWarmSet(s.cfg.WarmDocuments)}
}

// wait records that w requested document id, which nobody owns. If the
// requester's workspace creates it later, openWaiters gives it the
// document, as automerge-repo's own servers do for a peer that asked.
// Other workspaces' requesters are never told anything.
func (h *hub) wait(id string, w waiter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.waiting[id]) < maxWaiters {
		h.waiting[id] = append(h.waiting[id], w)
	}
}

// openWaiters opens document d for the sessions of workspace ws that
// requested it before it existed, by replaying their requests. It is
// called, under d's lock, just before the claiming sync is handled, so
// that sync's changes reach them like any live change.
func (h *hub) openWaiters(d *docsync.Document, ws string) docsync.Effects {
	h.mu.Lock()
	ws0 := h.waiting[d.ID()]
	delete(h.waiting, d.ID())
	h.mu.Unlock()
	var eff docsync.Effects
	for _, w := range ws0 {
		if w.workspace != ws {
			continue
		}
		e, err := d.Handle(w.session, w.request)
		if err != nil {
			continue // its request was not a sync message: it stays out
		}
		e.Send = slices.DeleteFunc(e.Send, func(s docsync.Send) bool {
			return s.Msg.Type == wire.TypeDocUnavailable // it was told already
		})
		eff.Append(e)
	}
	return eff
}

func (h *hub) acquire(id string) *entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.docs[id]
	if e == nil {
		e = &entry{}
		h.docs[id] = e
	}
	e.busy++
	return e
}

func (h *hub) release(e *entry) {
	h.mu.Lock()
	e.busy--
	h.mu.Unlock()
}

// submit queues fn to run on document id, loading it first if needed,
// and returns at once; done gets fn's error once the effects are carried
// out: store operations in order, and only if they all succeed, the
// messages. Calls for one document run in the order submitted.
//
// Calls for one document are group-committed: whoever finds nobody
// working on the document starts a goroutine that runs every queued fn
// in one batch under the document's lock with writes held, so all the
// changes they bring go to the store in one write; only then are any of
// their messages sent. While a batch waits for the disk, the next one
// queues up behind it.
func (h *hub) submit(ctx context.Context, id string, fn func(*docsync.Document) (docsync.Effects, error), done func(error)) {
	e := h.acquire(id)
	j := &job{fn: fn, done: func(err error) { h.release(e); done(err) }}
	e.qmu.Lock()
	e.queue = append(e.queue, j)
	lead := !e.running
	e.running = true
	e.qmu.Unlock()
	if lead {
		go func() {
			for batch := e.take(); batch != nil; batch = e.take() {
				h.runBatch(ctx, id, e, batch)
			}
		}()
	}
}

// job is one call of submit waiting in its document's queue.
type job struct {
	fn   func(*docsync.Document) (docsync.Effects, error)
	err  error
	done func(error)
}

// take empties e's queue and returns what it held. With nothing queued
// it returns nil and marks e as not running, so the next submit starts a
// runner.
func (e *entry) take() []*job {
	e.qmu.Lock()
	defer e.qmu.Unlock()
	batch := e.queue
	e.queue = nil
	if len(batch) == 0 {
		e.running = false
		return nil
	}
	return batch
}

// runBatch runs the jobs of one batch on e's document and finishes each.
func (h *hub) runBatch(ctx context.Context, id string, e *entry, batch []*job) {
	err := h.runLocked(ctx, id, e, batch)
	for _, j := range batch {
		if err != nil {
			j.err = err
		}
		j.done(j.err)
	}
}

// runLocked runs the batch under e's lock. An error it returns is every
// job's; otherwise each job keeps its fn's error.
func (h *hub) runLocked(ctx context.Context, id string, e *entry, batch []*job) (err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() {
		// An engine that panics (automerge-go does on results it did
		// not expect) must not take the relay down: drop the document,
		// whose state is now unknown, and the peers that have it open.
		if r := recover(); r != nil {
			h.s.log.Error("panic in document", "doc", id, "panic", r, "stack", string(debug.Stack()))
			h.drop(e)
			err = fmt.Errorf("document %s: %w: %v", id, errPanic, r)
		}
	}()
	if e.doc == nil {
		if err := h.load(ctx, id, e); err != nil {
			return err
		}
	}
	// Each fn's effects are carried out even when it also returns an
	// error: what it changed before failing must still reach the store.
	// The messages stay in one slice per job, in order: merging a batch's
	// fan-outs into one slice would copy them all again.
	var eff docsync.Effects
	sends := make([][]docsync.Send, 0, len(batch))
	e.doc.HoldWrites()
	for _, j := range batch {
		mine, ferr := j.fn(e.doc)
		sends = append(sends, mine.Send)
		mine.Send = nil
		eff.Append(mine)
		j.err = ferr
	}
	eff.Append(e.doc.FlushWrites())
	if err := h.s.applyStore(ctx, eff.Store); err != nil {
		// Memory is now ahead of the store. Drop the document so the
		// next use reloads what is durable; its peers resync from the
		// store on reconnect.
		h.drop(e)
		return fmt.Errorf("document %s: %w", id, err)
	}
	for _, ss := range sends {
		for _, s := range ss {
			h.s.deliver(s)
		}
	}
	h.s.gossip(e.doc, eff)
	if ops := e.doc.Compact(); len(ops) > 0 {
		if err := h.s.applyStore(ctx, ops); err != nil {
			// What the document believes is stored may no longer be:
			// reload it from what is.
			h.s.log.Warn("compaction failed", "doc", id, "err", err)
			h.drop(e)
			return nil
		}
	}
	h.markIdle(e)
	h.keepWarm(e)
	return nil
}

// keepWarm notes that e's document was used and, if that pushes others
// out of the warm set, drops their engine copies. The caller holds e.mu;
// the others' locks are only tried, never waited for.
func (h *hub) keepWarm(e *entry) {
	if e.doc == nil || !e.doc.Warm() {
		return
	}
	for _, old := range h.warm.touch(e) {
		if old == e || !old.mu.TryLock() {
			continue
		}
		if old.doc != nil {
			old.doc.Cool()
		}
		old.mu.Unlock()
	}
}

// errPanic marks an error recovered from a panic in the engine.
var errPanic = errors.New("engine panicked")

// drop forgets e's document and disconnects the peers that have it open.
// The caller holds e.mu.
func (h *hub) drop(e *entry) {
	if e.doc == nil {
		return
	}
	peers := e.doc.Peers()
	e.doc = nil
	h.warm.forget(e)
	h.s.metrics.documents.Dec()
	h.s.failSessions(peers, "internal error")
}

func (h *hub) markIdle(e *entry) {
	if e.doc != nil && !e.doc.HasPeers() && e.idle.IsZero() {
		e.idle = h.s.cfg.Now()
	} else if e.doc != nil && e.doc.HasPeers() {
		e.idle = time.Time{}
	}
}

func (h *hub) load(ctx context.Context, id string, e *entry) error {
	entries, err := h.s.cfg.Store.LoadRange(ctx, docsync.Prefix(id))
	if err != nil {
		return fmt.Errorf("load document %s: %w", id, err)
	}
	d, eff, skipped := docsync.Load(h.s.cfg.Engine, id, entries, docsync.Options{CompactAfter: h.s.cfg.CompactAfter})
	for _, sk := range skipped {
		h.s.log.Warn("skipped damaged document entry", "doc", id, "key", sk.Key, "err", sk.Err)
	}
	if err := h.s.applyStore(ctx, eff.Store); err != nil {
		// The compaction failed part way; what is stored still loads.
		h.s.log.Warn("compaction on load failed", "doc", id, "err", err)
	}
	e.doc = d
	e.idle = time.Time{}
	h.s.metrics.documents.Inc()
	return nil
}

// leave removes session p from document id if it is loaded, and from the
// document's waiters.
func (h *hub) leave(id string, p docsync.PeerID) {
	h.mu.Lock()
	e := h.docs[id]
	if ws := h.waiting[id]; len(ws) > 0 {
		ws = slices.DeleteFunc(ws, func(w waiter) bool { return w.session == p })
		if len(ws) == 0 {
			delete(h.waiting, id)
		} else {
			h.waiting[id] = ws
		}
	}
	h.mu.Unlock()
	if e == nil {
		return
	}
	e.mu.Lock()
	if e.doc != nil {
		e.doc.Leave(p)
		h.markIdle(e)
	}
	e.mu.Unlock()
}

// ifLoaded runs fn on document id only if it is in memory; a document
// nobody has loaded has nobody to relay to.
func (h *hub) ifLoaded(id string, fn func(*docsync.Document) docsync.Effects) {
	h.mu.Lock()
	e := h.docs[id]
	if e != nil {
		e.busy++
	}
	h.mu.Unlock()
	if e == nil {
		return
	}
	defer h.release(e)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.doc == nil {
		return
	}
	for _, s := range fn(e.doc).Send {
		h.s.deliver(s)
	}
}

// evict drops documents that nobody has open and that have been idle for
// DocIdleTimeout. It skips any entry in use.
func (h *hub) evict() int {
	now := h.s.cfg.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for id, e := range h.docs {
		if e.busy > 0 || !e.mu.TryLock() {
			continue
		}
		drop := e.doc == nil || (!e.doc.HasPeers() && !e.idle.IsZero() && now.Sub(e.idle) >= h.s.cfg.DocIdleTimeout)
		if drop {
			if e.doc != nil {
				h.s.metrics.documents.Dec()
			}
			h.warm.forget(e)
			delete(h.docs, id)
			n++
		}
		e.mu.Unlock()
	}
	return n
}
