package docsync

import (
	"bytes"
	"fmt"
	"slices"
)

// The engine's copy of a document. Sync runs on the change graph; the
// engine is asked only to merge what peers send (which checks every
// change the way Automerge itself will when a peer loads it, so nothing
// a client cannot read is ever stored or passed on) and to write
// snapshots. Its copy is kept while changes arrive and can be dropped
// between them (Cool); it is rebuilt from the graph when next needed.

// merge has the engine take in the change chunks of one sync message
// before the graph does. Chunks the engine rejects wrap
// ErrBadSyncMessage; the engine's copy is then dropped, as it may hold
// part of them.
func (d *Document) merge(chunks [][]byte) error {
	if len(chunks) == 0 {
		return nil
	}
	doc, err := d.Doc()
	if err != nil {
		return err
	}
	data := chunks[0]
	if len(chunks) > 1 {
		data = bytes.Join(chunks, nil) // one engine call, not one per change
	}
	if err := doc.LoadIncremental(data); err != nil {
		d.Cool()
		return fmt.Errorf("%w: %v", ErrBadSyncMessage, err)
	}
	return nil
}

// Doc returns the engine's copy of the document, building it from the
// change graph if it was dropped. Callers must not change it: the core
// would not store the change.
func (d *Document) Doc() (Doc, error) {
	if d.doc != nil {
		return d.doc, nil
	}
	doc := d.engine.New()
	if n := d.graph.ChangeCount(); n > 0 {
		if err := doc.LoadIncremental(d.graph.Concat(d.graph.AppliedFrom(0))); err != nil {
			return nil, fmt.Errorf("document %s: rebuild in %s: %w", d.id, d.engine.Name(), err)
		}
	}
	if !slices.Equal(doc.Heads(), d.Heads()) {
		return nil, fmt.Errorf("document %s: rebuilt in %s with other heads: %w", d.id, d.engine.Name(), ErrBadDocument)
	}
	d.doc = doc
	return doc, nil
}

// Warm reports whether the engine's copy is in memory.
func (d *Document) Warm() bool { return d.doc != nil }

// Cool drops the engine's copy; the next change or snapshot rebuilds it.
// A runtime calls it on documents that have not changed for a while, so
// memory holds the engine's copies of the documents being edited only.
func (d *Document) Cool() { d.doc = nil }
