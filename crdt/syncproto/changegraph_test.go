package syncproto

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// naiveHashesSince is the definition HashesSince must meet: every applied
// change that is not among since or their ancestors, in application order.
func naiveHashesSince(g *ChangeGraph, since []format.ChangeHash) []format.ChangeHash {
	reach := map[format.ChangeHash]bool{}
	stack := appendKnown(nil, g, since)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reach[h] {
			continue
		}
		reach[h] = true
		stack = append(stack, g.Deps(h)...)
	}
	var out []format.ChangeHash
	for _, h := range g.AppliedFrom(0) {
		if !reach[h] {
			out = append(out, h)
		}
	}
	return out
}

func TestHashesSinceMatchesDefinition(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		g := NewChangeGraph()
		if seed%2 == 1 {
			// A sequence gap Automerge would not write: clocks go off and
			// HashesSince walks instead. Both ways must give the same.
			if err := g.Apply(synthChange([]byte("zz"), 5, 1, nil)); err != nil {
				t.Fatal(err)
			}
		}
		hist := newSynthHistory(rng)
		actors := []string{"a1", "b2", "c3", "d4"}[:1+rng.IntN(4)]
		hist.extend(g, actors, 20+rng.IntN(80))
		if g.clocks.off != (seed%2 == 1) {
			t.Fatalf("seed %d: clocks off = %v", seed, g.clocks.off)
		}
		all := g.AppliedFrom(0)
		for probe := range 30 {
			var since []format.ChangeHash
			switch probe % 3 {
			case 0: // one random change
				since = []format.ChangeHash{all[rng.IntN(len(all))]}
			case 1: // a few random changes, maybe concurrent
				for range 1 + rng.IntN(3) {
					since = append(since, all[rng.IntN(len(all))])
				}
			case 2: // recent heads plus a hash the graph lacks
				since = append(g.Heads(), format.ChangeHash{byte(probe), 0xff})
			}
			since = sortedUnique(since)
			got, want := g.HashesSince(since), naiveHashesSince(g, since)
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d probe %d: HashesSince(%d heads) = %d hashes, want %d", seed, probe, len(since), len(got), len(want))
			}
		}
	}
}

func TestAppliedFromCountsNewChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := NewChangeGraph()
	hist := newSynthHistory(rng)
	hist.extend(g, []string{"a1"}, 5)
	n := g.ChangeCount()
	hist.extend(g, []string{"a1", "b2"}, 3)
	if got := g.AppliedFrom(n); len(got) != 3 {
		t.Fatalf("AppliedFrom(%d) = %d changes, want 3", n, len(got))
	}
	if got := g.AppliedFrom(g.ChangeCount() + 4); len(got) != 0 {
		t.Fatalf("AppliedFrom past the end = %d changes, want 0", len(got))
	}
	back := NewChangeGraph()
	if err := back.Apply(g.Concat(g.AppliedFrom(0))); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Heads(), g.Heads()) || back.Size() != g.Size() {
		t.Fatalf("Concat of every change did not rebuild the graph")
	}
}

// TestApplyOutOfOrder delivers a three-change chain in every order and in
// overlapping batches, repeats included: each change is applied once,
// after its dependencies, and nothing is left waiting.
func TestApplyOutOfOrder(t *testing.T) {
	a1 := synthChange([]byte("a1"), 1, 1, nil)
	h1 := chunkHashOf(t, a1)
	a2 := synthChange([]byte("a1"), 2, 2, []format.ChangeHash{h1})
	h2 := chunkHashOf(t, a2)
	a3 := synthChange([]byte("a1"), 3, 3, []format.ChangeHash{h2})
	cat := func(cs ...[]byte) []byte { return slices.Concat(cs...) }
	tests := []struct {
		name    string
		batches [][]byte
	}{
		{"in order, one batch", [][]byte{cat(a1, a2, a3)}},
		{"reversed, one batch", [][]byte{cat(a3, a2, a1)}},
		{"reversed, one at a time", [][]byte{a3, a2, a1}},
		{"a waiting change arrives again with its dependency", [][]byte{a2, cat(a1, a2), a3}},
		{"repeats everywhere", [][]byte{a3, cat(a3, a1), cat(a2, a2, a3, a1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewChangeGraph()
			for _, b := range tc.batches {
				if err := g.Apply(b); err != nil {
					t.Fatal(err)
				}
			}
			if got := g.AppliedFrom(0); len(got) != 3 || got[0] != h1 || got[1] != h2 {
				t.Fatalf("applied %d changes: %x", len(got), got)
			}
			if g.Queued() != 0 {
				t.Fatalf("%d changes still waiting", g.Queued())
			}
			if heads := g.Heads(); len(heads) != 1 || heads[0] != g.AppliedFrom(2)[0] {
				t.Fatalf("heads %x", heads)
			}
		})
	}
}

func chunkHashOf(t *testing.T, chunk []byte) format.ChangeHash {
	t.Helper()
	c, err := format.DecodeChangeHeader(chunk)
	if err != nil {
		t.Fatal(err)
	}
	return c.Hash
}
