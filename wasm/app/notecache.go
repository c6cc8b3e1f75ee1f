package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// The note cache keeps every note of a space as it was last read, with the
// heads it was read at, in storage next to the documents. The list, search
// and opening a note read it instead of loading the note's document, which
// for a long history is most of a start-up (the repo opens lazily): an
// entry counts only while its heads equal the document's stored heads, so
// a stale or missing entry costs a load, never a wrong answer. Names of
// people are resolved again on every read, since members can change.

// cacheFlushDelay gathers the cache writes of a burst of edits into one.
const cacheFlushDelay = 100 * time.Millisecond

type noteCache struct {
	st     repo.Storage
	prefix string // storage key prefix, one key per note after it
	errs   func(error)

	mu      sync.Mutex
	notes   map[string]notes.Note
	dirty   map[string]bool
	pending bool // a flush is scheduled
}

// loadNoteCache reads a space's cached notes in one List. Unreadable
// entries are left out: they are only a cache.
func loadNoteCache(ctx context.Context, st repo.Storage, prefix string, errs func(error)) (*noteCache, error) {
	c := &noteCache{st: st, prefix: prefix, errs: errs, notes: map[string]notes.Note{}, dirty: map[string]bool{}}
	entries, err := st.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		var n notes.Note
		if json.Unmarshal(e.Value, &n) == nil && n.ID == strings.TrimPrefix(e.Key, prefix) {
			c.notes[n.ID] = n
		}
	}
	return c, nil
}

// get returns note id if its cached heads are heads, with people's names
// from names.
func (c *noteCache) get(id string, heads []crdt.ChangeHash, names notes.Names) (notes.Note, bool) {
	c.mu.Lock()
	n, ok := c.notes[id]
	c.mu.Unlock()
	if !ok || len(n.Heads) != len(heads) {
		return notes.Note{}, false
	}
	for i, h := range heads {
		if n.Heads[i] != h.String() {
			return notes.Note{}, false
		}
	}
	n.Created.By = names(n.Created.Actor)
	n.Changed.By = names(n.Changed.Actor)
	n.Backlinks = []string{}
	return n, true
}

// put records n (read at n.Heads) and schedules writing it to storage.
func (c *noteCache) put(n notes.Note) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.notes[n.ID]; ok && slices.Equal(old.Heads, n.Heads) {
		return
	}
	c.notes[n.ID] = n
	c.dirty[n.ID] = true
	if !c.pending {
		c.pending = true
		time.AfterFunc(cacheFlushDelay, c.flush)
	}
}

// flush writes the entries changed since the last flush in one batch. A
// failure is reported but not retried: the cache is rebuilt as notes are read.
func (c *noteCache) flush() {
	c.mu.Lock()
	var ops []repo.Op
	for id := range c.dirty {
		if b, err := json.Marshal(c.notes[id]); err == nil {
			ops = append(ops, repo.Op{Key: c.prefix + id, Value: b})
		}
	}
	clear(c.dirty)
	c.pending = false
	c.mu.Unlock()
	if len(ops) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.st.Write(ctx, ops); err != nil && c.errs != nil {
		c.errs(fmt.Errorf("save note cache: %w", err))
	}
}
