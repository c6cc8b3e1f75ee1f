//go:build cgo && !js && !wasip1

package crdt

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

func newAMPeer(d *automerge.Doc) *synctest.StatePeer[*automerge.SyncMessage, *automerge.SyncState] {
	return synctest.NewStatePeer(func() *automerge.SyncState { return automerge.NewSyncState(d) },
		func() [][32]byte { return synctest.Heads(d.Heads()) })
}

type amEditor struct{ d *automerge.Doc }

func (e amEditor) set(key string, v int64) error { return e.d.RootMap().Set(key, v) }
func (e amEditor) commit() error {
	_, err := e.d.Commit("")
	return err
}

// TestSyncCrdtWithAutomergeGo syncs a crdt document with an automerge-go
// document from random divergent histories (the shared part written by
// either engine), over lossy and duplicating links, in both opening orders.
func TestSyncCrdtWithAutomergeGo(t *testing.T) {
	for _, c := range synctest.Scenarios {
		for seed := range uint64(4) {
			for _, crdtOpens := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/seed%d/crdtOpens=%v", c.Name, seed, crdtOpens), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(seed, 12))
					base := automerge.New()
					randomEdits(t, rng, amEditor{base}, c.Shared)
					ours, err := Load(base.Save())
					if err != nil {
						t.Fatal(err)
					}
					theirs, err := base.Fork()
					if err != nil {
						t.Fatal(err)
					}
					randomEdits(t, rng, crdtEditor{ours}, c.Ours)
					randomEdits(t, rng, amEditor{theirs}, c.Theirs)
					var a, b synctest.Peer = newCrdtPeer(ours), newAMPeer(theirs)
					if !crdtOpens {
						a, b = b, a
					}
					st := synctest.Run(t, a, b, rng, c.Net)
					mustSameAsAutomerge(t, ours, theirs)
					t.Log(st)
				})
			}
		}
	}
}

// mustSameAsAutomerge checks a synced pair across engines: same heads, and
// the crdt document, saved and loaded by automerge-go, reads the same.
func mustSameAsAutomerge(t testing.TB, d *Doc, am *automerge.Doc) {
	t.Helper()
	if !synctest.EqualHeads(synctest.Heads(d.Heads()), synctest.Heads(am.Heads())) {
		t.Fatalf("heads differ after sync:\n%v\n%v", d.Heads(), am.Heads())
	}
	loaded, err := automerge.Load(d.Save())
	if err != nil {
		t.Fatalf("automerge-go cannot load the synced crdt document: %v", err)
	}
	got, err := automerge.As[map[string]any](loaded.Root())
	if err != nil {
		t.Fatal(err)
	}
	want, err := automerge.As[map[string]any](am.Root())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("contents differ after sync:\n%v\n%v", got, want)
	}
}

// TestSyncCrdtMatchesAutomergeGoOnTheWire plays the same scenario with
// automerge-go on both sides and with crdt on one side: crdt must not need
// more rounds or messages, and at most the three-byte flags section more.
func TestSyncCrdtMatchesAutomergeGoOnTheWire(t *testing.T) {
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 13))
		base := automerge.New()
		randomEdits(t, rng, amEditor{base}, 150)
		mine, _ := base.Fork()
		peer, _ := base.Fork()
		randomEdits(t, rng, amEditor{mine}, 20)
		randomEdits(t, rng, amEditor{peer}, 20)
		mineCrdt, err := Load(mine.Save())
		if err != nil {
			t.Fatal(err)
		}
		peer2, _ := peer.Fork()

		ref := synctest.Run(t, newAMPeer(mine), newAMPeer(peer), nil, synctest.Network{MaxRounds: 10})
		got := synctest.Run(t, newCrdtPeer(mineCrdt), newAMPeer(peer2), nil, synctest.Network{MaxRounds: 10})
		t.Logf("seed %d: automerge-go both sides: %v; crdt on one side: %v", seed, ref, got)
		if got.Rounds > ref.Rounds || got.Messages > ref.Messages || got.Bytes > ref.Bytes+3 {
			t.Errorf("seed %d: crdt %v, automerge-go alone %v", seed, got, ref)
		}
	}
}

// TestSyncResumeWithAutomergeGo resumes a sync from states each engine
// saved, loading crdt's state into automerge-go and the other way round as
// well (the saved form is the same).
func TestSyncResumeWithAutomergeGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	am := automerge.New()
	randomEdits(t, rng, amEditor{am}, 100)
	d := New()
	pd, pa := newCrdtPeer(d), newAMPeer(am)
	synctest.Run(t, pd, pa, nil, synctest.Network{MaxRounds: 4})

	// Each side keeps its state in the other engine's form.
	crdtSaved, amSaved := pd.State().Save(), pa.State().Save()
	amFromCrdt, err := automerge.LoadSyncState(am, crdtSaved)
	if err != nil {
		t.Fatal(err)
	}
	crdtFromAM, err := LoadSyncState(d, amSaved)
	if err != nil {
		t.Fatal(err)
	}
	pd.SetState(crdtFromAM)
	pa.SetState(amFromCrdt)
	randomEdits(t, rng, crdtEditor{d}, 3)
	randomEdits(t, rng, amEditor{am}, 3)
	st := synctest.Run(t, pd, pa, nil, synctest.Network{MaxRounds: 4})
	mustSameAsAutomerge(t, d, am)
	if st.Bytes > 4000 {
		t.Errorf("resumed sync sent %d bytes for six small changes (%v)", st.Bytes, st)
	}
}
