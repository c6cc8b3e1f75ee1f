package syncproto

import (
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// ChangeGraph is a Graph over raw change chunks and nothing else. It is a
// full sync peer for anything that stores and forwards Automerge changes
// without reading them (a relay, a test harness), and the reference the
// protocol is tested with. It is not safe for concurrent use.
type ChangeGraph struct {
	order   []format.ChangeHash // applied, dependencies first
	applied map[format.ChangeHash]*graphChange
	queue   map[format.ChangeHash]*graphChange // waiting for dependencies
	heads   map[format.ChangeHash]struct{}
}

type graphChange struct {
	raw  []byte // uncompressed change chunk
	deps []format.ChangeHash
}

var _ Graph = (*ChangeGraph)(nil)

// NewChangeGraph returns an empty graph.
func NewChangeGraph() *ChangeGraph {
	return &ChangeGraph{
		applied: map[format.ChangeHash]*graphChange{},
		queue:   map[format.ChangeHash]*graphChange{},
		heads:   map[format.ChangeHash]struct{}{},
	}
}

// Heads implements Graph.
func (g *ChangeGraph) Heads() []format.ChangeHash {
	hs := make([]format.ChangeHash, 0, len(g.heads))
	for h := range g.heads {
		hs = append(hs, h)
	}
	return sortedUnique(hs)
}

// HasChange implements Graph.
func (g *ChangeGraph) HasChange(h format.ChangeHash) bool { _, ok := g.applied[h]; return ok }

// ChangeCount implements Graph.
func (g *ChangeGraph) ChangeCount() int { return len(g.order) }

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

// HashesSince implements Graph.
func (g *ChangeGraph) HashesSince(since []format.ChangeHash) []format.ChangeHash {
	if len(since) == 0 {
		return slices.Clone(g.order)
	}
	if slices.Equal(since, g.Heads()) {
		return nil
	}
	seen := map[format.ChangeHash]struct{}{}
	stack := appendKnown(nil, g, since)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := seen[h]; ok {
			continue
		}
		seen[h] = struct{}{}
		stack = append(stack, g.applied[h].deps...)
	}
	return appendMembers(make([]format.ChangeHash, 0, len(g.order)-len(seen)), g.order, seen, false)
}

// MissingDeps implements Graph.
func (g *ChangeGraph) MissingDeps(heads []format.ChangeHash) []format.ChangeHash {
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
// changes. Nothing is applied unless every chunk decodes.
func (g *ChangeGraph) Apply(data []byte) error {
	chunks, err := format.SplitChunks(data)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	var incoming []*format.Change
	for i, ch := range chunks {
		if ch.Type == format.ChunkDocument {
			doc, err := format.DocumentFromChunk(ch)
			if err != nil {
				return fmt.Errorf("apply chunk %d: %w", i, err)
			}
			chs, err := format.ReconstructChanges(doc)
			if err != nil {
				return fmt.Errorf("apply chunk %d: %w", i, err)
			}
			incoming = append(incoming, chs...)
			continue
		}
		c, err := format.DecodeChangeHeader(ch.Bytes)
		if err != nil {
			return fmt.Errorf("apply chunk %d: %w", i, err)
		}
		incoming = append(incoming, c)
	}
	for _, c := range incoming {
		if _, ok := g.applied[c.Hash]; !ok {
			g.queue[c.Hash] = &graphChange{raw: c.Raw, deps: c.Deps}
		}
	}
	g.drainQueue()
	return nil
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
	for len(ready) > 0 {
		h := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		c := g.queue[h]
		if c == nil || !allKnown(g, c.deps) {
			continue
		}
		delete(g.queue, h)
		g.applied[h] = c
		g.order = append(g.order, h)
		for _, d := range c.deps {
			delete(g.heads, d)
		}
		g.heads[h] = struct{}{}
		ready = append(ready, waiting[h]...)
		delete(waiting, h)
	}
}
