package syncproto

import (
	"crypto/sha256"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// protoPeer is this package driving a changeGraph.
type protoPeer struct {
	g *ChangeGraph
	s *State
}

func newProtoPeer(g *ChangeGraph) *protoPeer { return &protoPeer{g: g, s: NewState()} }

func (p *protoPeer) Generate() ([]byte, bool) {
	m, ok := Generate(p.g, p.s)
	if !ok {
		return nil, false
	}
	return m.Encode(), true
}

func (p *protoPeer) Receive(raw []byte) error {
	m, err := DecodeMessage(raw)
	if err != nil {
		return err
	}
	return Receive(p.g, p.s, m)
}

func (p *protoPeer) Heads() [][32]byte { return synctest.Heads(p.g.Heads()) }
func (p *protoPeer) Reconnect()        { p.s = NewState() }

// synthChange builds a change chunk with no operations: all a change
// graph needs (hash and dependencies) and a valid Automerge change.
func synthChange(actor []byte, seq, startOp uint64, deps []format.ChangeHash) []byte {
	body := appendHashes(nil, sortedUnique(slices.Clone(deps)))
	body = appendPrefixed(body, actor)
	body = format.AppendUleb(body, seq)
	body = format.AppendUleb(body, startOp)
	body = format.AppendUleb(body, 0) // time (sleb 0)
	body = format.AppendUleb(body, 0) // message
	body = format.AppendUleb(body, 0) // other actors
	body = format.AppendUleb(body, 0) // columns
	head := format.AppendUleb([]byte{1}, uint64(len(body)))
	sum := sha256.Sum256(append(head, body...))
	chunk := []byte{0x85, 0x6f, 0x4a, 0x83, sum[0], sum[1], sum[2], sum[3]}
	return append(append(chunk, head...), body...)
}

// synthHistory writes random histories: actors extend their own chains,
// sometimes depending on the other actors' latest changes (merges).
type synthHistory struct {
	rng    *rand.Rand
	seqs   map[string]uint64
	latest map[string]format.ChangeHash
}

func newSynthHistory(rng *rand.Rand) *synthHistory {
	return &synthHistory{rng: rng, seqs: map[string]uint64{}, latest: map[string]format.ChangeHash{}}
}

// extend adds n changes to g, authored by the given actors, and returns
// their chunks concatenated.
func (h *synthHistory) extend(g *ChangeGraph, actors []string, n int) []byte {
	var all []byte
	for range n {
		actor := actors[h.rng.IntN(len(actors))]
		var deps []format.ChangeHash
		if last, ok := h.latest[actor]; ok {
			deps = append(deps, last)
		}
		if h.rng.IntN(4) == 0 {
			deps = append(deps, g.Heads()...)
		}
		deps = appendKnown(nil, g, deps)
		h.seqs[actor]++
		raw := synthChange([]byte(actor), h.seqs[actor], h.seqs[actor], deps)
		if err := g.Apply(raw); err != nil {
			panic(err)
		}
		c, err := format.DecodeChangeHeader(raw)
		if err != nil {
			panic(err)
		}
		h.latest[actor] = c.Hash
		all = append(all, raw...)
	}
	return all
}

func cloneGraph(t testing.TB, g *ChangeGraph) *ChangeGraph {
	t.Helper()
	c := NewChangeGraph()
	if err := c.Apply(concatChanges(g, g.HashesSince(nil))); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustEqualHeads(t testing.TB, what string, a, b []format.ChangeHash) {
	t.Helper()
	if !synctest.EqualHeads(synctest.Heads(a), synctest.Heads(b)) {
		t.Fatalf("%s: heads differ\n%x\n%x", what, a, b)
	}
}
