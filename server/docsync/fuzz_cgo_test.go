//go:build cgo

package docsync_test

import (
	"bytes"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/store"
)

// FuzzLoad feeds arbitrary stored values to Load: whatever the bytes, it
// returns a document (possibly empty) and only ever touches keys of that
// document.
func FuzzLoad(f *testing.F) {
	e := amgo.New()
	d := e.New().(*amgo.Doc)
	_ = d.Automerge().RootMap().Set("k", "v")
	_, _ = d.Automerge().Commit("")
	f.Add(d.Save(), []byte{})
	f.Add(d.Save(), []byte("junk"))
	f.Add([]byte{0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1}, d.Save())
	f.Fuzz(func(t *testing.T, snap, chunk []byte) {
		id := "fuzzdoc"
		entries := []store.Entry{
			{Key: store.Key{"doc", id, "snapshot", "a"}, Value: snap},
			{Key: store.Key{"doc", id, "incremental", "b"}, Value: chunk},
			{Key: store.Key{"doc", id, "incremental", "c"}, Value: bytes.Clone(snap)},
		}
		doc, eff, _ := docsync.Load(e, id, entries, docsync.Options{})
		if doc == nil {
			t.Fatal("nil document")
		}
		for _, op := range eff.Store {
			if !op.Key.HasPrefix(docsync.Prefix(id)) {
				t.Fatalf("op on foreign key %v", op.Key)
			}
		}
	})
}
