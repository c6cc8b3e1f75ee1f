package repo

import (
	"context"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// BenchmarkKeystroke is one typed character through Change: commit,
// incremental save, pending list and the storage write (memory storage),
// with compaction every DefaultCompactAfter keystrokes.
func BenchmarkKeystroke(b *testing.B) {
	ctx := context.Background()
	r, err := Open(ctx, NewMemory(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	id, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("body", crdt.NewText("")) })
	if err != nil {
		b.Fatal(err)
	}
	// The relay confirms as it goes in real use; keep pending small here too.
	confirmAll := func() {
		r.mu.Lock()
		clear(r.docs[id].pending)
		r.mu.Unlock()
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := r.Change(ctx, id, "edit body", func(d *crdt.Doc) error {
			return d.Path("body").Text().Insert(i, "x")
		}); err != nil {
			b.Fatal(err)
		}
		if i%64 == 0 {
			confirmAll()
		}
	}
}
