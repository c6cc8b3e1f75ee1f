package crdt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// crdtPeer is a crdt document and its sync state, for synctest.
type crdtPeer = synctest.StatePeer[*SyncMessage, *SyncState]

func newCrdtPeer(d *Doc) *crdtPeer {
	return synctest.NewStatePeer(func() *SyncState { return NewSyncState(d) },
		func() [][32]byte { return synctest.Heads(d.Heads()) })
}

// editor makes random edits through the public API of either engine.
type editor interface {
	set(key string, v int64) error
	commit() error
}

type crdtEditor struct{ d *Doc }

func (e crdtEditor) set(key string, v int64) error { return e.d.RootMap().Set(key, v) }
func (e crdtEditor) commit() error {
	_, err := e.d.Commit("")
	return err
}

// randomEdits makes n commits of one to three map writes each, with values
// unique enough that no write is a no-op.
func randomEdits(t testing.TB, rng *rand.Rand, e editor, n int) {
	t.Helper()
	for range n {
		for range 1 + rng.IntN(3) {
			if err := e.set(fmt.Sprintf("k%d", rng.IntN(20)), rng.Int64()); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func mustFork(t testing.TB, d *Doc) *Doc {
	t.Helper()
	f, err := d.Fork()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mustSameDoc checks two synced documents: same heads, same contents.
// (Saved bytes may differ: each document's own actor is in its actor table.)
func mustSameDoc(t testing.TB, a, b *Doc) {
	t.Helper()
	if !synctest.EqualHeads(synctest.Heads(a.Heads()), synctest.Heads(b.Heads())) {
		t.Fatalf("heads differ after sync:\n%v\n%v", a.Heads(), b.Heads())
	}
	if ga, gb := a.RootMap().GoString(), b.RootMap().GoString(); ga != gb {
		t.Fatalf("contents differ after sync:\n%s\n%s", ga, gb)
	}
}

// TestSyncCrdtToCrdt syncs two crdt documents from random divergent
// histories over links that lose and duplicate messages; both must end with
// the same heads and contents within the scenario's round bound.
func TestSyncCrdtToCrdt(t *testing.T) {
	for _, c := range synctest.Scenarios {
		for seed := range uint64(6) {
			t.Run(fmt.Sprintf("%s/seed%d", c.Name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 11))
				base := New()
				randomEdits(t, rng, crdtEditor{base}, c.Shared)
				a, b := mustFork(t, base), mustFork(t, base)
				randomEdits(t, rng, crdtEditor{a}, c.Ours)
				randomEdits(t, rng, crdtEditor{b}, c.Theirs)
				st := synctest.Run(t, newCrdtPeer(a), newCrdtPeer(b), rng, c.Net)
				mustSameDoc(t, a, b)
				t.Log(st)
			})
		}
	}
}

// TestSyncStateSaveLoad resumes a sync from a saved state: the second
// session only ships what changed since.
func TestSyncStateSaveLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := New()
	randomEdits(t, rng, crdtEditor{a}, 200)
	b := New()
	pa, pb := newCrdtPeer(a), newCrdtPeer(b)
	synctest.Run(t, pa, pb, nil, synctest.Network{MaxRounds: 4})

	savedA, savedB := pa.State().Save(), pb.State().Save()
	randomEdits(t, rng, crdtEditor{a}, 3)
	for _, r := range []struct {
		p     *crdtPeer
		d     *Doc
		saved []byte
	}{{pa, a, savedA}, {pb, b, savedB}} {
		ss, err := LoadSyncState(r.d, r.saved)
		if err != nil {
			t.Fatal(err)
		}
		r.p.SetState(ss)
	}
	st := synctest.Run(t, pa, pb, nil, synctest.Network{MaxRounds: 4})
	mustSameDoc(t, a, b)
	// Three small changes and two bloom filters of three entries: well
	// under the size of the 200-change history.
	if st.Bytes > 2000 {
		t.Errorf("resumed sync sent %d bytes (%v)", st.Bytes, st)
	}
}

// TestSyncMessageAccessors checks Heads, Changes and Bytes of a message.
func TestSyncMessageAccessors(t *testing.T) {
	a := New()
	randomEdits(t, rand.New(rand.NewPCG(2, 2)), crdtEditor{a}, 3)
	sa, sb := NewSyncState(a), NewSyncState(New())
	m, ok := sa.GenerateMessage()
	if !ok {
		t.Fatal("no first message")
	}
	if got := m.Heads(); !synctest.EqualHeads(synctest.Heads(got), synctest.Heads(a.Heads())) {
		t.Fatalf("Heads() = %v, want %v", got, a.Heads())
	}
	if len(m.Changes()) != 0 {
		t.Fatalf("first message carries %d changes", len(m.Changes()))
	}
	if _, err := sb.ReceiveMessage(m.Bytes()); err != nil {
		t.Fatal(err)
	}
	reply, _ := sb.GenerateMessage()
	if _, err := sa.ReceiveMessage(reply.Bytes()); err != nil {
		t.Fatal(err)
	}
	withChanges, ok := sa.GenerateMessage()
	if !ok {
		t.Fatal("no message with changes")
	}
	got := withChanges.Changes()
	want, _ := a.Changes()
	if len(got) != len(want) {
		t.Fatalf("Changes() gave %d changes, want %d", len(got), len(want))
	}
	var nilMsg *SyncMessage
	if nilMsg.Bytes() != nil {
		t.Fatal("nil message has bytes")
	}
}

func TestSyncRejectsMalformed(t *testing.T) {
	d := New()
	for _, raw := range [][]byte{nil, {0x42}, {0x41, 0, 0, 0, 0}, {0x42, 5, 1, 2}, {0x42, 0, 0, 1, 0, 0x80}} {
		if _, err := NewSyncState(d).ReceiveMessage(raw); err == nil {
			t.Errorf("ReceiveMessage(%x) accepted", raw)
		}
	}
	for _, raw := range [][]byte{nil, {0x42}, {0x43, 2, 1}} {
		if _, err := LoadSyncState(d, raw); err == nil {
			t.Errorf("LoadSyncState(%x) accepted", raw)
		}
	}
	// A well-formed message whose change chunk is garbage.
	bad := []byte{0x42, 0, 0, 0, 1, 3, 1, 2, 3}
	if _, err := NewSyncState(d).ReceiveMessage(bad); err == nil {
		t.Error("garbage change chunk accepted")
	}
}

func FuzzReceiveMessage(f *testing.F) {
	a := New()
	randomEdits(f, rand.New(rand.NewPCG(3, 3)), crdtEditor{a}, 4)
	sa := NewSyncState(a)
	m, _ := sa.GenerateMessage()
	f.Add(m.Bytes())
	sb := NewSyncState(New())
	sb.ReceiveMessage(m.Bytes())
	r, _ := sb.GenerateMessage()
	sa.ReceiveMessage(r.Bytes())
	m2, _ := sa.GenerateMessage()
	f.Add(m2.Bytes())
	f.Fuzz(func(t *testing.T, raw []byte) {
		d := New()
		ss := NewSyncState(d)
		if _, err := ss.ReceiveMessage(raw); err != nil {
			return
		}
		ss.GenerateMessage()
	})
}

func FuzzLoadSyncState(f *testing.F) {
	f.Add([]byte{0x43, 0})
	f.Add(append([]byte{0x43, 1}, make([]byte, 32)...))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ss, err := LoadSyncState(New(), raw)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(raw, ss.Save()) {
			t.Fatalf("saved state %x is not a prefix of %x", ss.Save(), raw)
		}
		ss.GenerateMessage()
	})
}

// TestSyncSendsWholeDocumentToEmptyPeer checks the newer message format:
// a peer that has nothing and advertised it gets one compressed document.
func TestSyncSendsWholeDocumentToEmptyPeer(t *testing.T) {
	a := New()
	randomEdits(t, rand.New(rand.NewPCG(4, 4)), crdtEditor{a}, 50)
	b := New()
	sa, sb := NewSyncState(a), NewSyncState(b)
	m1, _ := sa.GenerateMessage()
	if _, err := sb.ReceiveMessage(m1.Bytes()); err != nil {
		t.Fatal(err)
	}
	m2, _ := sb.GenerateMessage()
	if _, err := sa.ReceiveMessage(m2.Bytes()); err != nil {
		t.Fatal(err)
	}
	m3, ok := sa.GenerateMessage()
	if !ok {
		t.Fatal("no message with the document")
	}
	raw := m3.Bytes()
	if raw[0] != 0x43 || len(m3.msg.Changes) != 1 || m3.msg.Changes[0][8] != 0 {
		t.Fatalf("want a 0x43 message with one document chunk, got type 0x%02x with %d chunks", raw[0], len(m3.msg.Changes))
	}
	all, _ := a.Changes()
	if len(raw) >= len(SaveChanges(all)) {
		t.Errorf("whole-document message (%d bytes) is no smaller than the changes (%d bytes)", len(raw), len(SaveChanges(all)))
	}
	if _, err := sb.ReceiveMessage(raw); err != nil {
		t.Fatal(err)
	}
	mustSameDoc(t, a, b)
}
