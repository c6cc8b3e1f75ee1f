package repo

import (
	"context"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// setTitle sets the title and a key of its own, so a lost change shows.
func setTitle(s string) func(*crdt.Doc) error {
	return func(d *crdt.Doc) error {
		if err := d.RootMap().Set("key-"+s, true); err != nil {
			return err
		}
		return d.RootMap().Set("title", s)
	}
}

func readTitle(t *testing.T, r *Repo, id string) string {
	t.Helper()
	var got string
	if err := r.Read(id, func(d *crdt.Doc) error {
		v, err := d.RootMap().Get("title")
		got = v.Str()
		return err
	}); err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return got
}

func TestPersistAndReopen(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		edits   int
		compact int
	}{
		{"chunks only", 30, 100},
		{"compacted", 10, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := NewMemory()
			r, err := Open(ctx, st, Options{Namespace: "ws/", CompactAfter: tt.compact})
			if err != nil {
				t.Fatal(err)
			}
			id, err := r.Create(ctx, "create", setTitle("v0"))
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.edits {
				if _, err := r.Change(ctx, id, "edit", setTitle(string(rune('a'+i)))); err != nil {
					t.Fatal(err)
				}
			}
			if st.Len() > tt.compact+2 {
				t.Fatalf("%d keys stored, compaction after %d did not run", st.Len(), tt.compact)
			}
			r2, err := Open(ctx, st, Options{Namespace: "ws/", ActorID: r.ActorID()})
			if err != nil {
				t.Fatal(err)
			}
			want := string(rune('a' + tt.edits - 1))
			if got := readTitle(t, r2, id); got != want {
				t.Fatalf("reopened title %q, want %q", got, want)
			}
			if err := r2.Read(id, func(d *crdt.Doc) error {
				for i := range tt.edits {
					if v, _ := d.RootMap().Get("key-" + string(rune('a'+i))); v == nil || v.IsVoid() {
						t.Errorf("edit %d lost after reopen", i)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got := r2.Unconfirmed(); got != tt.edits+1 {
				t.Fatalf("unconfirmed after reopen = %d, want %d", got, tt.edits+1)
			}
			// Another namespace in the same storage sees nothing.
			other, err := Open(ctx, st, Options{Namespace: "personal/"})
			if err != nil {
				t.Fatal(err)
			}
			if ids := other.IDs(); len(ids) != 0 {
				t.Fatalf("other namespace sees %v", ids)
			}
		})
	}
}

func TestChangeFailsWhenStorageFails(t *testing.T) {
	ctx := context.Background()
	st := NewMemory()
	r, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.Create(ctx, "create", setTitle("a"))
	if err != nil {
		t.Fatal(err)
	}
	st.FailWrites(errors.New("disk full"))
	if _, err := r.Change(ctx, id, "edit", setTitle("b")); !errors.Is(err, ErrStorage) {
		t.Fatalf("got %v, want ErrStorage", err)
	}
}

func TestNotFoundAndWanted(t *testing.T) {
	ctx := context.Background()
	r, err := Open(ctx, NewMemory(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := NewDocumentID()
	if err := r.Read(id, func(*crdt.Doc) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read: %v", err)
	}
	if err := r.Want(ctx, id); err != nil {
		t.Fatal(err)
	}
	if r.Has(id) {
		t.Fatal("a wanted document has no content yet")
	}
	if _, err := r.Change(ctx, id, "x", setTitle("x")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("changing a wanted doc: %v", err)
	}
	if err := r.Want(ctx, "not-an-id"); !errors.Is(err, ErrBadDocumentID) {
		t.Fatalf("want bad id: %v", err)
	}
}

func TestDocumentIDs(t *testing.T) {
	id, err := NewDocumentID()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseDocumentID(id); err != nil {
		t.Fatalf("parse own id %q: %v", id, err)
	}
	tests := []struct {
		id string
		ok bool
	}{
		{"2v3rkia9QeE2R9cBqPSwB1RjJmDw", true}, // from automerge-repo
		{"2v3rkia9QeE2R9cBqPSwB1RjJmDx", false},
		{"0OIl", false},
		{"", false},
		{"1111111111111111111111111111111111111111111", false},
	}
	for _, tt := range tests {
		_, err := ParseDocumentID(tt.id)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDocumentID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
	}
}

func FuzzParseDocumentID(f *testing.F) {
	f.Add("2v3rkia9QeE2R9cBqPSwB1RjJmDw")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := ParseDocumentID(s)
		if err == nil && encodeCheck(raw[:]) != s {
			t.Fatalf("%q parsed but does not round-trip", s)
		}
	})
}
