package syncproto

import (
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// maxClockWords bounds the memory clocks may take in one graph (8 bytes a
// word): a document with many authors and a long history turns them off
// and HashesSince walks instead.
const maxClockWords = 1 << 20

// clockBlockWords is the size of the blocks clocks are carved from.
const clockBlockWords = 512

// clocks are vector clocks of a ChangeGraph's changes: for each change,
// the highest sequence number of every author among it and its
// ancestors. Automerge numbers each author's changes 1, 2, 3… and each
// depends, at least indirectly, on the author's previous one, so a change
// is an ancestor of a set of heads exactly when its sequence number is at
// most the heads' clock for its author. That turns "has the peer got
// this change?" into one comparison.
//
// The graph checks that property as changes arrive; a history that breaks
// it (a gap or a repeated sequence number, which Automerge would not
// write) turns clocks off for the graph, as does maxClockWords.
type clocks struct {
	off    bool
	maxSeq []uint64 // per author, the highest sequence number applied
	words  int
	// have, mark, stack and found are reused by of and newerThan, which a
	// relay calls several times per message. mark[i] == epoch means
	// change i was seen by the current walk.
	have  []uint64
	block []uint64 // where alloc carves the next clocks from
	mark  []uint32
	epoch uint32
	stack []*graphChange
	found []int
}

// add computes c's clock from its dependencies' as c is applied.
func (k *clocks) add(g *ChangeGraph, c *graphChange) {
	if k.off {
		return
	}
	a := c.actor
	for len(k.maxSeq) <= a {
		k.maxSeq = append(k.maxSeq, 0)
	}
	clock := k.alloc(len(k.maxSeq))
	for _, p := range c.parents {
		for i, v := range p.clock {
			clock[i] = max(clock[i], v)
		}
	}
	if c.seq != clock[a]+1 || k.maxSeq[a] >= c.seq {
		k.turnOff(g)
		return
	}
	clock[a] = c.seq
	k.maxSeq[a] = c.seq
	c.clock = clock
	if k.words += len(clock); k.words > maxClockWords {
		k.turnOff(g)
	}
}

// alloc returns n zeroed words for a clock, carved from a block shared
// with other clocks: one allocation per many changes instead of one per
// change. Blocks start small and double up to clockBlockWords, so a
// small graph wastes little. A block stays alive while any clock in it
// does, which is the graph's lifetime.
func (k *clocks) alloc(n int) []uint64 {
	if len(k.block)+n > cap(k.block) {
		size := min(max(2*cap(k.block), 16), clockBlockWords)
		k.block = make([]uint64, 0, max(size, n))
	}
	start := len(k.block)
	k.block = k.block[:start+n]
	return k.block[start : start+n : start+n]
}

func (k *clocks) turnOff(g *ChangeGraph) {
	k.off, k.maxSeq, k.words, k.mark, k.block = true, nil, 0, nil, nil
	for _, c := range g.applied {
		c.clock = nil
	}
}

// of returns the clock of the hashes in since that g has, and false when
// clocks are off or g has none of them.
func (k *clocks) of(g *ChangeGraph, since []format.ChangeHash) ([]uint64, bool) {
	if k.off {
		return nil, false
	}
	have := k.have[:0]
	known := false
	for _, h := range since {
		c := g.applied[h]
		if c == nil {
			continue
		}
		known = true
		for len(have) < len(c.clock) {
			have = append(have, 0)
		}
		for i, v := range c.clock {
			have[i] = max(have[i], v)
		}
	}
	k.have = have
	return have, known
}

// newerThan returns, dependencies first, the applied changes that are not
// covered by clock have: it walks back from the heads and stops at every
// change have covers.
func (g *ChangeGraph) newerThan(have []uint64) []format.ChangeHash {
	k := &g.clocks
	if len(k.mark) < len(g.order) {
		k.mark = append(k.mark, make([]uint32, len(g.order)-len(k.mark))...)
	}
	if k.epoch++; k.epoch == 0 { // wrapped: forget every old mark
		clear(k.mark)
		k.epoch = 1
	}
	found := k.found[:0]
	stack := k.stack[:0]
	for h := range g.heads {
		stack = append(stack, g.applied[h])
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if k.mark[c.index] == k.epoch || (c.actor < len(have) && c.seq <= have[c.actor]) {
			continue
		}
		k.mark[c.index] = k.epoch
		found = append(found, c.index)
		stack = append(stack, c.parents...)
	}
	slices.Sort(found)
	out := make([]format.ChangeHash, len(found))
	for i, idx := range found {
		out[i] = g.order[idx]
	}
	k.found, k.stack = found[:0], stack[:0]
	return out
}
