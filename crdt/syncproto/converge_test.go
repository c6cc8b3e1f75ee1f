package syncproto

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// divergent returns two graphs sharing `shared` changes, then extended
// independently by `ours` and `theirs` changes from disjoint actors.
func divergent(t testing.TB, rng *rand.Rand, shared, ours, theirs int) (*ChangeGraph, *ChangeGraph) {
	t.Helper()
	h := newSynthHistory(rng)
	a := NewChangeGraph()
	h.extend(a, []string{"base-1", "base-2", "base-3"}, shared)
	b := cloneGraph(t, a)
	h.extend(a, []string{"ours-1", "ours-2"}, ours)
	h.extend(b, []string{"theirs-1", "theirs-2", "theirs-3"}, theirs)
	return a, b
}

func TestConvergeProtoToProto(t *testing.T) {
	for _, c := range synctest.Scenarios {
		for seed := range uint64(20) {
			t.Run(fmt.Sprintf("%s/seed%d", c.Name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 1))
				a, b := divergent(t, rng, c.Shared, c.Ours, c.Theirs)
				st := synctest.Run(t, newProtoPeer(a), newProtoPeer(b), rng, c.Net)
				mustEqualHeads(t, c.Name, a.Heads(), b.Heads())
				if want := c.Shared + c.Ours + c.Theirs; a.ChangeCount() != want || b.ChangeCount() != want {
					t.Fatalf("change counts %d and %d, want %d", a.ChangeCount(), b.ChangeCount(), want)
				}
				t.Log(st)
			})
		}
	}
}

// TestBloomFalsePositivesRecovered syncs histories large enough that the
// 1% false-positive rate hides changes behind the bloom filter; the need
// rounds must still bring both sides together.
func TestBloomFalsePositivesRecovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	a, b := divergent(t, rng, 50, 1500, 1500)
	fp := 0
	have := makeHave(a, nil)
	for _, h := range b.HashesSince(nil) {
		if !a.HasChange(h) && have.Bloom.Contains(h) {
			fp++
		}
	}
	if fp == 0 {
		t.Fatal("scenario has no bloom false positives; pick another seed")
	}
	st := synctest.Run(t, newProtoPeer(a), newProtoPeer(b), nil, synctest.Network{MaxRounds: 12})
	mustEqualHeads(t, "after sync", a.Heads(), b.Heads())
	t.Logf("%d false positives; %s", fp, st)
}
