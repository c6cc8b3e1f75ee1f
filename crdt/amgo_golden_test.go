//go:build cgo && !js && !wasip1

package crdt_test

import (
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/difftest"
)

// TestGoldenAutomergeGo checks the golden documents against the Rust core:
// automerge-go reads each as @automerge/automerge wrote it to the same
// JSON and heads (so the goldens and the typed JSON agree with the
// reference), and reads crdt's Save and SaveChanges of each to the same.
func TestGoldenAutomergeGo(t *testing.T) {
	ours, ref := difftest.Crdt(), difftest.AutomergeGo()
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			d, err := ref.Load(g.saved)
			if err != nil {
				t.Fatalf("automerge-go loads the golden: %v", err)
			}
			checkDoc(t, "automerge-go Load", d, g.json, g.heads)

			c, err := ours.Load(g.saved)
			if err != nil {
				t.Fatalf("crdt loads the golden: %v", err)
			}
			back, err := ref.Load(c.Save())
			if err != nil {
				t.Fatalf("automerge-go loads crdt's save: %v", err)
			}
			checkDoc(t, "automerge-go Load(crdt Save)", back, g.json, g.heads)
			if err := difftest.SameActorTables(d.Save(), c.Save()); err != nil {
				t.Errorf("Save after Load: %v", err)
			}

			cs, err := c.Changes(nil)
			if err != nil {
				t.Fatal(err)
			}
			blob, err := ours.SaveChanges(cs)
			if err != nil {
				t.Fatal(err)
			}
			refChanges, err := ref.LoadChanges(blob)
			if err != nil {
				t.Fatalf("automerge-go loads crdt's SaveChanges: %v", err)
			}
			applied, err := ref.New("ff")
			if err != nil {
				t.Fatal(err)
			}
			if err := applied.Apply(refChanges...); err != nil {
				t.Fatalf("automerge-go applies crdt's changes: %v", err)
			}
			checkDoc(t, "automerge-go Apply(crdt changes)", applied, g.json, g.heads)
		})
	}
}
