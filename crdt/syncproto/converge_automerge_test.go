//go:build cgo && !js && !wasip1

package syncproto

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

func newAMPeer(_ testing.TB, d *automerge.Doc) synctest.Peer {
	return synctest.NewStatePeer(func() *automerge.SyncState { return automerge.NewSyncState(d) },
		func() [][32]byte { return synctest.Heads(d.Heads()) })
}

// amHistory edits docs at random, sometimes on a short-lived fork merged
// back, so histories have concurrent branches.
func amHistory(t testing.TB, rng *rand.Rand, d *automerge.Doc, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if n-i >= 3 && rng.IntN(8) == 0 {
			f, err := d.Fork()
			if err != nil {
				t.Fatal(err)
			}
			amEdit(t, f, fmt.Sprintf("f%d", rng.IntN(10)), rng.Int64())
			amEdit(t, d, fmt.Sprintf("k%d", rng.IntN(10)), rng.Int64())
			if _, err := d.Merge(f); err != nil {
				t.Fatal(err)
			}
			i += 2
			continue
		}
		amEdit(t, d, fmt.Sprintf("k%d", rng.IntN(10)), rng.Int64())
	}
}

// graphOf loads every change of d into a fresh change graph.
func graphOf(t testing.TB, d *automerge.Doc) *ChangeGraph {
	t.Helper()
	chs, err := d.Changes()
	if err != nil {
		t.Fatal(err)
	}
	g := NewChangeGraph()
	if err := g.Apply(automerge.SaveChanges(chs)); err != nil {
		t.Fatal(err)
	}
	mustEqualHeads(t, "graph of automerge-go doc", g.Heads(), toFormat(d.Heads()))
	return g
}

func amDivergent(t testing.TB, rng *rand.Rand, shared, ours, theirs int) (*ChangeGraph, *automerge.Doc) {
	t.Helper()
	base := automerge.New()
	amHistory(t, rng, base, shared)
	mine, err := base.Fork()
	if err != nil {
		t.Fatal(err)
	}
	peer, err := base.Fork()
	if err != nil {
		t.Fatal(err)
	}
	amHistory(t, rng, mine, ours)
	amHistory(t, rng, peer, theirs)
	return graphOf(t, mine), peer
}

// TestConvergeWithAutomergeGo syncs this package (over a bare change
// graph) with automerge-go from random divergent histories, over links that
// lose and duplicate messages, in both opening orders.
func TestConvergeWithAutomergeGo(t *testing.T) {
	for _, c := range synctest.Scenarios {
		for seed := range uint64(8) {
			for _, weOpen := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/seed%d/weOpen=%v", c.Name, seed, weOpen), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(seed, 2))
					g, doc := amDivergent(t, rng, c.Shared, c.Ours, c.Theirs)
					var a, b synctest.Peer = newProtoPeer(g), newAMPeer(t, doc)
					if !weOpen {
						a, b = b, a
					}
					st := synctest.Run(t, a, b, rng, c.Net)
					mustEqualHeads(t, c.Name, g.Heads(), toFormat(doc.Heads()))
					// Everything we hold must load in automerge-go.
					mustEqualHeads(t, "our changes in automerge-go", toFormat(amLoad(t, g).Heads()), g.Heads())
					t.Log(st)
				})
			}
		}
	}
}

// TestMessagesMatchAutomergeGo plays the same scenario with automerge-go
// on both sides and with this package on one side, and compares what
// goes over the wire: this package must not need more rounds or bytes.
func TestMessagesMatchAutomergeGo(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 3))
		base := automerge.New()
		amHistory(t, rng, base, 150)
		mine, _ := base.Fork()
		peer, _ := base.Fork()
		amHistory(t, rng, mine, 20)
		amHistory(t, rng, peer, 20)
		mine2, _ := mine.Fork()
		peer2, _ := peer.Fork()

		ref := synctest.Run(t, newAMPeer(t, mine2), newAMPeer(t, peer2), nil, synctest.Network{MaxRounds: 10})
		got := synctest.Run(t, newProtoPeer(graphOf(t, mine)), newAMPeer(t, peer), nil, synctest.Network{MaxRounds: 10})
		t.Logf("seed %d: automerge-go both sides: %v; this package on one side: %v", seed, ref, got)
		if got.Rounds > ref.Rounds || got.Messages > ref.Messages {
			t.Errorf("seed %d: %v, automerge-go alone %v", seed, got, ref)
		}
		// The flags section on our first message is the only allowed extra.
		if got.Bytes > ref.Bytes+len(flagsSection(0))+1 {
			t.Errorf("seed %d: %d bytes, automerge-go alone %d", seed, got.Bytes, ref.Bytes)
		}
	}
}

func amLoad(t testing.TB, g *ChangeGraph) *automerge.Doc {
	t.Helper()
	d := automerge.New()
	if err := d.LoadIncremental(concatChanges(g, g.HashesSince(nil))); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBloomFalsePositivesWithAutomergeGo: divergent histories large
// enough that automerge-go's bloom filter hides some of our changes from
// us (and ours hides some of its); the need rounds must recover them.
func TestBloomFalsePositivesWithAutomergeGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	g, doc := amDivergent(t, rng, 20, 700, 700)
	theirs := graphOf(t, doc)
	ours := makeHave(g, nil)
	fp := 0
	for _, h := range theirs.HashesSince(nil) {
		if !g.HasChange(h) && ours.Bloom.Contains(h) {
			fp++
		}
	}
	if fp == 0 {
		t.Fatal("scenario has no bloom false positives; pick another seed")
	}
	st := synctest.Run(t, newProtoPeer(g), newAMPeer(t, doc), nil, synctest.Network{MaxRounds: 12})
	mustEqualHeads(t, "after sync", g.Heads(), toFormat(doc.Heads()))
	t.Logf("%d false positives in our filter; %v", fp, st)
}
