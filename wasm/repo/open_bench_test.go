package repo

import (
	"context"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// storedNote fills a memory storage with one document of n one-character
// changes, made through Change as typing would (so it is stored as a
// snapshot and the chunks since the last compaction).
func storedNote(tb testing.TB, n int) (*Memory, string) {
	tb.Helper()
	ctx := context.Background()
	st := NewMemory()
	r, err := Open(ctx, st, Options{Namespace: "team/"})
	if err != nil {
		tb.Fatal(err)
	}
	id, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("body", crdt.NewText("")) })
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if _, err := r.Change(ctx, id, "edit body", func(d *crdt.Doc) error {
			return d.Path("body").Text().Insert(i, "x")
		}); err != nil {
			tb.Fatal(err)
		}
	}
	// The relay confirms as it goes in real use.
	r.mu.Lock()
	clear(r.docs[id].pending)
	op := r.pendingOp(r.docs[id])
	r.mu.Unlock()
	if err := st.Write(ctx, []Op{op}); err != nil {
		tb.Fatal(err)
	}
	return st, id
}

// BenchmarkOpen10k opens a repo holding one 10,000-change document:
// loading it (eager), deferring it (lazy), and deferring then reading it.
func BenchmarkOpen10k(b *testing.B) {
	st, id := storedNote(b, 10000)
	ctx := context.Background()
	for _, bb := range []struct {
		name       string
		lazy, read bool
	}{{"eager", false, false}, {"lazy", true, false}, {"lazy+read", true, true}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := Open(ctx, st, Options{Namespace: "team/", Lazy: bb.lazy})
				if err != nil {
					b.Fatal(err)
				}
				if bb.lazy != (r.Deferred() == 1) {
					b.Fatalf("%d deferred", r.Deferred())
				}
				if bb.read {
					if err := r.Read(id, func(*crdt.Doc) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
