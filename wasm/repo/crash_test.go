package repo

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

var errCrash = errors.New("crashed")

// tornStorage applies each write one op at a time and crashes (applies no
// more) after budget ops: the worst a storage that broke the atomicity of
// a batch could do. Memory underneath is what survives the crash.
type tornStorage struct {
	*Memory
	budget int
	ops    int // ops of the last write, counted while budget < 0
}

func (s *tornStorage) Write(ctx context.Context, ops []Op) error {
	if s.budget < 0 {
		s.ops = len(ops)
		return s.Memory.Write(ctx, ops)
	}
	for _, op := range ops {
		if s.budget == 0 {
			return fmt.Errorf("torn write: %w", errCrash)
		}
		s.budget--
		if err := s.Memory.Write(ctx, []Op{op}); err != nil {
			return err
		}
	}
	return nil
}

// TestCompactionCrashSafe crashes the write that compacts a document's
// chunks into a snapshot after every possible number of its ops (snapshot
// written, some or all old chunks deleted, heads and pending not yet) and
// reopens, eagerly and lazily: every edit saved before is there, and the
// interrupted one is either whole or absent.
func TestCompactionCrashSafe(t *testing.T) {
	ctx := context.Background()
	const compact = 6
	before := []string{"v0", "a", "b", "c", "d"} // Create + 4 edits: 5 chunks
	// How many ops the compacting write has.
	probe, r, id := editedRepo(t, compact, before)
	if len(r.docs[id].chunks) != compact-1 {
		t.Fatalf("%d chunks before the compacting change, want %d", len(r.docs[id].chunks), compact-1)
	}
	if _, err := r.Change(ctx, id, "edit", setTitle("e")); err != nil {
		t.Fatal(err)
	}
	if len(r.docs[id].chunks) != 0 {
		t.Fatal("the probe change did not compact")
	}
	total := probe.ops
	for cut := 0; cut <= total; cut++ {
		for _, lazy := range []bool{false, true} {
			t.Run(fmt.Sprintf("after %d of %d ops, lazy %v", cut, total, lazy), func(t *testing.T) {
				st, r, id := editedRepo(t, compact, before)
				st.budget = cut
				_, err := r.Change(ctx, id, "edit", setTitle("e"))
				if cut < total && !errors.Is(err, errCrash) {
					t.Fatalf("torn change reported %v, want the crash", err)
				}
				if cut == total && err != nil {
					t.Fatalf("whole change failed: %v", err)
				}
				again, err := Open(ctx, st.Memory, Options{Namespace: "ws/", CompactAfter: compact, Lazy: lazy})
				if err != nil {
					t.Fatalf("reopen: %v", err)
				}
				for _, s := range before {
					if !hasKey(t, again, id, "key-"+s) {
						t.Fatalf("edit %q, reported saved, is lost", s)
					}
				}
				got := readTitle(t, again, id)
				if cut == total && got != "e" {
					t.Fatalf("title %q after the whole change, want e", got)
				}
				if got != "e" && got != "d" {
					t.Fatalf("title %q, want d or e", got)
				}
				if hasKey(t, again, id, "key-e") != (got == "e") {
					t.Fatal("the interrupted change is half there")
				}
			})
		}
	}
}

// hasKey reports whether document id's root has key k.
func hasKey(t *testing.T, r *Repo, id, k string) bool {
	t.Helper()
	var ok bool
	if err := r.Read(id, func(d *crdt.Doc) error {
		v, err := d.RootMap().Get(k)
		ok = err == nil && !v.IsVoid()
		return err
	}); err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return ok
}

// editedRepo is a repo on a tornStorage (not tearing yet) with one document
// made by setting the titles in turn.
func editedRepo(t *testing.T, compact int, titles []string) (*tornStorage, *Repo, string) {
	t.Helper()
	ctx := context.Background()
	st := &tornStorage{Memory: NewMemory(), budget: -1}
	r, err := Open(ctx, st, Options{Namespace: "ws/", CompactAfter: compact})
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.Create(ctx, "create", setTitle(titles[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range titles[1:] {
		if _, err := r.Change(ctx, id, "edit", setTitle(s)); err != nil {
			t.Fatal(err)
		}
	}
	return st, r, id
}
