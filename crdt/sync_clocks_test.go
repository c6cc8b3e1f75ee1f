package crdt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// sinceBothWays answers HashesSince for since on d with the clocks and with
// the walk of the whole history, which is the definition, and reports
// whether the clocks were on.
func sinceBothWays(d *Doc, since []ChangeHash) (clocks, walk []format.ChangeHash, on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := docGraph{d}
	walk = hashesByMarking(d, since)
	clocks = g.HashesSince(toFormatHashes(since))
	return clocks, walk, !d.syncClocks.off
}

// historyPeer is one actor's copy of a document in a random history, and
// the heads it had at each of its steps.
type historyPeer struct {
	d     *Doc
	actor string
	past  [][]ChangeHash
}

// randomHistory drives peers through random edits, merges, partial
// deliveries (changes in random order, some missing, so the queue holds
// them) and reloads, all through the public API, calling check on a random
// peer after every step. Every document's clocks keep limit words (zero:
// the default).
func randomHistory(t *testing.T, rng *rand.Rand, peers []*historyPeer, steps int, limit int, check func(p *historyPeer, others []*historyPeer)) {
	t.Helper()
	for i, p := range peers {
		p.actor = fmt.Sprintf("%02x%02x", i+1, rng.IntN(256))
		p.d = New()
		p.d.syncClocks.limit = limit
		must(t, p.d.SetActorID(p.actor))
	}
	for range steps {
		p := peers[rng.IntN(len(peers))]
		q := peers[rng.IntN(len(peers))]
		switch r := rng.IntN(10); {
		case r < 5:
			randomEdits(t, rng, crdtEditor{p.d}, 1+rng.IntN(3))
		case r < 7:
			_, err := p.d.Merge(q.d)
			must(t, err)
		case r < 9:
			chs, err := q.d.Changes()
			must(t, err)
			rng.Shuffle(len(chs), func(i, j int) { chs[i], chs[j] = chs[j], chs[i] })
			must(t, p.d.Apply(chs[:rng.IntN(len(chs)+1)]...))
		default:
			// A reload builds the history from a document chunk.
			d, err := Load(p.d.Save())
			must(t, err)
			must(t, d.SetActorID(p.actor))
			d.syncClocks.limit = limit
			p.d = d
		}
		p.past = append(p.past, p.d.Heads())
		check(peers[rng.IntN(len(peers))], peers)
	}
}

// sinceCandidates are the since sets a sync peer may send and some it
// would not: every peer's heads and past heads, a few random changes (not
// an antichain), and unknown hashes.
func sinceCandidates(rng *rand.Rand, p *historyPeer, peers []*historyPeer) [][]ChangeHash {
	var out [][]ChangeHash
	for _, q := range peers {
		out = append(out, q.d.Heads())
		if len(q.past) > 0 {
			out = append(out, q.past[rng.IntN(len(q.past))])
		}
	}
	chs, _ := p.d.Changes()
	if len(chs) > 0 {
		var pick []ChangeHash
		for range 1 + rng.IntN(3) {
			pick = append(pick, chs[rng.IntN(len(chs))].Hash())
		}
		out = append(out, pick)
	}
	var unknown ChangeHash
	unknown[0] = byte(rng.IntN(256))
	out = append(out, []ChangeHash{unknown}, append(p.d.Heads(), unknown))
	return out
}

// TestHashesSinceClocksMatchWalk compares HashesSince with the clocks to
// the walk of the whole history (the definition, and the order the wire
// format depends on) over random multi-actor histories. With a low word
// limit few clocks are kept and most are worked out by walking.
func TestHashesSinceClocksMatchWalk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int
	}{
		{"clocks", 0},
		{"few kept", 40},
	} {
		for seed := range uint64(8) {
			t.Run(fmt.Sprintf("%s/seed%d", tc.name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 99))
				peers := make([]*historyPeer, 2+seed%4)
				for i := range peers {
					peers[i] = &historyPeer{}
				}
				checks, onChecks := 0, 0
				randomHistory(t, rng, peers, 150, tc.limit, func(p *historyPeer, all []*historyPeer) {
					for _, since := range sinceCandidates(rng, p, all) {
						clocks, walk, on := sinceBothWays(p.d, since)
						if !slices.Equal(clocks, walk) {
							t.Fatalf("since %v:\nclocks %v\nwalk   %v", since, clocks, walk)
						}
						checks++
						if on {
							onChecks++
						}
					}
				})
				if onChecks != checks {
					t.Fatalf("clocks went off for a history made through the API (%d of %d checks on)", onChecks, checks)
				}
				t.Logf("%d checks", checks)
			})
		}
	}
}

// craft builds a change by hand (no ops): histories the API would not
// write, but a Doc accepts.
func craft(t *testing.T, actor byte, seq uint64, deps ...*Change) *Change {
	t.Helper()
	fc := &format.Change{Actors: [][]byte{{actor}}, Seq: seq, StartOp: seq}
	for _, d := range deps {
		fc.Deps = append(fc.Deps, format.ChangeHash(d.Hash()))
	}
	slices.SortFunc(fc.Deps, func(a, b format.ChangeHash) int { return compareHash(ChangeHash(a), ChangeHash(b)) })
	if _, err := format.EncodeChange(fc); err != nil {
		t.Fatal(err)
	}
	return changeFromFormat(fc, true)
}

// TestHashesSinceHandMadeHistories covers histories that break the rule
// the clocks rely on (clocks must go off, answers stay right) and unusual
// ones that keep it.
func TestHashesSinceHandMadeHistories(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T) []*Change
		on    bool
		// reload: a document chunk can hold the history too (it cannot
		// hold seq gaps).
		reload bool
	}{
		{"seq gap, no dependency on the previous change", func(t *testing.T) []*Change {
			a1 := craft(t, 0xa, 1)
			b1 := craft(t, 0xb, 1, a1)
			a3 := craft(t, 0xa, 3)
			return []*Change{a1, b1, a3, craft(t, 0xb, 2, b1, a3)}
		}, false, false},
		{"next seq, no dependency on the previous change", func(t *testing.T) []*Change {
			a1 := craft(t, 0xa, 1)
			b1 := craft(t, 0xb, 1, a1)
			return []*Change{a1, b1, craft(t, 0xa, 2, b1), craft(t, 0xa, 3), craft(t, 0xb, 2, b1)}
		}, false, true},
		{"seq goes back", func(t *testing.T) []*Change {
			a5 := craft(t, 0xa, 5)
			return []*Change{a5, craft(t, 0xa, 3, a5)}
		}, false, false},
		{"seq gap over a dependency", func(t *testing.T) []*Change {
			a1 := craft(t, 0xa, 1)
			b1 := craft(t, 0xb, 1, a1)
			a4 := craft(t, 0xa, 4, b1)
			return []*Change{a1, b1, a4, craft(t, 0xb, 7, a4)}
		}, true, false},
		{"previous change reached through another actor", func(t *testing.T) []*Change {
			a1 := craft(t, 0xa, 1)
			b1 := craft(t, 0xb, 1, a1)
			c1 := craft(t, 0xc, 1)
			a2 := craft(t, 0xa, 2, b1, c1)
			return []*Change{a1, b1, c1, a2, craft(t, 0xc, 2, a2)}
		}, true, true},
	}
	for _, tc := range tests {
		for _, reload := range []bool{false, true} {
			if reload && !tc.reload {
				continue
			}
			t.Run(fmt.Sprintf("%s/reload=%v", tc.name, reload), func(t *testing.T) {
				chs := tc.build(t)
				d := New()
				must(t, d.Apply(chs...))
				if got, _ := d.Changes(); len(got) != len(chs) {
					t.Fatalf("document took %d of %d changes", len(got), len(chs))
				}
				if reload {
					var err error
					d, err = Load(d.Save())
					must(t, err)
				}
				sets := [][]ChangeHash{nil, d.Heads()}
				for _, c := range chs {
					sets = append(sets, []ChangeHash{c.Hash()})
					for _, c2 := range chs {
						sets = append(sets, []ChangeHash{c.Hash(), c2.Hash()})
					}
				}
				var on bool
				for _, since := range sets {
					var clocks, walk []format.ChangeHash
					clocks, walk, on = sinceBothWays(d, since)
					if !slices.Equal(clocks, walk) {
						t.Fatalf("since %v:\nclocks %v\nwalk   %v", since, clocks, walk)
					}
				}
				if on != tc.on {
					t.Fatalf("clocks on = %v, want %v", on, tc.on)
				}
			})
		}
	}
}
