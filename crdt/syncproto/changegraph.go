package syncproto

import (
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
	"github.com/commonplace/commonplace/crdt/internal/history"
)

// ChangeGraph is a Graph over raw change chunks and nothing else. It is a
// full sync peer for anything that stores and forwards Automerge changes
// without reading them (a relay, a test harness), and the reference the
// protocol is tested with. It is not safe for concurrent use.
//
// A relay asks it the same questions for every message of every peer, so
// the answers that recur are cheap: the sorted heads are cached, and
// HashesSince walks back only from the heads to where the given heads'
// history begins, not over the whole history.
type ChangeGraph struct {
	order   []format.ChangeHash // applied, dependencies first
	applied map[format.ChangeHash]*graphChange
	queue   map[format.ChangeHash]*graphChange // waiting for dependencies; nil when none
	heads   map[format.ChangeHash]struct{}
	sorted  []format.ChangeHash // heads, sorted; nil when stale
	bytes   int                 // raw bytes of applied changes
	actors  map[string]int      // author → number, in order of first sight
	clocks  clocks
}

type graphChange struct {
	raw  []byte // uncompressed change chunk
	deps []format.ChangeHash
	dep  [1]format.ChangeHash // deps' storage when there is one
	// parents are the dependencies themselves, once applied: walks
	// follow them rather than look every hash up. A change with one
	// dependency, the usual case, keeps it in parent, not an allocation.
	parents []*graphChange
	parent  [1]*graphChange
	index   int // position in order, once applied
	// actor is the author's number in the graph (see actorNumber), which
	// is also its position in every clock.
	actor int
	seq   uint64
	// clock is, per actor (see clocks), the highest sequence number
	// among the change and its ancestors; nil when clocks are off.
	clock []uint64
}

var _ Graph = (*ChangeGraph)(nil)

// NewChangeGraph returns an empty graph.
func NewChangeGraph() *ChangeGraph {
	return &ChangeGraph{
		applied: map[format.ChangeHash]*graphChange{},
		heads:   map[format.ChangeHash]struct{}{},
		actors:  map[string]int{},
	}
}

// actorNumber returns the author's number, giving it the next one if it is
// new: changes keep a number, not a copy of the author's ID.
func (g *ChangeGraph) actorNumber(id []byte) int {
	if n, ok := g.actors[string(id)]; ok {
		return n
	}
	n := len(g.actors)
	g.actors[string(id)] = n
	return n
}

// Heads implements Graph.
func (g *ChangeGraph) Heads() []format.ChangeHash { return slices.Clone(g.sortedHeads()) }

// sortedHeads is Heads without the copy; callers must not change it. It
// is replaced, never changed, when the heads change (see headsOf).
func (g *ChangeGraph) sortedHeads() []format.ChangeHash {
	if g.sorted == nil {
		hs := make([]format.ChangeHash, 0, len(g.heads))
		for h := range g.heads {
			hs = append(hs, h)
		}
		g.sorted = sortedUnique(hs)
	}
	return g.sorted
}

// HasChange implements Graph.
func (g *ChangeGraph) HasChange(h format.ChangeHash) bool { _, ok := g.applied[h]; return ok }

// ChangeCount implements Graph.
func (g *ChangeGraph) ChangeCount() int { return len(g.order) }

// Size returns the total length of the applied changes' chunks.
func (g *ChangeGraph) Size() int { return g.bytes }

// Queued returns how many changes wait for missing dependencies.
func (g *ChangeGraph) Queued() int { return len(g.queue) }

// AppliedFrom returns the applied changes from position n of the order
// they were applied in (dependencies first) to the end: after noting
// ChangeCount, a caller gets exactly the changes applied since.
func (g *ChangeGraph) AppliedFrom(n int) []format.ChangeHash {
	if n < 0 || n > len(g.order) {
		n = len(g.order)
	}
	return slices.Clone(g.order[n:])
}

// Deps implements Graph.
func (g *ChangeGraph) Deps(h format.ChangeHash) []format.ChangeHash {
	if c := g.applied[h]; c != nil {
		return c.deps
	}
	return nil
}

// RawChange implements Graph.
func (g *ChangeGraph) RawChange(h format.ChangeHash) []byte {
	if c := g.applied[h]; c != nil {
		return c.raw
	}
	return nil
}

// Concat returns the chunks of hashes, which must be applied, one after
// the other: a chunk list Apply and Automerge's load_incremental accept.
func (g *ChangeGraph) Concat(hashes []format.ChangeHash) []byte {
	return concatChanges(g, hashes)
}

// HashesSince implements Graph.
//
// With clocks (see clocks) it walks back from the heads through the
// changes since has not got and stops at the first ones it has: the work
// is the size of the answer. Without, history.NewerThan walks back from
// the heads and from since together and stops once nothing new is left.
// Either way, changes since already has cost nothing, which is what a
// relay answering peers that are almost up to date needs.
func (g *ChangeGraph) HashesSince(since []format.ChangeHash) []format.ChangeHash {
	if len(since) == 0 {
		return slices.Clone(g.order)
	}
	if slices.Equal(since, g.sortedHeads()) {
		return nil
	}
	if have, ok := g.clocks.of(g, since); ok {
		return g.newerThan(have)
	}
	known := make([]int, 0, len(since))
	for _, h := range since {
		if c := g.applied[h]; c != nil {
			known = append(known, c.index)
		}
	}
	heads := make([]int, 0, len(g.heads))
	for h := range g.heads {
		heads = append(heads, g.applied[h].index)
	}
	found := history.NewerThan(heads, known, func(i int, visit func(int)) {
		for _, p := range g.applied[g.order[i]].parents {
			visit(p.index)
		}
	})
	out := make([]format.ChangeHash, len(found))
	for k, i := range found {
		out[k] = g.order[i]
	}
	return out
}

// MissingDeps implements Graph.
func (g *ChangeGraph) MissingDeps(heads []format.ChangeHash) []format.ChangeHash {
	if allKnown(g, heads) {
		return nil
	}
	missing := map[format.ChangeHash]struct{}{}
	seen := map[format.ChangeHash]struct{}{}
	stack := slices.Clone(heads)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := seen[h]; ok || g.HasChange(h) {
			continue
		}
		seen[h] = struct{}{}
		if q := g.queue[h]; q != nil {
			stack = append(stack, q.deps...)
		} else {
			missing[h] = struct{}{}
		}
	}
	out := make([]format.ChangeHash, 0, len(missing))
	for h := range missing {
		out = append(out, h)
	}
	return sortedUnique(out)
}

// Apply implements Graph. Document chunks are split back into their
// changes. Nothing is applied unless every chunk decodes. The graph keeps
// copies of the changes' bytes.
func (g *ChangeGraph) Apply(data []byte) error { return g.applyChunks(data, false) }

// applyOwned is Apply for data the caller hands over (Receive's
// messages): the graph keeps views into it instead of copies.
func (g *ChangeGraph) applyOwned(data []byte) error { return g.applyChunks(data, true) }

// incomingChange is a decoded change waiting to be applied.
type incomingChange struct {
	hash   format.ChangeHash
	author []byte
	c      *graphChange
}

func (g *ChangeGraph) applyChunks(data []byte, owned bool) error {
	chunks, err := format.SplitChunks(data)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	incoming := make([]incomingChange, 0, len(chunks))
	// The batch's changes share one allocation: a new peer's first
	// message brings a whole document.
	block := make([]graphChange, len(chunks))
	for i, ch := range chunks {
		if ch.Type == format.ChunkDocument {
			doc, err := format.LazyDocumentFromChunk(ch)
			if err != nil {
				return fmt.Errorf("apply chunk %d: %w", i, err)
			}
			chs, err := doc.RebuildChangeHeaders()
			if err != nil {
				return fmt.Errorf("apply chunk %d: %w", i, err)
			}
			docBlock := make([]graphChange, len(chs))
			for k, c := range chs {
				docBlock[k] = graphChange{raw: c.Raw, deps: c.Deps, seq: c.Seq}
				in := incomingChange{hash: c.Hash, c: &docBlock[k]}
				if len(c.Actors) > 0 {
					in.author = c.Actors[0]
				}
				incoming = append(incoming, in)
			}
			continue
		}
		h, err := format.ReadChangeHeader(ch, owned)
		if err != nil {
			return fmt.Errorf("apply chunk %d: %w", i, err)
		}
		gc := &block[i]
		gc.raw, gc.seq = h.Raw, h.Seq
		if h.NumDeps() == 1 {
			// The usual case, kept inline as parent is.
			gc.dep[0] = h.Dep(0)
			gc.deps = gc.dep[:]
		} else if h.NumDeps() > 1 {
			gc.deps = h.AppendDeps(make([]format.ChangeHash, 0, h.NumDeps()))
		}
		incoming = append(incoming, incomingChange{h.Hash, h.Author, gc})
	}
	g.reserve(len(incoming))
	for _, in := range incoming {
		if _, ok := g.applied[in.hash]; ok {
			continue
		}
		// Numbered only now: a batch that does not decode adds no actor.
		in.c.actor = g.actorNumber(in.author)
		if g.link(in.c) {
			// The usual case: changes arrive after their dependencies.
			delete(g.queue, in.hash) // an earlier copy may be waiting
			g.apply(in.hash, in.c)
			continue
		}
		if g.queue == nil {
			g.queue = map[format.ChangeHash]*graphChange{}
		}
		g.queue[in.hash] = in.c
	}
	if len(g.queue) > 0 {
		g.drainQueue()
	}
	return nil
}

// reserve makes room for a batch of n changes at once rather than step
// by step: for eight or more, the order grows once, and the index of an
// empty graph (a document loaded or fetched whole) is made at its size.
func (g *ChangeGraph) reserve(n int) {
	if n < 8 {
		return
	}
	if len(g.applied) == 0 {
		g.applied = make(map[format.ChangeHash]*graphChange, n)
	}
	g.order = slices.Grow(g.order, n)
}

// link points c at its applied dependencies and reports whether all of
// them are applied; each is looked up once, for the check and the link.
func (g *ChangeGraph) link(c *graphChange) bool {
	switch len(c.deps) {
	case 0:
		c.parents = nil
		return true
	case 1:
		p := g.applied[c.deps[0]]
		if p == nil {
			return false
		}
		c.parent[0] = p
		c.parents = c.parent[:]
		return true
	}
	parents := make([]*graphChange, len(c.deps))
	for i, d := range c.deps {
		if parents[i] = g.applied[d]; parents[i] == nil {
			return false
		}
	}
	c.parents = parents
	return true
}

// apply adds change c, with hash h, once link has found every dependency.
func (g *ChangeGraph) apply(h format.ChangeHash, c *graphChange) {
	c.index = len(g.order)
	g.applied[h] = c
	g.order = append(g.order, h)
	g.bytes += len(c.raw)
	g.clocks.add(g, c)
	for _, d := range c.deps {
		delete(g.heads, d)
	}
	g.heads[h] = struct{}{}
	g.sorted = nil
}

// drainQueue applies queued changes whose dependencies are all applied,
// and then those they unblock, until none is left that can be.
func (g *ChangeGraph) drainQueue() {
	waiting := map[format.ChangeHash][]format.ChangeHash{}
	var ready []format.ChangeHash
	for h, c := range g.queue {
		blocked := false
		for _, d := range c.deps {
			if !g.HasChange(d) {
				waiting[d] = append(waiting[d], h)
				blocked = true
			}
		}
		if !blocked {
			ready = append(ready, h)
		}
	}
	// Map order is random; sorting makes the application order, and so
	// everything derived from it, the same on every run.
	slices.SortFunc(ready, compareHash)
	for len(ready) > 0 {
		h := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		c := g.queue[h]
		if c == nil || !g.link(c) {
			continue
		}
		delete(g.queue, h)
		g.apply(h, c)
		ready = append(ready, waiting[h]...)
		delete(waiting, h)
	}
	if len(g.queue) == 0 {
		g.queue = nil // a map keeps its size once grown; most graphs wait for nothing
	}
}
