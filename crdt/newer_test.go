package crdt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// hashesByMarking answers HashesSince by the definition: every change
// that is not an ancestor of since (or in it), in history order. nil when
// there is none, as HashesSince answers.
func hashesByMarking(d *Doc, since []ChangeHash) []format.ChangeHash {
	var out []format.ChangeHash
	for _, i := range d.newerThanByMarking(since) {
		out = append(out, format.ChangeHash(d.changes[i].hash))
	}
	return out
}

// TestNewerThanMatchesMarking compares the walk back from the heads with
// marking every ancestor of since, over random multi-actor histories
// (merges, changes delivered out of order and queued, reloads) and the
// since sets a sync peer sends and some it would not (any changes, unknown
// hashes), through Changes(since) and the sync protocol's fallback.
func TestNewerThanMatchesMarking(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 5))
			peers := make([]*historyPeer, 2+seed%4)
			for i := range peers {
				peers[i] = &historyPeer{}
			}
			checks := 0
			randomHistory(t, rng, peers, 150, 0, func(p *historyPeer, all []*historyPeer) {
				for _, since := range sinceCandidates(rng, p, all) {
					p.d.mu.Lock()
					want := p.d.newerThanByMarking(since)
					got := p.d.newerThan(since)
					walk := docGraph{p.d}.hashesSinceWalk(since)
					byMarking := hashesByMarking(p.d, since)
					p.d.mu.Unlock()
					if !slices.Equal(got, want) {
						t.Fatalf("since %v:\nwalk    %v\nmarking %v", since, got, want)
					}
					if !slices.Equal(walk, byMarking) {
						t.Fatalf("since %v: hashesSinceWalk %v, want %v", since, walk, byMarking)
					}
					chs, err := p.d.Changes(since...)
					must(t, err)
					if len(since) > 0 && len(chs) != len(want) {
						t.Fatalf("since %v: Changes gives %d changes, want %d", since, len(chs), len(want))
					}
					checks++
				}
			})
			if checks == 0 {
				t.Fatal("no checks ran")
			}
		})
	}
}
