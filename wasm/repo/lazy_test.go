package repo

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// TestLazyOpen: with Options.Lazy a settled document stays unloaded; Has,
// IDs and Heads answer from storage, Read and Change load it, and a
// document with unconfirmed changes loads at once.
func TestLazyOpen(t *testing.T) {
	ctx := context.Background()
	st := NewMemory()
	r, err := Open(ctx, st, Options{Namespace: "ws/", CompactAfter: 4})
	if err != nil {
		t.Fatal(err)
	}
	settled, err := r.Create(ctx, "create", setTitle("v0"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 { // past a compaction
		if _, err := r.Change(ctx, settled, "edit", setTitle(string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	other, err := r.Create(ctx, "create", setTitle("other"))
	if err != nil {
		t.Fatal(err)
	}
	unsent, err := r.Create(ctx, "create", setTitle("unsent"))
	if err != nil {
		t.Fatal(err)
	}
	// The relay confirmed the first two.
	r.mu.Lock()
	var ops []Op
	for _, id := range []string{settled, other} {
		clear(r.docs[id].pending)
		ops = append(ops, r.pendingOp(r.docs[id]))
	}
	r.mu.Unlock()
	if err := st.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	wantHeads, _ := r.Heads(settled)

	l, err := Open(ctx, st, Options{Namespace: "ws/", Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Deferred(); got != 2 {
		t.Fatalf("Deferred = %d, want 2 (the unconfirmed one loads at once)", got)
	}
	if _, ok := l.docs[unsent]; !ok {
		t.Fatal("document with pending changes was not loaded")
	}
	if !l.Has(settled) || !slices.Equal(l.IDs(), r.IDs()) {
		t.Fatalf("Has/IDs of a deferred document: %v, want %v", l.IDs(), r.IDs())
	}
	if hs, ok := l.Heads(settled); !ok || !slices.Equal(hs, wantHeads) {
		t.Fatalf("Heads = %v, %v; want %v", hs, ok, wantHeads)
	}
	if l.Deferred() != 2 {
		t.Fatal("Has, IDs or Heads loaded a document")
	}
	if got := readTitle(t, l, settled); got != "i" {
		t.Fatalf("title = %q, want i", got)
	}
	if l.Deferred() != 1 {
		t.Fatalf("Read did not load the document: %d deferred", l.Deferred())
	}
	if _, err := l.Change(ctx, other, "edit", setTitle("changed")); err != nil {
		t.Fatal(err)
	}
	if l.Deferred() != 0 || readTitle(t, l, other) != "changed" {
		t.Fatal("Change did not load and edit the document")
	}
	if err := l.CreateID(ctx, settled, "again", nil); !errors.Is(err, ErrExists) {
		t.Fatalf("CreateID of a known document: %v, want ErrExists", err)
	}
}

// TestLazyLoadAll loads every deferred document, and a document that
// fails to decode reports its error from LoadAll and from Read.
func TestLazyLoadAll(t *testing.T) {
	ctx := context.Background()
	st, id := storedNote(t, 100)
	good, bad := id, ""
	r, err := Open(ctx, st, Options{Namespace: "team/"})
	if err != nil {
		t.Fatal(err)
	}
	bad, err = r.Create(ctx, "create", setTitle("x"))
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	for _, h := range r.docs {
		clear(h.pending)
		if err := st.Write(ctx, []Op{r.pendingOp(h)}); err != nil {
			t.Fatal(err)
		}
	}
	// Damage the second document's snapshot.
	snap := r.key(bad, "snap")
	r.mu.Unlock()
	if err := st.Write(ctx, []Op{{Key: snap, Value: []byte("not a document")}}); err != nil {
		t.Fatal(err)
	}
	l, err := Open(ctx, st, Options{Namespace: "team/", Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if l.Deferred() != 2 {
		t.Fatalf("Deferred = %d, want 2", l.Deferred())
	}
	if err := l.LoadAll(ctx); err == nil {
		t.Fatal("LoadAll of a damaged document succeeded")
	}
	if err := l.Read(bad, func(*crdt.Doc) error { return nil }); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("Read of a damaged document: %v, want its load error", err)
	}
	if err := l.Read(good, func(d *crdt.Doc) error {
		s, err := d.Path("body").Text().Get()
		if len(s) != 100 {
			t.Errorf("body has %d characters, want 100", len(s))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.LoadAll(canceled); !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadAll with an ended context: %v", err)
	}
}

// FuzzDecodeHeads: any stored heads record decodes to whole hashes or is
// refused, and what decodes encodes back to the same bytes.
func FuzzDecodeHeads(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 32))
	f.Add(make([]byte, 65))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, ok := decodeHeads(b)
		if ok != (len(b)%32 == 0) {
			t.Fatalf("decodeHeads(%d bytes) ok = %v", len(b), ok)
		}
		if ok && !slices.Equal(encodeHeads(hs), b) && len(b) > 0 {
			t.Fatal("heads do not round-trip")
		}
	})
}
