//go:build cgo && !js && !wasip1

package crdt_test

import (
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/difftest"
)

// Small histories that once showed automerge-go and crdt disagreeing,
// kept as named cases (the random test finds them again only by seed).
var regressionHistories = []struct {
	name string
	h    difftest.History
}{
	{
		// Rust Automerge makes a local change depend on the actor's own
		// previous change even when that change is no longer a head.
		name: "deps include own previous change",
		h: difftest.History{Actors: []string{"aa01", "bb02"}, Steps: []difftest.Step{
			{Kind: difftest.StepChange, Replica: 0, Time: 1, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "a", Value: &difftest.Node{Kind: difftest.KindInt, Int: 1}}}},
			{Kind: difftest.StepMerge, Replica: 1, Peer: 0},
			{Kind: difftest.StepChange, Replica: 1, Time: 2, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "b", Value: &difftest.Node{Kind: difftest.KindNull}}}},
			{Kind: difftest.StepMerge, Replica: 0, Peer: 1},
			{Kind: difftest.StepChange, Replica: 0, Time: 3, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "c", Value: &difftest.Node{Kind: difftest.KindBool, Bool: true}}}},
		}},
	},
	{
		// A loaded document has not been saved incrementally yet: its
		// SaveIncremental holds its whole history.
		name: "SaveIncremental after Load",
		h: difftest.History{Actors: []string{"aa01", "bb02"}, Steps: []difftest.Step{
			{Kind: difftest.StepChange, Replica: 0, Time: 1, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "a", Value: &difftest.Node{Kind: difftest.KindStr, Str: "x"}}}},
			{Kind: difftest.StepReload, Replica: 0},
			{Kind: difftest.StepIncremental, Replica: 1, Peer: 0},
		}},
	},
	{
		// Rust Automerge saves only the actors that authored changes;
		// @automerge/automerge 3.5 fails to load a document whose actor
		// table lists others ("removal index (is 3) should be < len").
		name: "Save lists only authors",
		h: difftest.History{Actors: []string{"aa01"}, Steps: []difftest.Step{
			{Kind: difftest.StepChange, Replica: 0, Time: 1, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "a", Value: &difftest.Node{Kind: difftest.KindStr, Str: "x"}}}},
			{Kind: difftest.StepReload, Replica: 0},
		}},
	},
	{
		// Empty changes, merged, applied one by one and saved across
		// engines. (Not through SaveIncremental or Changes(since), where
		// automerge-go repeats empty changes; see difftest's StepChange.)
		name: "empty changes",
		h: difftest.History{Actors: []string{"aa01", "bb02"}, Steps: []difftest.Step{
			{Kind: difftest.StepChange, Replica: 0, Time: 1, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "a", Value: &difftest.Node{Kind: difftest.KindInt, Int: 1}}}},
			{Kind: difftest.StepChange, Replica: 0, Time: 2, Msg: "empty"},
			{Kind: difftest.StepMerge, Replica: 1, Peer: 0},
			{Kind: difftest.StepChange, Replica: 1, Time: 3},
			{Kind: difftest.StepChange, Replica: 0, Time: 4, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "b", Value: &difftest.Node{Kind: difftest.KindBool}}}},
			{Kind: difftest.StepSyncAll, Replica: 0, Peer: 1},
			{Kind: difftest.StepReload, Replica: 0},
			{Kind: difftest.StepMerge, Replica: 1, Peer: 0},
			{Kind: difftest.StepChange, Replica: 1, Time: 5},
			{Kind: difftest.StepReload, Replica: 1},
		}},
	},
	{
		name: "SaveIncremental after Fork",
		h: difftest.History{Actors: []string{"aa01", "bb02"}, Steps: []difftest.Step{
			{Kind: difftest.StepChange, Replica: 0, Time: 1, Ops: []difftest.Op{{Kind: difftest.MapSet, Key: "a", Value: &difftest.Node{Kind: difftest.KindStr, Str: "x"}}}},
			{Kind: difftest.StepFork, Replica: 0},
			{Kind: difftest.StepIncremental, Replica: 1, Peer: 0},
		}},
	},
}

func TestDiffRegressions(t *testing.T) {
	p := difftest.Pair{A: difftest.AutomergeGo(), B: difftest.Crdt()}
	for _, tc := range regressionHistories {
		t.Run(tc.name, func(t *testing.T) {
			if err := p.Replay(tc.h); err != nil {
				t.Errorf("%v\n%s", err, tc.h)
			}
		})
	}
}
