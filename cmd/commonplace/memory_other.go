//go:build !(linux && cgo)

package main

// limitMallocArenas does nothing without cgo on Linux: the pure-Go build
// allocates nothing through the C library.
func limitMallocArenas() {}
