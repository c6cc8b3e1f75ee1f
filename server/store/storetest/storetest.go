// Package storetest is the contract suite every store.Store backend must
// pass. The contract lives in the store package's doc comments; this suite
// is its executable form, so backends (Badger, memory, D1) cannot drift
// apart in the details callers rely on: ErrNotFound, component-wise
// prefixes, key order, ErrClosed, cancellation.
package storetest

import (
	"context"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

// Run runs the contract suite. open must return a fresh, empty store; the
// suite closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			c.run(t, s)
		})
	}
}

// RunPersistent runs Run plus the tests that close a store and open its
// data again. open must open (creating if needed) the store kept in dir.
func RunPersistent(t *testing.T, open func(t *testing.T, dir string) store.Store) {
	Run(t, func(t *testing.T) store.Store { return open(t, t.TempDir()) })
	for _, c := range persistent {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.run(t, func() store.Store { return open(t, dir) })
		})
	}
}

type contractTest struct {
	name string
	run  func(t *testing.T, s store.Store)
}

type persistentTest struct {
	name string
	run  func(t *testing.T, reopen func() store.Store)
}

var contract = []contractTest{
	{"LoadMissing", testLoadMissing},
	{"PutLoad", testPutLoad},
	{"Overwrite", testOverwrite},
	{"Delete", testDelete},
	{"EmptyValue", testEmptyValue},
	{"ValuesAreCopied", testValuesAreCopied},
	{"InvalidKeys", testInvalidKeys},
	{"LoadRangePrefix", testLoadRangePrefix},
	{"LoadRangeOrder", testLoadRangeOrder},
	{"LargeValues", testLargeValues},
	{"ManyKeys", testManyKeys},
	{"Concurrent", testConcurrent},
	{"Closed", testClosed},
	{"Canceled", testCanceled},
	{"Write", testWrite},
	{"BatchChecksKeysFirst", testBatchChecksKeysFirst},
}

var persistent = []persistentTest{
	{"Reopen", testReopen},
	{"BatchReopen", testBatchReopen},
}

func ctx(t *testing.T) context.Context { return t.Context() }
