package syncproto

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// changeGraph is a Graph over raw change chunks and nothing else: enough
// to play a full sync peer against automerge-go without an op set.
type changeGraph struct {
	order   []format.ChangeHash // applied, dependencies first
	applied map[format.ChangeHash]*graphChange
	queue   map[format.ChangeHash]*graphChange // waiting for dependencies
	heads   map[format.ChangeHash]struct{}
}

type graphChange struct {
	raw  []byte
	deps []format.ChangeHash
}

var _ Graph = (*changeGraph)(nil)

func newChangeGraph() *changeGraph {
	return &changeGraph{
		applied: map[format.ChangeHash]*graphChange{},
		queue:   map[format.ChangeHash]*graphChange{},
		heads:   map[format.ChangeHash]struct{}{},
	}
}

func (g *changeGraph) Heads() []format.ChangeHash {
	hs := make([]format.ChangeHash, 0, len(g.heads))
	for h := range g.heads {
		hs = append(hs, h)
	}
	return sortedUnique(hs)
}

func (g *changeGraph) HasChange(h format.ChangeHash) bool { _, ok := g.applied[h]; return ok }
func (g *changeGraph) ChangeCount() int                   { return len(g.order) }
func (g *changeGraph) Deps(h format.ChangeHash) []format.ChangeHash {
	if c := g.applied[h]; c != nil {
		return c.deps
	}
	return nil
}

func (g *changeGraph) RawChange(h format.ChangeHash) []byte {
	if c := g.applied[h]; c != nil {
		return c.raw
	}
	return nil
}

func (g *changeGraph) HashesSince(since []format.ChangeHash) []format.ChangeHash {
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
	return appendMembers(nil, g.order, seen, false)
}

func (g *changeGraph) MissingDeps(heads []format.ChangeHash) []format.ChangeHash {
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

func (g *changeGraph) Apply(chunks []byte) error {
	for len(chunks) > 0 {
		h, c, rest, err := parseChangeChunk(chunks)
		if err != nil {
			return err
		}
		chunks = rest
		if _, ok := g.applied[h]; !ok {
			g.queue[h] = c
		}
	}
	for progress := true; progress; {
		progress = false
		for h, c := range g.queue {
			if !allKnown(g, c.deps) {
				continue
			}
			delete(g.queue, h)
			g.applied[h] = c
			g.order = append(g.order, h)
			for _, d := range c.deps {
				delete(g.heads, d)
			}
			g.heads[h] = struct{}{}
			progress = true
		}
	}
	return nil
}

var errNotChange = errors.New("not an uncompressed change chunk")

// parseChangeChunk reads one uncompressed change chunk: its hash and its
// dependencies, which open the chunk's contents.
func parseChangeChunk(b []byte) (format.ChangeHash, *graphChange, []byte, error) {
	if len(b) < 10 || b[0] != 0x85 || b[1] != 0x6f || b[2] != 0x4a || b[3] != 0x83 || b[8] != 1 {
		return format.ChangeHash{}, nil, nil, errNotChange
	}
	n, k := binary.Uvarint(b[9:])
	if k <= 0 || n > uint64(len(b)-9-k) {
		return format.ChangeHash{}, nil, nil, fmt.Errorf("%w: bad length", errNotChange)
	}
	end := 9 + k + int(n)
	raw := b[:end:end]
	r := reader{buf: b[9+k : end]}
	deps, err := r.hashes()
	if err != nil {
		return format.ChangeHash{}, nil, nil, err
	}
	return sha256Sum(raw[8:]), &graphChange{raw: raw, deps: deps}, b[end:], nil
}

func sha256Sum(b []byte) format.ChangeHash { return sha256.Sum256(b) }
