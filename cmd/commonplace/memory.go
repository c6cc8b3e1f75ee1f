package main

import "runtime/debug"

// serveGCPercent is the collector's target for `serve` when GOGC is not
// set. The relay's live heap is small (change graphs, Badger's memtable),
// and with the automerge-go engine most of the rest is C memory that Go
// frees only through finalizers after a collection: the Go pacer does not
// see it, so at the default of 100 it piles up between collections.
// Collecting at a third of the live heap keeps the resident set near what
// is in use; in the relay benchmark 35 cost no CPU per edit that runs
// could tell from 50, and took ~10 MiB off the peak (docs/BENCHMARKS.md).
const serveGCPercent = 35

// tuneMemory sets the process up for a long-running relay: the collector
// target (unless the operator set GOGC) and, where the C allocator
// allows, fewer malloc arenas.
func tuneMemory(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	limitMallocArenas()
}
