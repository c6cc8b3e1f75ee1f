package syncproto

import (
	"math/rand/v2"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// exchange delivers one message from (g, s) to (g2, s2) and reports
// whether there was one.
func exchange(t *testing.T, g Graph, s *State, g2 Graph, s2 *State) (*Message, bool) {
	t.Helper()
	m, ok := Generate(g, s)
	if !ok {
		return nil, false
	}
	decoded, err := DecodeMessage(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := Receive(g2, s2, decoded); err != nil {
		t.Fatal(err)
	}
	return decoded, true
}

func TestGenerateSuppressedWhileInFlight(t *testing.T) {
	a, _ := divergent(t, rand.New(rand.NewPCG(1, 1)), 5, 0, 0)
	s := NewState()
	if _, ok := Generate(a, s); !ok {
		t.Fatal("no first message")
	}
	if m, ok := Generate(a, s); ok {
		t.Fatalf("second message while the first is in flight: %+v", m)
	}
}

func TestFirstResponseEvenWhenInSync(t *testing.T) {
	a, b := divergent(t, rand.New(rand.NewPCG(2, 2)), 10, 0, 0)
	sa, sb := NewState(), NewState()
	if _, ok := exchange(t, a, sa, b, sb); !ok {
		t.Fatal("no first message")
	}
	m, ok := Generate(b, sb)
	if !ok {
		t.Fatal("no reply: the peer must learn our heads")
	}
	if len(m.Changes) != 0 {
		t.Fatalf("reply carries %d chunks though both are in sync", len(m.Changes))
	}
}

func TestFlagsOnFirstMessageOnly(t *testing.T) {
	a, b := divergent(t, rand.New(rand.NewPCG(3, 3)), 10, 5, 5)
	sa, sb := NewState(), NewState()
	m1, _ := exchange(t, a, sa, b, sb)
	if !m1.HasFlags() || m1.FlagBits() != FlagSupportsSyncReset || m1.Type != TypeV1 {
		t.Fatalf("first message: type 0x%02x flags %x", m1.Type, m1.Flags)
	}
	m2, _ := exchange(t, b, sb, a, sa)
	if m2.Type != TypeV2 {
		t.Fatalf("reply to a flagged peer is type 0x%02x, want 0x43", m2.Type)
	}
	m3, _ := exchange(t, a, sa, b, sb)
	if m3.HasFlags() {
		t.Fatal("flags sent again")
	}
}

// A peer whose filter is relative to a sync we have no record of (we lost
// data) is asked to start over; the sync then completes.
func TestResetWhenPeerRemembersUnknownSync(t *testing.T) {
	a, _ := divergent(t, rand.New(rand.NewPCG(4, 4)), 30, 0, 0)
	saved := &State{SharedHeads: a.Heads()}
	sa, err := DecodeState(saved.Encode())
	if err != nil {
		t.Fatal(err)
	}
	empty := NewChangeGraph()
	se := NewState()
	exchange(t, a, sa, empty, se)
	reset, ok := Generate(empty, se)
	if !ok {
		t.Fatal("no reset message")
	}
	if len(reset.Have) != 1 || len(reset.Have[0].LastSync) != 0 || reset.Have[0].Bloom.Entries != 0 || len(reset.Need) != 0 {
		t.Fatalf("not a reset message: %+v", reset)
	}
	if err := Receive(a, sa, reset); err != nil {
		t.Fatal(err)
	}
	synctest.Run(t, &protoPeer{g: a, s: sa}, &protoPeer{g: empty, s: se}, nil, synctest.Network{MaxRounds: 6})
	mustEqualHeads(t, "after reset", a.Heads(), empty.Heads())
}

// A peer that lost everything (empty heads) makes us forget what we sent
// and send it all again.
func TestPeerLostAllData(t *testing.T) {
	a, _ := divergent(t, rand.New(rand.NewPCG(5, 5)), 30, 0, 0)
	b := NewChangeGraph()
	pa, pb := newProtoPeer(a), newProtoPeer(b)
	synctest.Run(t, pa, pb, nil, synctest.Network{MaxRounds: 4})
	// b's storage is wiped but the connection (and a's state) lives on.
	pb.g = NewChangeGraph()
	pb.s = NewState()
	st := synctest.Run(t, pa, pb, nil, synctest.Network{MaxRounds: 4})
	mustEqualHeads(t, "after data loss", a.Heads(), pb.g.Heads())
	if st.Reconnects != 0 {
		t.Fatalf("needed %d reconnects", st.Reconnects)
	}
}

func TestReadOnlyPeerGetsNoChanges(t *testing.T) {
	a, b := divergent(t, rand.New(rand.NewPCG(6, 6)), 10, 5, 0)
	sa, sb := NewState(), NewState()
	m, _ := Generate(b, sb)
	m.Flags = flagsSection(FlagReadOnly)
	if err := Receive(a, sa, m); err != nil {
		t.Fatal(err)
	}
	reply, ok := Generate(a, sa)
	if !ok {
		t.Fatal("no reply")
	}
	if len(reply.Changes) != 0 {
		t.Fatalf("sent %d chunks to a read-only peer", len(reply.Changes))
	}
}

func TestSyncResetFlagClearsSentHashes(t *testing.T) {
	s := NewState()
	s.SentHashes[format.ChangeHash{1}] = struct{}{}
	if err := Receive(NewChangeGraph(), s, &Message{Type: TypeV1, Heads: []format.ChangeHash{{9}}, Flags: flagsSection(FlagSyncReset)}); err != nil {
		t.Fatal(err)
	}
	if len(s.SentHashes) != 0 {
		t.Fatal("sync reset did not clear the sent hashes")
	}
}

// A peer holding a change whose dependencies it lacks asks for them by
// name, and gets them.
func TestNeedForMissingDependencies(t *testing.T) {
	a, _ := divergent(t, rand.New(rand.NewPCG(7, 7)), 20, 0, 0)
	order := a.HashesSince(nil)
	b := NewChangeGraph()
	if err := b.Apply(a.RawChange(order[len(order)-1])); err != nil {
		t.Fatal(err)
	}
	if b.ChangeCount() != 0 {
		t.Fatal("orphan change applied")
	}
	sa, sb := NewState(), NewState()
	exchange(t, a, sa, b, sb)
	m, _ := Generate(b, sb)
	if len(m.Need) == 0 || len(m.Have) != 0 {
		t.Fatalf("need %d, have %d; want a need and no have", len(m.Need), len(m.Have))
	}
	synctest.Run(t, &protoPeer{g: a, s: sa}, &protoPeer{g: b, s: sb}, nil, synctest.Network{MaxRounds: 6})
	mustEqualHeads(t, "after need", a.Heads(), b.Heads())
}
