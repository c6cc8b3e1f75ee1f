package main

import (
	"testing"

	"github.com/automerge/automerge-go"
)

// TestColdFixtureLoadsInAutomerge: the documents the generator builds with
// crdt load in automerge-go, an engine independent of the generator's, with
// the heads the cold phase waits for.
func TestColdFixtureLoadsInAutomerge(t *testing.T) {
	fx, err := newColdFixture(3, 5)
	if err != nil {
		t.Fatal(err)
	}
	states, err := fx.states()
	if err != nil {
		t.Fatal(err)
	}
	for i, raw := range fx.saved {
		doc, err := automerge.Load(raw)
		if err != nil {
			t.Fatalf("doc %d: automerge-go cannot load it: %v", i, err)
		}
		var heads []string
		for _, h := range doc.Heads() {
			heads = append(heads, h.String())
		}
		want := fx.heads[fx.ids[i]]
		if len(want) != 1 || len(heads) != 1 || heads[0] != want[0].String() {
			t.Errorf("doc %d: automerge-go heads %v, fixture heads %v", i, heads, want)
		}
		if got := states[i].doc.Heads(); !sameHashes(got, want) {
			t.Errorf("doc %d: reloaded heads %v, fixture heads %v", i, got, want)
		}
		if n := doc.Path("log").List().Len(); n != 5 {
			t.Errorf("doc %d: log has %d entries in automerge-go, want 5", i, n)
		}
	}
}
