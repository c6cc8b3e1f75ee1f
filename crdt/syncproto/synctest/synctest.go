// Package synctest runs two sync peers against each other over a
// simulated link that can lose and duplicate messages. It is shared by the
// tests of syncproto and crdt so that every engine pairing (this code with
// itself, with automerge-go, with @automerge/automerge) is judged by the
// same loop and the same bounds.
package synctest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Peer is one side of a simulated connection.
type Peer interface {
	// Generate returns the next message, or false when there is none.
	Generate() ([]byte, bool)
	Receive(msg []byte) error
	// Heads returns the document's heads, sorted.
	Heads() [][32]byte
	// Reconnect drops the connection state, as automerge-repo does when a
	// connection is lost: a fresh sync state for the same document.
	Reconnect()
}

// Network describes how the simulated link misbehaves.
type Network struct {
	Loss, Dup float64 // probability a message is dropped / delivered twice
	MaxRounds int     // fail past this many rounds, reconnects included
}

// Stats counts what went over the link.
type Stats struct {
	Rounds, Messages, Bytes, Reconnects int
}

func (s Stats) String() string {
	return fmt.Sprintf("%d rounds, %d messages, %d bytes, %d reconnects", s.Rounds, s.Messages, s.Bytes, s.Reconnects)
}

// Run exchanges messages between a and b, one from each per round (a
// first), until both are quiet with equal heads, and fails t if that takes
// more than net.MaxRounds rounds. A quiet link with unequal heads (a lost
// message stalls the protocol) counts as a broken connection: both sides
// reconnect. rng may be nil for a perfect link.
func Run(t testing.TB, a, b Peer, rng *rand.Rand, net Network) Stats {
	t.Helper()
	var st Stats
	deliver := func(from, to Peer) bool {
		msg, ok := from.Generate()
		if !ok {
			return false
		}
		st.Messages++
		st.Bytes += len(msg)
		if rng != nil && rng.Float64() < net.Loss {
			return true
		}
		copies := 1
		if rng != nil && rng.Float64() < net.Dup {
			copies = 2
		}
		for range copies {
			if err := to.Receive(msg); err != nil {
				t.Fatalf("round %d: receive: %v", st.Rounds, err)
			}
		}
		return true
	}
	for st.Rounds = 1; st.Rounds <= net.MaxRounds; st.Rounds++ {
		sentA := deliver(a, b)
		sentB := deliver(b, a)
		if sentA || sentB {
			continue
		}
		if EqualHeads(a.Heads(), b.Heads()) {
			return st
		}
		st.Reconnects++
		a.Reconnect()
		b.Reconnect()
	}
	t.Fatalf("no convergence within %d rounds (%d reconnects)\n a: %x\n b: %x",
		net.MaxRounds, st.Reconnects, a.Heads(), b.Heads())
	return st
}

// EqualHeads compares two sorted head lists.
func EqualHeads(a, b [][32]byte) bool {
	return slices.EqualFunc(a, b, func(x, y [32]byte) bool { return bytes.Equal(x[:], y[:]) })
}

// Heads converts any slice of 32-byte hashes to [][32]byte.
func Heads[H ~[32]byte](hs []H) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = [32]byte(h)
	}
	return out
}

// Scenario is one shape of divergence: a shared history, then changes on
// each side, synced over a given link.
type Scenario struct {
	Name                 string
	Shared, Ours, Theirs int
	Net                  Network
}

// Scenarios are the shapes every engine pairing is tested with. The round
// bounds are Automerge's: a few rounds on a perfect link, more when
// messages are lost (each loss costs a reconnect).
var Scenarios = []Scenario{
	{"both empty", 0, 0, 0, Network{MaxRounds: 3}},
	{"to empty peer", 0, 30, 0, Network{MaxRounds: 4}},
	{"from empty peer", 0, 0, 30, Network{MaxRounds: 4}},
	{"identical", 40, 0, 0, Network{MaxRounds: 3}},
	{"divergent", 100, 15, 20, Network{MaxRounds: 6}},
	{"mostly new", 10, 60, 5, Network{MaxRounds: 6}},
	{"divergent with loss", 100, 15, 20, Network{Loss: 0.2, MaxRounds: 60}},
	{"divergent with duplicates", 100, 15, 20, Network{Dup: 0.3, MaxRounds: 10}},
	{"lossy and duplicating", 60, 25, 25, Network{Loss: 0.15, Dup: 0.2, MaxRounds: 60}},
}
