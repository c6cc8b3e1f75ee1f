package difftest

import (
	"fmt"
	"strings"
)

// OpKind is what an Op does to its target object.
type OpKind uint8

const (
	MapSet OpKind = iota
	MapDelete
	MapInc
	ListInsert
	ListSet
	ListDelete
	ListInc
	TextSplice
)

// Op is one edit, addressed by the path (map keys and list indexes) from
// the root to the object it changes.
type Op struct {
	Kind  OpKind
	Path  []any
	Key   string
	Index int
	Del   int
	Text  string
	Delta int64
	Value *Node
}

func (op Op) String() string {
	p := fmt.Sprintf("%#v", op.Path)
	switch op.Kind {
	case MapSet:
		return fmt.Sprintf("map %s set %q = %s", p, op.Key, op.Value.JSON())
	case MapDelete:
		return fmt.Sprintf("map %s delete %q", p, op.Key)
	case MapInc:
		return fmt.Sprintf("map %s inc %q by %d", p, op.Key, op.Delta)
	case ListInsert:
		return fmt.Sprintf("list %s insert %d %s", p, op.Index, op.Value.JSON())
	case ListSet:
		return fmt.Sprintf("list %s set %d = %s", p, op.Index, op.Value.JSON())
	case ListDelete:
		return fmt.Sprintf("list %s delete %d", p, op.Index)
	case ListInc:
		return fmt.Sprintf("list %s inc %d by %d", p, op.Index, op.Delta)
	default:
		return fmt.Sprintf("text %s splice %d del %d %q", p, op.Index, op.Del, op.Text)
	}
}

// StepKind is one kind of step in a history.
type StepKind uint8

const (
	// StepChange edits replica Replica and commits (an empty change when
	// there are no ops).
	StepChange StepKind = iota
	// StepMerge merges replica Peer into Replica with Doc.Merge.
	StepMerge
	// StepSync sends Peer's changes that Replica lacks, as bytes, applied
	// one by one in a shuffled order (missing dependencies arrive later).
	StepSync
	// StepSyncAll sends them as one SaveChanges blob.
	StepSyncAll
	// StepIncremental sends Peer's SaveIncremental to Replica's LoadIncremental.
	StepIncremental
	// StepReload replaces Replica by the other engine's Load of its Save.
	StepReload
	// StepFork replaces Replica by its Fork (actor set back).
	StepFork
	// StepForkAt replaces Replica by its Fork as of the heads just before
	// one of its head changes, writing as a new actor (Actor).
	StepForkAt
)

// Step is one step of a history. Steps carry everything random, so a
// history replays exactly and survives having steps removed.
type Step struct {
	Kind    StepKind
	Replica int
	Peer    int
	Ops     []Op
	Msg     string
	Time    int64  // commit time, ms
	Shuffle uint64 // StepSync, StepSyncAll: seeds the order the changes arrive in
	Swap    bool   // StepSync, StepSyncAll: which engine's bytes travel (false: A's)
	Actor   string // StepForkAt: the fork's actor
}

func (s Step) String() string {
	var b strings.Builder
	switch s.Kind {
	case StepChange:
		fmt.Fprintf(&b, "replica %d commits %q at %d:", s.Replica, s.Msg, s.Time)
		for _, op := range s.Ops {
			b.WriteString("\n\t\t" + op.String())
		}
	case StepMerge:
		fmt.Fprintf(&b, "replica %d merges replica %d", s.Replica, s.Peer)
	case StepSync:
		fmt.Fprintf(&b, "replica %d applies replica %d's changes one by one, shuffled by %d (bytes from engine %s)", s.Replica, s.Peer, s.Shuffle, engineLetter(s.Swap))
	case StepSyncAll:
		fmt.Fprintf(&b, "replica %d applies replica %d's changes as one blob (bytes from engine %s)", s.Replica, s.Peer, engineLetter(s.Swap))
	case StepIncremental:
		fmt.Fprintf(&b, "replica %d loads replica %d's SaveIncremental (across engines)", s.Replica, s.Peer)
	case StepReload:
		fmt.Fprintf(&b, "replica %d is saved and loaded by the other engine", s.Replica)
	case StepFork:
		fmt.Fprintf(&b, "replica %d is forked", s.Replica)
	case StepForkAt:
		fmt.Fprintf(&b, "replica %d is forked before one of its heads (picked by %d) as actor %s", s.Replica, s.Shuffle, s.Actor)
	}
	return b.String()
}

func engineLetter(swap bool) string {
	if swap {
		return "B"
	}
	return "A"
}

// History is a seeded sequence of steps over a few replicas.
type History struct {
	Seed   uint64
	Actors []string
	Steps  []Step
}

func (h History) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "history seed %d, actors %v:", h.Seed, h.Actors)
	for i, s := range h.Steps {
		fmt.Fprintf(&b, "\n\t%d: %s", i, s)
	}
	return b.String()
}
