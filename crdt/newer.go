package crdt

import "slices"

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
		i := w.queue.pop()
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
		w.queue.push(i)
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

// latestFirst is a max-heap of history indexes (container/heap would box
// every index it is given).
type latestFirst []int

func (q *latestFirst) push(i int) {
	h := append(*q, i)
	for c := len(h) - 1; c > 0; {
		p := (c - 1) / 2
		if h[p] >= h[c] {
			break
		}
		h[p], h[c] = h[c], h[p]
		c = p
	}
	*q = h
}

func (q *latestFirst) pop() int {
	h := *q
	top, n := h[0], len(h)-1
	h[0] = h[n]
	h = h[:n]
	for p := 0; ; {
		c := 2*p + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1] > h[c] {
			c++
		}
		if h[p] >= h[c] {
			break
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
	*q = h
	return top
}
