// Package history answers the question the sync protocol asks of a change
// history over and over: which changes are neither among some heads nor
// their ancestors? Both crdt's documents and syncproto's bare change graph
// keep their changes in causal order (every change after its
// dependencies) and name them by position, so one walk serves both.
package history

import "slices"

// NewerThan returns, sorted, the positions of the changes that are neither
// in since nor among its ancestors. heads are the history's heads and
// since the positions the caller knows of; deps calls visit with the
// position of each dependency of change i (each smaller than i).
//
// Marking every ancestor of since costs the whole history, though the
// answer is usually a few recent changes. So NewerThan walks back from the
// heads and from since together, latest change first: by the time the
// walk reaches a change it has reached it from every later change that
// depends on it, and knows whether since covers it. It stops as soon as
// every change still ahead of it is covered, so its cost is the part of
// the history newer than the oldest change in the answer.
func NewerThan(heads, since []int, deps func(i int, visit func(j int))) []int {
	w := walk{marks: map[int]uint8{}}
	for _, i := range since {
		w.reach(i, fromSince)
	}
	for _, i := range heads {
		w.reach(i, fromHeads)
	}
	var found []int
	for w.pending > 0 {
		i := w.queue.pop()
		m := w.marks[i]
		if m&fromSince == 0 {
			w.pending--
			found = append(found, i)
		}
		deps(i, func(j int) { w.reach(j, m) })
	}
	slices.Sort(found)
	return found
}

// Marks of a walk: a change is reached from the heads, from since, or both
// (then since covers it).
const (
	fromHeads uint8 = 1 << iota
	fromSince
)

// walk is NewerThan's state: the marks of the changes reached, a queue of
// those not yet visited (latest first), and how many of those since does
// not cover.
type walk struct {
	marks   map[int]uint8
	queue   latestFirst
	pending int
}

// reach marks change i as reached with mark m, queueing it the first time.
func (w *walk) reach(i int, m uint8) {
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

// latestFirst is a max-heap of positions (container/heap would box every
// position it is given).
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
