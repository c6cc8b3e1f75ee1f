//go:build cgo

package amgo

/*
#ifdef __GLIBC__
#include <malloc.h>
static void amgo_trim(void) { malloc_trim(0); }
#else
static void amgo_trim(void) {}
#endif
*/
import "C"

// ReleaseMemory hands the C heap's free pages back to the operating
// system. automerge-go frees a document's Rust memory only from a Go
// finalizer, after a Go GC; glibc then keeps the freed pages in its
// arenas, so resident memory stays at its peak long after the documents
// are gone. Call it periodically after a runtime.GC (the pages the
// finalizers of that GC freed are returned by the next call). It is a
// no-op where the C library is not glibc.
func (Engine) ReleaseMemory() { C.amgo_trim() }
