//go:build linux && cgo

package main

/*
#include <malloc.h>

static void cp_limit_arenas(int n) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, n);
#endif
}
*/
import "C"

import "os"

// mallocArenas is how many arenas glibc may use. automerge-go's Rust code
// allocates on whichever thread runs the cgo call, and glibc gives busy
// threads arenas of their own (up to eight per core), where freed memory
// cannot serve another thread's requests. Two keep the documents' C memory
// from spreading over many partly empty arenas; the allocator lock is not
// contended, as Go runs few cgo calls at once.
const mallocArenas = 2

// limitMallocArenas caps glibc's arenas (a no-op where the C library has
// no such setting). MALLOC_ARENA_MAX in the environment wins.
func limitMallocArenas() {
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		return
	}
	C.cp_limit_arenas(C.int(mallocArenas))
}
