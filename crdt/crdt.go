// Package crdt is a pure-Go implementation of Automerge, the JSON-like CRDT,
// with the public API of automerge-go (github.com/automerge/automerge-go):
// code written for automerge-go compiles against crdt by changing only the
// import path. automerge-go wraps the Rust core through cgo and so cannot
// run in browsers (GOOS=js) or on WASI hosts; crdt can, and reads and writes
// the same bytes as Automerge (documents, changes, hashes).
//
// # Model
//
// A document is a tree of objects (maps, lists, texts) holding scalars
// (null, bool, int64, uint64, float64, string, []byte, time.Time, counters).
// Every edit is an operation with an ID (a Lamport counter and the editing
// actor); concurrent writes to one map key all survive as conflicts and the
// op with the greatest ID wins, list and text elements are ordered by
// Automerge's RGA rule, counters add up concurrent increments. Values of
// types this package does not know are kept and saved unchanged.
//
// # Text positions
//
// [Text] positions and lengths count Unicode code points (runes), exactly as
// automerge-go does: Text("a😀b").Len() == 3.
//
// # Performance
//
// Lists and texts are indexed by a B+ tree of elements carrying visible
// counts, so inserting, deleting and locating an element cost O(log n) and
// committing never rebuilds anything. Loading builds the op set directly
// from the document's ops, which the format already stores in list order.
//
// # Beyond automerge-go
//
// [Map.Conflicts] and [List.Conflicts] return every concurrent value of a
// key or element; [Doc.View] reads the document as of any heads without
// copying it; [Doc.Diff] describes the changes between two sets of heads as
// patches a UI can apply; [Text.Cursor] gives positions that stay on the
// same character through concurrent edits.
//
// # Differences from automerge-go
//
// Deliberately small: the Kind constants are constants rather than
// variables (same values); Map.Keys returns sorted keys; Go maps written
// into the document are written in sorted key order, so the same write
// always makes the same change; Doc.Apply queues changes whose
// dependencies are missing and applies them when the dependencies arrive
// (Load, and LoadIncremental into a document without history, fail with
// ErrMissingDeps instead, as automerge-go does).
//
// Methods on *Doc are safe for concurrent use; Map, List, Text, Counter and
// Path values take the document's lock for each call.
package crdt
