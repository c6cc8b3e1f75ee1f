package syncproto

import (
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// TestOneExchangeResend replays what a relay answering over HTTP meets:
// it keeps nothing of a peer between exchanges but the changes it could
// apply. The peer has two changes of its own, b1 then b2; a bloom
// filter's false positive hides b1 when the peer sends them, so the relay
// gets b2 without its dependency, cannot apply it, and forgets it with
// the exchange. Asked for b1 next, the peer sends it, and then the relay
// lacks b2, which the peer counts as delivered. Only when the relay's
// first answer asks the peer to forget what it sent (OneExchange) does
// the peer send b2 again.
func TestOneExchangeResend(t *testing.T) {
	x := synthChange([]byte("x"), 1, 1, nil)
	hx := chunkHashOf(t, x)
	b1 := synthChange([]byte("b"), 1, 2, []format.ChangeHash{hx})
	h1 := chunkHashOf(t, b1)
	b2 := synthChange([]byte("b"), 2, 3, []format.ChangeHash{h1})
	h2 := chunkHashOf(t, b2)

	tests := []struct {
		name        string
		oneExchange bool
		want        bool // the relay ends with every change
	}{
		{"relay asks for a reset", true, true},
		{"relay does not", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer := NewChangeGraph()
			if err := peer.Apply(slices.Concat(x, b1, b2)); err != nil {
				t.Fatal(err)
			}
			ps := NewState()
			stored := slices.Clone(x) // what the relay's store holds
			hidden := false
			for range 8 {
				out, ok := Generate(peer, ps)
				if !ok {
					break
				}
				if !hidden && slices.ContainsFunc(out.Changes, func(c []byte) bool { return string(c) == string(b1) }) {
					// The false positive: b1 stays behind, as if the
					// relay's filter had claimed it.
					out.Changes = slices.DeleteFunc(out.Changes, func(c []byte) bool { return string(c) == string(b1) })
					delete(ps.SentHashes, h1)
					hidden = true
				}
				relay := NewChangeGraph()
				if err := relay.Apply(stored); err != nil {
					t.Fatal(err)
				}
				rs := NewState()
				rs.Quiet, rs.OneExchange = true, tt.oneExchange
				in, err := DecodeMessage(out.Encode())
				if err != nil {
					t.Fatal(err)
				}
				if err := Receive(relay, rs, in); err != nil {
					t.Fatal(err)
				}
				stored = relay.Concat(relay.AppliedFrom(0))
				if reply, ok := Generate(relay, rs); ok {
					back, err := DecodeMessage(reply.Encode())
					if err != nil {
						t.Fatal(err)
					}
					if err := Receive(peer, ps, back); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !hidden {
				t.Fatal("the peer never sent b1 and b2 together")
			}
			final := NewChangeGraph()
			if err := final.Apply(stored); err != nil {
				t.Fatal(err)
			}
			if got := final.HasChange(h2) && final.HasChange(h1); got != tt.want {
				t.Fatalf("relay holds every change: %v, want %v", got, tt.want)
			}
		})
	}
}
