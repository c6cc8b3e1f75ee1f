package syncproto

import "github.com/commonplace/commonplace/crdt/internal/format"

// Graph is the view of a document the sync protocol needs: its change
// graph and a way to take in chunks. Hash lists it returns are owned by
// the caller, except those from Deps.
type Graph interface {
	// Heads returns the document's heads, sorted byte-wise.
	Heads() []format.ChangeHash
	// HasChange reports whether the change is applied (not merely queued
	// for missing dependencies).
	HasChange(h format.ChangeHash) bool
	// ChangeCount is the number of applied changes.
	ChangeCount() int
	// HashesSince returns every applied change that is not among since or
	// their ancestors, dependencies first (the protocol relies on it). Hashes in since that the
	// document lacks are ignored; an empty since means every change.
	HashesSince(since []format.ChangeHash) []format.ChangeHash
	// Deps returns the dependencies of an applied change. The caller only
	// reads the result, so it may be the graph's own slice.
	Deps(h format.ChangeHash) []format.ChangeHash
	// RawChange returns the change chunk of an applied change, or nil.
	RawChange(h format.ChangeHash) []byte
	// MissingDeps returns, sorted, the first hash on every path back from
	// heads that is neither applied nor queued, walking through the
	// dependencies of queued changes on the way.
	MissingDeps(heads []format.ChangeHash) []format.ChangeHash
	// Apply takes in a concatenation of change and document chunks, the way
	// Automerge's load_incremental does: changes whose dependencies are
	// missing wait in a queue until they arrive.
	Apply(chunks []byte) error
}

// DocumentSaver is implemented by graphs that can save themselves as one
// (compressed) document chunk. Without it, a TypeV2 message that would carry
// the whole document carries every change chunk concatenated instead.
type DocumentSaver interface {
	SaveDocument() []byte
}
