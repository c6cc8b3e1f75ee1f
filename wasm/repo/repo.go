// Package repo is the field app's local repository of Automerge documents:
// it keeps every document in a Storage (IndexedDB in the browser), applies
// local edits durably before reporting them done, and syncs the documents
// with one relay as an ordinary automerge-repo peer (see Run). It is
// platform-neutral so it builds and is tested natively; the browser's
// IndexedDB and WebSocket plug in through Storage and Dialer.
package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/commonplace/commonplace/wasm/internal/listen"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// Sentinel errors.
var (
	// ErrNotFound is returned for a document the repo does not hold.
	ErrNotFound = errors.New("repo: document not found")
	// ErrExists is returned by CreateID for a known document ID.
	ErrExists = errors.New("repo: document exists")
)

// DefaultCompactAfter is how many incremental chunks a document collects
// before they are folded into one snapshot.
const DefaultCompactAfter = 64

// Options configures a Repo.
type Options struct {
	// Namespace prefixes every storage key, so several repos (the shared
	// workspace and the personal space) share one database.
	Namespace string
	// ActorID is this device's Automerge actor (hex); every document is
	// edited under it so history can name the device's person.
	ActorID string
	// CompactAfter overrides DefaultCompactAfter.
	CompactAfter int
	// Now is the clock for commit times; nil means time.Now.
	Now func() time.Time
	// Lazy leaves stored documents unloaded until they are used (Read,
	// Change) or LoadAll runs, if nothing about them waits for the relay:
	// decoding a long history is most of a start-up's time. Has, IDs and
	// Heads answer for them from the stored heads. See lazy.go.
	Lazy bool
}

// Event tells listeners that a document changed, from Before to After heads.
type Event struct {
	DocID         string
	Before, After []crdt.ChangeHash
	Remote        bool
}

// Repo holds documents. All methods are safe for concurrent use.
type Repo struct {
	st   Storage
	opts Options

	mu      sync.Mutex
	docs    map[string]*handle
	lazy    map[string]lazyDoc // stored, not loaded yet (Options.Lazy)
	watched map[string]int     // documents on screen (Watch), with their watch counts
	events  listen.Set[Event]
	kick    chan struct{} // a local change wants syncing
	seq     uint64        // orders local changes across documents
	status  statusBox
}

// handle is one document and its bookkeeping.
type handle struct {
	id      string
	doc     *crdt.Doc
	chunks  []string                     // storage keys of incremental chunks
	pending map[crdt.ChangeHash]struct{} // local changes the relay has not confirmed
	wanted  bool                         // we lack it and asked for it
	unavail bool                         // the relay said it has none
	sync    *peerState                   // per-connection sync state, nil offline
	polled  bool                         // an HTTP exchange settled it since the fallback began
	touched uint64                       // Repo.seq at the last local change
}

func (r *Repo) key(parts ...string) string {
	return r.opts.Namespace + "doc/" + strings.Join(parts, "/")
}

// Open loads every document stored under opts.Namespace.
func Open(ctx context.Context, st Storage, opts Options) (*Repo, error) {
	if opts.CompactAfter <= 0 {
		opts.CompactAfter = DefaultCompactAfter
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ActorID == "" {
		opts.ActorID = crdt.NewActorID()
	}
	r := &Repo{st: st, opts: opts, docs: map[string]*handle{}, lazy: map[string]lazyDoc{},
		watched: map[string]int{}, kick: make(chan struct{}, 1)}
	entries, err := st.List(ctx, r.key(""))
	if err != nil {
		return nil, fmt.Errorf("open repo: %w", err)
	}
	byDoc := map[string][]Entry{}
	var order []string
	for _, e := range entries {
		id, _, _ := strings.Cut(strings.TrimPrefix(e.Key, r.key("")), "/")
		if _, ok := byDoc[id]; !ok {
			order = append(order, id)
		}
		byDoc[id] = append(byDoc[id], e)
	}
	for _, id := range order {
		if heads, ok := r.deferrable(id, byDoc[id]); ok {
			r.lazy[id] = lazyDoc{entries: byDoc[id], heads: heads}
			continue
		}
		h, err := r.load(id, byDoc[id])
		if err != nil {
			return nil, fmt.Errorf("open repo: document %s: %w", id, err)
		}
		r.docs[id] = h
	}
	return r, nil
}

// load rebuilds one document from its entries: the snapshot first, then
// chunks, then the pending list. Unreadable chunks are skipped: they are
// also on the relay if they were ever confirmed.
func (r *Repo) load(id string, entries []Entry) (*handle, error) {
	h := &handle{id: id, doc: crdt.New(), pending: map[crdt.ChangeHash]struct{}{}}
	prefix := r.key(id) + "/"
	var chunks [][]byte
	for _, e := range entries {
		switch name := strings.TrimPrefix(e.Key, prefix); {
		case name == "snap":
			d, err := crdt.Load(e.Value)
			if err != nil {
				return nil, fmt.Errorf("load snapshot: %w", err)
			}
			h.doc = d
		case strings.HasPrefix(name, "chunk/"):
			h.chunks = append(h.chunks, e.Key)
			chunks = append(chunks, e.Value)
		case name == "pending":
			for b := e.Value; len(b) >= 32; b = b[32:] {
				h.pending[crdt.ChangeHash(b[:32])] = struct{}{}
			}
		case name == "want":
			h.wanted = true
		}
		// "heads" (see lazy.go) is only read by Open.
	}
	loadChunks(h.doc, chunks)
	if err := h.doc.SetActorID(r.opts.ActorID); err != nil {
		return nil, fmt.Errorf("set actor: %w", err)
	}
	h.doc.SaveIncremental() // the stored state is the incremental baseline
	if len(h.doc.Heads()) > 0 {
		h.wanted = false
	}
	return h, nil
}

// loadChunks applies chunks in dependency order: they are stored under
// content hashes, so storage order says nothing about which came first,
// and a chunk whose dependencies are not loaded yet fails. Each pass loads
// what it can; chunks that never load (damaged) are left out.
func loadChunks(d *crdt.Doc, chunks [][]byte) {
	for len(chunks) > 0 {
		var failed [][]byte
		for _, c := range chunks {
			if err := d.LoadIncremental(c); err != nil {
				failed = append(failed, c)
			}
		}
		if len(failed) == len(chunks) {
			return
		}
		chunks = failed
	}
}

// ActorID is the actor every local change is made by.
func (r *Repo) ActorID() string { return r.opts.ActorID }

// Create makes a new empty document, stored, and returns its ID. An
// initial change (fn) is made so the document exists on the relay once
// synced.
func (r *Repo) Create(ctx context.Context, msg string, fn func(*crdt.Doc) error) (string, error) {
	id, err := NewDocumentID()
	if err != nil {
		return "", err
	}
	return id, r.CreateID(ctx, id, msg, fn)
}

// CreateID is Create with a document ID chosen by the caller (one it
// registered with the relay first, say). It fails if the repo knows id.
func (r *Repo) CreateID(ctx context.Context, id, msg string, fn func(*crdt.Doc) error) error {
	if _, err := ParseDocumentID(id); err != nil {
		return err
	}
	r.mu.Lock()
	_, known := r.docs[id]
	_, stored := r.lazy[id]
	r.mu.Unlock()
	known = known || stored
	if known {
		return fmt.Errorf("create %s: %w", id, ErrExists)
	}
	d := crdt.New()
	if err := d.SetActorID(r.opts.ActorID); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	return r.add(ctx, id, d, msg, fn)
}

// Import stores a copy of a saved document (its whole history) under a
// new ID, then applies fn as a local change.
func (r *Repo) Import(ctx context.Context, saved []byte, msg string, fn func(*crdt.Doc) error) (string, error) {
	id, err := NewDocumentID()
	if err != nil {
		return "", err
	}
	d, err := crdt.Load(saved)
	if err != nil {
		return "", fmt.Errorf("import: %w", err)
	}
	if err := d.SetActorID(r.opts.ActorID); err != nil {
		return "", fmt.Errorf("import: %w", err)
	}
	return id, r.add(ctx, id, d, msg, fn)
}

func (r *Repo) add(ctx context.Context, id string, d *crdt.Doc, msg string, fn func(*crdt.Doc) error) error {
	r.mu.Lock()
	h := &handle{id: id, doc: d, pending: map[crdt.ChangeHash]struct{}{}}
	r.docs[id] = h
	r.mu.Unlock()
	// Every change of an imported document is new to this repo's relay.
	for _, c := range mustChanges(d) {
		h.pending[c.Hash()] = struct{}{}
	}
	_, err := r.Change(ctx, id, msg, fn)
	return err
}

func mustChanges(d *crdt.Doc) []*crdt.Change {
	cs, _ := d.Changes()
	return cs
}

// Want records that the repo should fetch document id from the relay (an
// ID learned from another document). It is a no-op for a known document.
func (r *Repo) Want(ctx context.Context, id string) error {
	if _, err := ParseDocumentID(id); err != nil {
		return err
	}
	r.mu.Lock()
	_, loaded := r.docs[id]
	_, stored := r.lazy[id]
	if loaded || stored {
		r.mu.Unlock()
		return nil
	}
	r.mu.Unlock()
	if err := r.st.Write(ctx, []Op{{Key: r.key(id, "want"), Value: []byte{1}}}); err != nil {
		return fmt.Errorf("want %s: %w", id, err)
	}
	d := crdt.New()
	if err := d.SetActorID(r.opts.ActorID); err != nil {
		return fmt.Errorf("want: %w", err)
	}
	r.mu.Lock()
	if _, ok := r.docs[id]; !ok {
		r.docs[id] = &handle{id: id, doc: d, pending: map[crdt.ChangeHash]struct{}{}, wanted: true}
	}
	r.mu.Unlock()
	r.wake()
	return nil
}

// Has reports whether the repo holds document id with content (not only wanted).
func (r *Repo) Has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.lazy[id]; ok {
		return len(l.heads) > 0
	}
	h, ok := r.docs[id]
	return ok && len(h.doc.Heads()) > 0
}

// IDs lists the documents that have content, sorted.
func (r *Repo) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for id, h := range r.docs {
		if len(h.doc.Heads()) > 0 {
			out = append(out, id)
		}
	}
	for id, l := range r.lazy {
		if len(l.heads) > 0 {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Read calls fn with document id while no change can run. fn must not keep
// the document, change it, or call the repo (the repo is locked).
func (r *Repo) Read(id string, fn func(*crdt.Doc) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok, err := r.handleLocked(id)
	if err != nil {
		return err
	}
	if !ok || len(h.doc.Heads()) == 0 {
		return fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	return fn(h.doc)
}

// Change runs fn on document id, commits its edits as one change with
// message msg, and returns once the change is in storage. If fn fails
// after editing, what it did is still committed (Automerge cannot roll
// back), so callers validate before they edit.
func (r *Repo) Change(ctx context.Context, id, msg string, fn func(*crdt.Doc) error) (Event, error) {
	r.mu.Lock()
	h, ok, err := r.handleLocked(id)
	if err != nil {
		r.mu.Unlock()
		return Event{}, err
	}
	if !ok || (h.wanted && len(h.doc.Heads()) == 0) {
		r.mu.Unlock()
		return Event{}, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	ev := Event{DocID: id, Before: h.doc.Heads()}
	var fnErr error
	if fn != nil {
		fnErr = fn(h.doc)
	}
	now := r.opts.Now()
	hash, err := h.doc.Commit(msg, crdt.CommitOptions{Time: &now})
	if errors.Is(err, crdt.ErrEmptyCommit) {
		r.mu.Unlock()
		return ev, fnErr
	}
	if err != nil {
		r.mu.Unlock()
		return ev, fmt.Errorf("commit: %w", err)
	}
	h.pending[hash] = struct{}{}
	r.seq++
	h.touched = r.seq
	ev.After = h.doc.Heads()
	ops := r.persistOps(h)
	r.mu.Unlock()
	if err := r.st.Write(ctx, ops); err != nil {
		return ev, fmt.Errorf("save change to %s: %w", id, err)
	}
	r.emit(ev)
	r.wake()
	return ev, fnErr
}

// persistOps returns the writes that store h's unsaved changes and its
// pending list, compacting into a snapshot when chunks pile up. Called
// with r.mu held.
func (r *Repo) persistOps(h *handle) []Op {
	// The heads go first: a storage that broke the batch's atomicity would
	// leave newer heads than content, which only costs a load (lazy.go).
	ops := []Op{r.headsOp(h)}
	if len(h.chunks)+1 >= r.opts.CompactAfter {
		ops = append(ops, Op{Key: r.key(h.id, "snap"), Value: h.doc.Save()})
		for _, k := range h.chunks {
			ops = append(ops, Op{Key: k, Delete: true})
		}
		h.chunks = nil
	} else if chunk := h.doc.SaveIncremental(); len(chunk) > 0 {
		sum := sha256.Sum256(chunk)
		k := r.key(h.id, "chunk", hex.EncodeToString(sum[:]))
		h.chunks = append(h.chunks, k)
		ops = append(ops, Op{Key: k, Value: chunk})
	}
	ops = append(ops, r.pendingOp(h))
	if h.wanted {
		h.wanted = false
		ops = append(ops, Op{Key: r.key(h.id, "want"), Delete: true})
	}
	return ops
}

func (r *Repo) pendingOp(h *handle) Op {
	if len(h.pending) == 0 {
		return Op{Key: r.key(h.id, "pending"), Delete: true}
	}
	b := make([]byte, 0, 32*len(h.pending))
	for p := range h.pending {
		b = append(b, p[:]...)
	}
	return Op{Key: r.key(h.id, "pending"), Value: b}
}

// Subscribe calls fn after every change to any document, local or remote.
// It returns the function that unsubscribes.
func (r *Repo) Subscribe(fn func(Event)) func() { return r.events.Add(fn) }

func (r *Repo) emit(ev Event) { r.events.Call(ev) }

func (r *Repo) wake() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Unconfirmed counts local changes the relay has not yet confirmed.
func (r *Repo) Unconfirmed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unconfirmedLocked()
}

func (r *Repo) unconfirmedLocked() int {
	n := 0
	for _, h := range r.docs {
		n += len(h.pending)
	}
	return n
}

// Save returns the whole saved document id, e.g. to copy its history.
func (r *Repo) Save(id string) ([]byte, error) {
	var out []byte
	err := r.Read(id, func(d *crdt.Doc) error {
		out = d.Save()
		return nil
	})
	return out, err
}

// Kick asks the sync loop to look at every document again, e.g. after Want.
func (r *Repo) Kick() { r.wake() }

// Watch marks document id as on screen until the returned function is
// called (watches nest). Over the WebSocket the relay pushes every change
// anyway; over HTTP sync, which cannot push, watched documents are polled
// every poll interval with those that have unconfirmed changes, the rest
// only in the periodic full poll.
func (r *Repo) Watch(id string) (unwatch func()) {
	r.mu.Lock()
	r.watched[id]++
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.watched[id]--; r.watched[id] <= 0 {
				delete(r.watched, id)
			}
		})
	}
}
