package repo

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/commonplace/commonplace/crdt"
)

// Lazy loading. Decoding a document with a long history is the slow part
// of opening a repo (a 10,000-change note costs hundreds of milliseconds in
// wasm), and the first screen rarely needs it. So every write also stores
// the document's heads under "<id>/heads", in the same atomic batch, and
// with Options.Lazy a document whose relay exchange is settled (nothing
// pending, not wanted) stays as its raw entries until it is used. The sync
// loops see only loaded documents; LoadAll brings the rest in once the app
// is on screen, and each loaded document wakes the sync loop like Want.

// lazyDoc is a stored document that is not loaded yet.
type lazyDoc struct {
	entries []Entry
	heads   []crdt.ChangeHash
}

// headsName is the entry that records a document's heads.
const headsName = "heads"

// encodeHeads and decodeHeads store heads as concatenated 32-byte hashes.
func encodeHeads(hs []crdt.ChangeHash) []byte {
	b := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

func decodeHeads(b []byte) ([]crdt.ChangeHash, bool) {
	if len(b)%32 != 0 {
		return nil, false
	}
	hs := make([]crdt.ChangeHash, 0, len(b)/32)
	for ; len(b) > 0; b = b[32:] {
		hs = append(hs, crdt.ChangeHash(b[:32]))
	}
	return hs, true
}

func (r *Repo) headsOp(h *handle) Op {
	return Op{Key: r.key(h.id, headsName), Value: encodeHeads(h.doc.Heads())}
}

// deferrable reports whether document id may stay unloaded, and its
// stored heads: with Options.Lazy, when it has a readable heads record,
// content, and nothing waiting for the relay (no pending changes, not
// wanted). Anything else loads at Open, so status and sync are whole.
func (r *Repo) deferrable(id string, entries []Entry) ([]crdt.ChangeHash, bool) {
	if !r.opts.Lazy {
		return nil, false
	}
	prefix := r.key(id) + "/"
	var heads []crdt.ChangeHash
	found := false
	for _, e := range entries {
		switch strings.TrimPrefix(e.Key, prefix) {
		case "pending", "want":
			return nil, false
		case headsName:
			hs, ok := decodeHeads(e.Value)
			if !ok {
				return nil, false
			}
			heads, found = hs, true
		}
	}
	return heads, found && len(heads) > 0
}

// handleLocked returns document id, loading it first if it was deferred.
// Called with r.mu held.
func (r *Repo) handleLocked(id string) (*handle, bool, error) {
	if h, ok := r.docs[id]; ok {
		return h, true, nil
	}
	l, ok := r.lazy[id]
	if !ok {
		return nil, false, nil
	}
	h, err := r.load(id, l.entries)
	if err != nil {
		return nil, false, fmt.Errorf("load document %s: %w", id, err)
	}
	delete(r.lazy, id)
	r.docs[id] = h
	r.wake() // the sync loops have not seen it yet
	return h, true, nil
}

// Heads returns the heads of document id without loading it, and whether
// the repo holds it with content.
func (r *Repo) Heads(id string) ([]crdt.ChangeHash, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.lazy[id]; ok {
		return append([]crdt.ChangeHash(nil), l.heads...), len(l.heads) > 0
	}
	h, ok := r.docs[id]
	if !ok {
		return nil, false
	}
	hs := h.doc.Heads()
	return hs, len(hs) > 0
}

// Deferred counts the documents not loaded yet.
func (r *Repo) Deferred() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lazy)
}

// LoadAll loads every deferred document, smallest first, one at a time so
// other work runs between them; it stops early if ctx ends. The first
// document that fails to load ends it with that error (the document stays
// deferred, and Read reports the same error).
func (r *Repo) LoadAll(ctx context.Context) error {
	r.mu.Lock()
	type sized struct {
		id   string
		size int
	}
	var ids []sized
	for id, l := range r.lazy {
		n := 0
		for _, e := range l.entries {
			n += len(e.Value)
		}
		ids = append(ids, sized{id, n})
	}
	r.mu.Unlock()
	sort.Slice(ids, func(i, j int) bool {
		if ids[i].size != ids[j].size {
			return ids[i].size < ids[j].size
		}
		return ids[i].id < ids[j].id
	})
	for _, s := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.mu.Lock()
		_, _, err := r.handleLocked(s.id)
		r.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}
