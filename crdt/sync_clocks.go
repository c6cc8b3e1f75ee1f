package crdt

import (
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// maxSeqClockWords bounds the memory a document's seqClocks may take (8
// bytes a word). A history that needs more turns them off, and the sync
// protocol's HashesSince walks the whole history instead.
const maxSeqClockWords = 1 << 20

// seqClocks let the sync protocol ask "which changes are not in the
// history of these heads?" in time that depends on the answer, not on the
// length of the history.
//
// Automerge numbers each author's changes 1, 2, 3… and makes each depend,
// at least through others, on the author's previous one. Then a change is
// an ancestor of a set of heads exactly when its seq is at most the
// highest seq of its author among those heads and their ancestors: the
// heads' vector clock. With that clock, the changes a set of heads lacks
// are found by walking back from the document's heads and stopping at
// every change the clock covers.
//
// A document does not check that property (it refuses only a seq that is
// not above the author's count), so seqClocks check it as they index each
// change: its seq must be above the author's last one, and the author's
// last change must be among its ancestors. A history that breaks it (only
// hand-made changes can) turns them off for good, as does running past
// the word limit; HashesSince then walks.
//
// A change's clock is not kept whole. An author's successive changes have
// growing clocks (each has the previous one as an ancestor), so for every
// author and every other actor, seqClocks keep only the steps where the
// author's clock entry for that actor rises. Most of an author's changes
// see nothing new from most actors, so this is far smaller than a clock
// per change; the word limit covers the rest.
//
// The word limit counts the steps; besides them seqClocks keep two 32-bit
// words per change (its author, and a walk mark), like the history itself.
// They are built lazily, from where they left off, when HashesSince is
// asked; like the rest of a Doc they are used with its lock held.
type seqClocks struct {
	off   bool
	limit int // word limit; zero means maxSeqClockWords
	words int
	done  int      // d.changes[:done] are indexed
	actor []uint32 // per indexed change, its author's index in d.actors
	last  []uint64 // per actor, the highest seq indexed
	// steps[a][b] lists, by a's seq, where the clock of a's changes rises
	// for actor b (b ≠ a; a's own entry is the change's seq).
	steps [][][]clockStep

	// Scratch reused across calls: a dense clock, walk marks stamped with
	// gen, and the walk's stack and findings.
	have  []uint64
	mark  []uint32
	gen   uint32
	stack []int
	found []int
}

// clockStep says that from the author's change seq on, the author's clock
// entry for some actor is val.
type clockStep struct{ seq, val uint64 }

// hashesSince answers docGraph.HashesSince for a non-empty since that is
// not the heads, and false when clocks are off.
func (k *seqClocks) hashesSince(d *Doc, since []ChangeHash) ([]format.ChangeHash, bool) {
	if !k.index(d) {
		return nil, false
	}
	have := k.clear(len(d.actors.ids))
	known := false
	for _, h := range since {
		if i, ok := d.byHash[h]; ok {
			k.merge(have, i, d.changes[i].seq)
			known = true
		}
	}
	if !known {
		return allHashes(d), true
	}
	return k.newerThan(d, have), true
}

// index brings the clocks up to date with d's history and reports whether
// they are on.
func (k *seqClocks) index(d *Doc) bool {
	for !k.off && k.done < len(d.changes) {
		if !k.add(d, k.done) {
			k.turnOff()
		}
		k.done++
	}
	return !k.off
}

// add indexes change i, reporting false when the history breaks the
// property clocks rely on or the word limit is reached.
func (k *seqClocks) add(d *Doc, i int) bool {
	c := d.changes[i]
	a, ok := d.actors.index[string(c.actor)]
	if !ok {
		return false
	}
	have := k.clear(len(d.actors.ids))
	for _, h := range c.deps {
		j, ok := d.byHash[h]
		if !ok || j >= i {
			return false
		}
		k.merge(have, j, d.changes[j].seq)
	}
	for int(a) >= len(k.last) {
		k.last = append(k.last, 0)
		k.steps = append(k.steps, nil)
		k.words += 4
	}
	if c.seq <= k.last[a] || have[a] != k.last[a] {
		return false
	}
	cols := k.steps[a]
	for b, v := range have {
		if b == int(a) || v == 0 || v <= lastVal(cols, b) {
			continue
		}
		for b >= len(cols) {
			cols = append(cols, nil)
			k.words += 3
		}
		cols[b] = append(cols[b], clockStep{seq: c.seq, val: v})
		k.words += 2
	}
	k.steps[a] = cols
	k.last[a] = c.seq
	k.actor = append(k.actor, a)
	limit := k.limit
	if limit == 0 {
		limit = maxSeqClockWords
	}
	return k.words <= limit
}

func lastVal(cols [][]clockStep, b int) uint64 {
	if b >= len(cols) || len(cols[b]) == 0 {
		return 0
	}
	return cols[b][len(cols[b])-1].val
}

// merge raises have to the clock of indexed change i, whose seq is seq.
func (k *seqClocks) merge(have []uint64, i int, seq uint64) {
	a := k.actor[i]
	have[a] = max(have[a], seq)
	for b, col := range k.steps[a] {
		// The last step at or before seq holds; most lookups are of an
		// author's latest change, so try the final step first.
		n := len(col)
		if n == 0 {
			continue
		}
		if col[n-1].seq > seq {
			n, _ = slices.BinarySearchFunc(col, seq+1, func(s clockStep, t uint64) int {
				if s.seq < t {
					return -1
				}
				return 1
			})
			if n == 0 {
				continue
			}
		}
		have[b] = max(have[b], col[n-1].val)
	}
}

// clear returns the scratch clock, zeroed, for n actors.
func (k *seqClocks) clear(n int) []uint64 {
	k.have = slices.Grow(k.have[:0], n)[:n]
	clear(k.have)
	return k.have
}

// newerThan returns, in history order, the changes clock have does not
// cover: it walks back from the heads through uncovered changes only, as
// every change on a path from a head to an uncovered change is uncovered.
func (k *seqClocks) newerThan(d *Doc, have []uint64) []format.ChangeHash {
	if len(k.mark) < len(d.changes) {
		k.mark = append(k.mark, make([]uint32, len(d.changes)-len(k.mark))...)
	}
	if k.gen++; k.gen == 0 {
		clear(k.mark)
		k.gen = 1
	}
	stack, found := k.stack[:0], k.found[:0]
	push := func(h ChangeHash) {
		i := d.byHash[h]
		if k.mark[i] == k.gen || d.changes[i].seq <= have[k.actor[i]] {
			return
		}
		k.mark[i] = k.gen
		stack = append(stack, i)
	}
	for _, h := range d.heads {
		push(h)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		found = append(found, i)
		for _, h := range d.changes[i].deps {
			push(h)
		}
	}
	slices.Sort(found)
	out := make([]format.ChangeHash, len(found))
	for n, i := range found {
		out[n] = format.ChangeHash(d.changes[i].hash)
	}
	k.stack, k.found = stack[:0], found[:0]
	return out
}

// turnOff drops the clocks; the document's history broke their rule or
// outgrew the limit.
func (k *seqClocks) turnOff() {
	*k = seqClocks{off: true, limit: k.limit}
}

func allHashes(d *Doc) []format.ChangeHash {
	out := make([]format.ChangeHash, len(d.changes))
	for i, c := range d.changes {
		out[i] = format.ChangeHash(c.hash)
	}
	return out
}
