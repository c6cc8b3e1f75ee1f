package crdt

import (
	"container/heap"
	"slices"
)

// newerThan returns, in history order, the indexes of the changes that are
// neither in since nor among its ancestors (unknown hashes in since are
// ignored): what Changes(since) and the sync protocol's HashesSince send.
//
// Marking every ancestor of since costs the whole history, though the
// answer is usually a few recent changes. So newerThan walks back from the
// heads and from since together, latest change first: the history is kept
// in causal order (a change after its dependencies), so by the time the
// walk reaches a change it has reached it from every later change that
// depends on it, and knows whether since covers it. The walk stops as soon
// as every change still ahead of it is covered. Its cost is the part of
// the history newer than the oldest change in the answer, not all of it.
func (d *Doc) newerThan(since []ChangeHash) []int {
	if d.acausal {
		return d.newerThanByMarking(since)
	}
	w := historyWalk{d: d, marks: make(map[int]uint8)}
	for _, h := range since {
		if i, ok := d.byHash[h]; ok {
			w.reach(i, fromSince)
		}
	}
	for _, h := range d.heads {
		w.reach(d.byHash[h], fromHeads)
	}
	var found []int
	for w.pending > 0 {
		i := heap.Pop(&w.queue).(int)
		m := w.marks[i]
		if m&fromSince == 0 {
			w.pending--
			found = append(found, i)
		}
		for _, h := range d.changes[i].deps {
			if j, ok := d.byHash[h]; ok && j < i {
				w.reach(j, m)
			}
		}
	}
	slices.Sort(found)
	return found
}

// Marks of historyWalk: a change is reached from the heads, from since, or
// both (then since covers it).
const (
	fromHeads uint8 = 1 << iota
	fromSince
)

// historyWalk is newerThan's state: the marks of the changes reached, a
// queue of those not yet visited (latest first), and how many of those
// since does not cover.
type historyWalk struct {
	d       *Doc
	marks   map[int]uint8
	queue   latestFirst
	pending int
}

// reach marks change i as reached with mark m, queueing it the first time.
func (w *historyWalk) reach(i int, m uint8) {
	old, seen := w.marks[i]
	now := old | m
	w.marks[i] = now
	switch {
	case !seen:
		heap.Push(&w.queue, i)
		if now&fromSince == 0 {
			w.pending++
		}
	case old&fromSince == 0 && now&fromSince != 0:
		w.pending-- // queued as uncovered, now covered
	}
}

// newerThanByMarking is newerThan by marking every ancestor of since.
func (d *Doc) newerThanByMarking(since []ChangeHash) []int {
	seen := d.ancestors(since)
	var out []int
	for i := range d.changes {
		if !seen[i] {
			out = append(out, i)
		}
	}
	return out
}

// latestFirst is a max-heap of history indexes.
type latestFirst []int

func (q latestFirst) Len() int           { return len(q) }
func (q latestFirst) Less(a, b int) bool { return q[a] > q[b] }
func (q latestFirst) Swap(a, b int)      { q[a], q[b] = q[b], q[a] }
func (q *latestFirst) Push(x any)        { *q = append(*q, x.(int)) }
func (q *latestFirst) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
