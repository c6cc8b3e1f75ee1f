package crdt

import (
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// maxSeqClockWords bounds the memory a document's seqClocks keep whole
// clocks in (8 bytes a word): the clocks of the latest changes, about
// this many words' worth. Older clocks are worked out by a walk when
// asked for, which is rare.
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
// hand-made changes can) turns them off for good; HashesSince then walks
// the whole history.
//
// A change's clock is its dependencies' clocks merged, plus its own seq:
// one pass over a slice per dependency. The clocks read are nearly always
// recent ones (a new change depends on the latest changes; a peer's heads
// are among them), so seqClocks keep whole clocks, end to end in one
// slice, for the latest changes only: two generations of about half the
// word limit each, the older dropped when the newer fills. An older
// change's clock is worked out when needed by walking its ancestors. So
// memory stays bounded however long the history, and a document with
// many authors writing at once pays a few memory reads per dependency
// rather than a search per author.
//
// They are built lazily, from where they left off, when HashesSince is
// asked; like the rest of a Doc they are used with its lock held.
type seqClocks struct {
	off   bool
	limit int // word limit; zero means maxSeqClockWords
	done  int // d.changes[:done] are indexed
	// actor and seq are, per indexed change, its author's index in
	// d.actors and its seq; its dependencies' indexes in d.changes are
	// deps[depAt[i]:depAt[i+1]]. Walks read these rather than look
	// hashes up. last is, per actor, the highest seq indexed.
	actor []uint32
	seq   []uint64
	deps  []int32
	depAt []int32
	last  []uint64
	// kept holds the whole clocks of the latest indexed changes: kept[1]
	// the newest, kept[0] the generation before it.
	kept [2]clockRun

	// Scratch reused across calls: a dense clock, walk marks stamped with
	// gen, and the walk's stack and findings.
	have  []uint64
	mark  []uint32
	gen   uint32
	stack []int
	found []int
}

// clockRun holds the clocks of consecutive changes first, first+1, …, end
// to end in words: change first+n's is words[at[n]:at[n+1]], one entry per
// actor the document had when the change was indexed (later actors are
// zero in it).
type clockRun struct {
	first int
	at    []int
	words []uint64
}

// clock returns change i's clock if the run holds it.
func (r *clockRun) clock(i int) ([]uint64, bool) {
	n := i - r.first
	if n < 0 || n >= len(r.at)-1 {
		return nil, false
	}
	return r.words[r.at[n]:r.at[n+1]], true
}

// reset empties the run, keeping its memory, to start at change first.
func (r *clockRun) reset(first int) {
	r.first = first
	r.at = append(r.at[:0], 0)
	r.words = r.words[:0]
}

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
			k.merge(d, have, i)
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
// property clocks rely on.
func (k *seqClocks) add(d *Doc, i int) bool {
	c := d.changes[i]
	a, ok := d.actors.index[string(c.actor)]
	if !ok {
		return false
	}
	have := k.clear(len(d.actors.ids))
	if len(k.depAt) == 0 {
		k.depAt = append(k.depAt, 0)
	}
	for _, h := range c.deps {
		j, ok := d.byHash[h]
		if !ok || j >= i {
			return false
		}
		k.merge(d, have, j)
		k.deps = append(k.deps, int32(j))
	}
	for int(a) >= len(k.last) {
		k.last = append(k.last, 0)
	}
	if c.seq <= k.last[a] || have[a] != k.last[a] {
		return false
	}
	have[a] = c.seq
	k.last[a] = c.seq
	k.actor = append(k.actor, a)
	k.seq = append(k.seq, c.seq)
	k.depAt = append(k.depAt, int32(len(k.deps)))
	k.keep(i, have)
	return true
}

// keep stores clock as change i's, in the newest run; a full newest run
// becomes the older one, and the older one's memory the new newest.
func (k *seqClocks) keep(i int, clock []uint64) {
	limit := k.limit
	if limit == 0 {
		limit = maxSeqClockWords
	}
	r := &k.kept[1]
	if len(r.at) == 0 {
		r.reset(i)
	}
	if len(r.words)+len(clock) > limit/2 && len(r.at) > 1 {
		k.kept[0], k.kept[1] = k.kept[1], k.kept[0]
		r.reset(i)
	}
	r.words = append(r.words, clock...)
	r.at = append(r.at, len(r.words))
}

// merge raises have to the clock of indexed change i.
func (k *seqClocks) merge(d *Doc, have []uint64, i int) {
	for n := 1; n >= 0; n-- {
		if clock, ok := k.kept[n].clock(i); ok {
			for b, v := range clock {
				have[b] = max(have[b], v)
			}
			return
		}
	}
	k.mergeByWalk(d, have, i)
}

// mergeByWalk raises have to the clock of indexed change i, no longer
// kept, by visiting every ancestor of i.
func (k *seqClocks) mergeByWalk(d *Doc, have []uint64, i int) {
	gen := k.nextGen(len(d.changes))
	k.mark[i] = gen
	stack := append(k.stack[:0], i)
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a := k.actor[j]
		have[a] = max(have[a], k.seq[j])
		for _, x := range k.deps[k.depAt[j]:k.depAt[j+1]] {
			if k.mark[x] != gen {
				k.mark[x] = gen
				stack = append(stack, int(x))
			}
		}
	}
	k.stack = stack[:0]
}

// clear returns the scratch clock, zeroed, for n actors.
func (k *seqClocks) clear(n int) []uint64 {
	k.have = slices.Grow(k.have[:0], n)[:n]
	clear(k.have)
	return k.have
}

// nextGen returns a fresh walk stamp, with marks for n changes.
func (k *seqClocks) nextGen(n int) uint32 {
	if len(k.mark) < n {
		k.mark = append(k.mark, make([]uint32, n-len(k.mark))...)
	}
	if k.gen++; k.gen == 0 { // wrapped: forget every old mark
		clear(k.mark)
		k.gen = 1
	}
	return k.gen
}

// newerThan returns, in history order, the changes clock have does not
// cover: it walks back from the heads through uncovered changes only, as
// every change on a path from a head to an uncovered change is uncovered.
func (k *seqClocks) newerThan(d *Doc, have []uint64) []format.ChangeHash {
	gen := k.nextGen(len(d.changes))
	stack, found := k.stack[:0], k.found[:0]
	push := func(i int) {
		if k.mark[i] == gen || k.seq[i] <= have[k.actor[i]] {
			return
		}
		k.mark[i] = gen
		stack = append(stack, i)
	}
	for _, h := range d.heads {
		push(d.byHash[h])
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		found = append(found, i)
		for _, x := range k.deps[k.depAt[i]:k.depAt[i+1]] {
			push(int(x))
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

// turnOff drops the clocks; the document's history broke their rule.
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
