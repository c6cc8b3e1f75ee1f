package crdt

import (
	"bytes"
	"slices"
	"testing"
)

// TestLoadRebuildsWhatWasSaved loads saved documents of the shapes the
// lazy load path treats apart (increments, which need a pass of their
// own; overwritten and deleted values, whose deletes are rebuilt from succ
// lists; list elements and map keys) and checks that the loaded document
// has the same value and heads and saves to the same bytes.
func TestLoadRebuildsWhatWasSaved(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T, d *Doc)
	}{
		{"empty", func(t *testing.T, d *Doc) {}},
		{"map counter with increments", func(t *testing.T, d *Doc) {
			must(t, d.Path("n").Set(NewCounter(3)))
			commitLoadTest(t, d)
			must(t, d.Path("n").Counter().Inc(4))
			must(t, d.Path("n").Counter().Inc(-2))
			commitLoadTest(t, d)
		}},
		{"list counter with increments", func(t *testing.T, d *Doc) {
			must(t, d.Path("l").Set(NewList()))
			must(t, d.Path("l").List().Append(NewCounter(1), "x"))
			commitLoadTest(t, d)
			must(t, d.Path("l", 0).Counter().Inc(10))
			must(t, d.Path("l").List().Delete(1))
			commitLoadTest(t, d)
		}},
		{"overwritten and deleted keys", func(t *testing.T, d *Doc) {
			must(t, d.Path("a").Set("one"))
			must(t, d.Path("b").Set(int64(2)))
			commitLoadTest(t, d)
			must(t, d.Path("a").Set("two"))
			must(t, d.Path("b").Delete())
			commitLoadTest(t, d)
		}},
		{"text edited across commits", func(t *testing.T, d *Doc) {
			must(t, d.Path("t").Set(NewText("")))
			must(t, d.Path("t").Text().Splice(0, 0, "hello world"))
			commitLoadTest(t, d)
			must(t, d.Path("t").Text().Splice(5, 6, "é😀"))
			commitLoadTest(t, d)
			must(t, d.Path("t").Text().Splice(0, 1, "H"))
			commitLoadTest(t, d)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New()
			tt.build(t, d)
			saved := d.Save()
			got, err := Load(saved)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !slices.Equal(got.Heads(), d.Heads()) {
				t.Fatalf("heads %v, want %v", got.Heads(), d.Heads())
			}
			if g, w := got.Root().GoString(), d.Root().GoString(); g != w {
				t.Fatalf("loaded %s, want %s", g, w)
			}
			if again := got.Save(); !bytes.Equal(again, saved) {
				t.Fatalf("loaded document saves to %d bytes that differ from the %d loaded", len(again), len(saved))
			}
			gotChs, err := got.Changes()
			if err != nil {
				t.Fatal(err)
			}
			wantChs, err := d.Changes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(SaveChanges(gotChs), SaveChanges(wantChs)) {
				t.Fatalf("loaded changes differ from the saved document's")
			}
		})
	}
}

func commitLoadTest(t *testing.T, d *Doc) {
	t.Helper()
	if _, err := d.Commit(""); err != nil {
		t.Fatal(err)
	}
}
