package syncproto

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// peer is one side of a simulated connection.
type peer interface {
	generate() ([]byte, bool)
	receive(msg []byte) error
	heads() []format.ChangeHash
	// reconnect drops the connection state, as automerge-repo does when a
	// connection is lost: a fresh sync state for the same document.
	reconnect()
}

// protoPeer is this package driving a changeGraph.
type protoPeer struct {
	g *changeGraph
	s *State
}

func newProtoPeer(g *changeGraph) *protoPeer { return &protoPeer{g: g, s: NewState()} }

func (p *protoPeer) generate() ([]byte, bool) {
	m, ok := Generate(p.g, p.s)
	if !ok {
		return nil, false
	}
	return m.Encode(), true
}

func (p *protoPeer) receive(raw []byte) error {
	m, err := DecodeMessage(raw)
	if err != nil {
		return err
	}
	return Receive(p.g, p.s, m)
}

func (p *protoPeer) heads() []format.ChangeHash { return p.g.Heads() }
func (p *protoPeer) reconnect()                 { p.s = NewState() }

// network describes how the simulated link misbehaves.
type network struct {
	loss, dup float64 // probability a message is dropped / delivered twice
	maxRounds int     // fail past this many rounds, reconnects included
}

type syncStats struct {
	rounds, messages, bytes, reconnects int
}

// runSync exchanges messages between a and b, one from each per round,
// until both are quiet with equal heads. A quiet link with unequal heads
// (a lost message stalls the protocol) counts as a broken connection and
// both sides reconnect.
func runSync(t testing.TB, a, b peer, rng *rand.Rand, net network) syncStats {
	t.Helper()
	var st syncStats
	deliver := func(from, to peer) bool {
		msg, ok := from.generate()
		if !ok {
			return false
		}
		st.messages++
		st.bytes += len(msg)
		if rng != nil && rng.Float64() < net.loss {
			return true
		}
		copies := 1
		if rng != nil && rng.Float64() < net.dup {
			copies = 2
		}
		for range copies {
			if err := to.receive(msg); err != nil {
				t.Fatalf("round %d: receive: %v", st.rounds, err)
			}
		}
		return true
	}
	for st.rounds = 1; st.rounds <= net.maxRounds; st.rounds++ {
		sentA := deliver(a, b)
		sentB := deliver(b, a)
		if sentA || sentB {
			continue
		}
		if slices.Equal(a.heads(), b.heads()) {
			return st
		}
		st.reconnects++
		a.reconnect()
		b.reconnect()
	}
	t.Fatalf("no convergence within %d rounds (%d reconnects)\n a: %x\n b: %x",
		net.maxRounds, st.reconnects, a.heads(), b.heads())
	return st
}

// synthChange builds a change chunk with no operations: all a change
// graph needs (hash and dependencies) and a valid Automerge change.
func synthChange(actor []byte, seq, startOp uint64, deps []format.ChangeHash) []byte {
	body := appendHashes(nil, sortedUnique(slices.Clone(deps)))
	body = appendPrefixed(body, actor)
	body = appendUvarint(body, seq)
	body = appendUvarint(body, startOp)
	body = appendUvarint(body, 0) // time (sleb 0)
	body = appendUvarint(body, 0) // message
	body = appendUvarint(body, 0) // other actors
	body = appendUvarint(body, 0) // columns
	head := appendUvarint([]byte{1}, uint64(len(body)))
	sum := sha256Sum(append(head, body...))
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
func (h *synthHistory) extend(g *changeGraph, actors []string, n int) []byte {
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
		hash, _, _, _ := parseChangeChunk(raw)
		h.latest[actor] = hash
		all = append(all, raw...)
	}
	return all
}

func cloneGraph(t testing.TB, g *changeGraph) *changeGraph {
	t.Helper()
	c := newChangeGraph()
	if err := c.Apply(concatChanges(g, g.HashesSince(nil))); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustEqualHeads(t testing.TB, what string, a, b []format.ChangeHash) {
	t.Helper()
	if !slices.EqualFunc(a, b, func(x, y format.ChangeHash) bool { return bytes.Equal(x[:], y[:]) }) {
		t.Fatalf("%s: heads differ\n%x\n%x", what, a, b)
	}
}

func (s syncStats) String() string {
	return fmt.Sprintf("%d rounds, %d messages, %d bytes, %d reconnects", s.rounds, s.messages, s.bytes, s.reconnects)
}
