//go:build cgo && !js && !wasip1

package syncproto

import (
	"fmt"
	"testing"
	"time"

	"github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt/internal/format"
)

// TestWriteGoldenAutomergeGo regenerates the automerge-go golden files
// when run with -update. Without the flag it checks that the scenarios
// still produce messages that decode (the bytes differ run to run:
// actor IDs are random).
func TestWriteGoldenAutomergeGo(t *testing.T) {
	emit := func(name string, raw []byte, facts goldenFacts) {
		facts.Producer = "automerge-go"
		if *updateGolden {
			writeGolden(t, "automerge-go-"+name, raw, facts)
			return
		}
		var err error
		if facts.Kind == "state" {
			_, err = DecodeState(raw)
		} else {
			_, err = DecodeMessage(raw)
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	message := func(name string, m *automerge.SyncMessage) {
		raw := m.Bytes()
		var hashes []string
		for _, c := range m.Changes() {
			hashes = append(hashes, c.Hash().String())
		}
		emit(name, raw, goldenFacts{Kind: "message", Type: int(TypeV1), Heads: amHex(m.Heads()), ChangeHashes: hashes})
	}
	state := func(name string, s *automerge.SyncState, heads []automerge.ChangeHash) {
		emit(name, s.Save(), goldenFacts{Kind: "state", SharedHeads: amHex(heads)})
	}

	a := automerge.New()
	amEdit(t, a, "a", 1)
	sa := automerge.NewSyncState(a)
	state("state-empty", sa, nil)
	m1, _ := sa.GenerateMessage()
	message("first-one-change", m1)

	b := automerge.New()
	sb := automerge.NewSyncState(b)
	mustReceive(t, sb, m1.Bytes())
	m2, _ := sb.GenerateMessage()
	message("reply-from-empty-needs-head", m2)
	mustReceive(t, sa, m2.Bytes())
	m3, _ := sa.GenerateMessage()
	message("changes-one", m3)

	// A longer shared history, then divergence: blooms with many entries,
	// several changes per message, and saved states with shared heads.
	for i := range 40 {
		amEdit(t, a, fmt.Sprintf("k%d", i%7), int64(i))
	}
	amSync(t, a, b, sa, sb)
	state("state-after-sync", sa, a.Heads())
	for i := range 25 {
		amEdit(t, a, fmt.Sprintf("a%d", i), int64(i))
		amEdit(t, b, fmt.Sprintf("b%d", i), int64(i))
	}
	ma, _ := sa.GenerateMessage()
	message("bloom-25-since-shared", ma)
	mustReceive(t, sb, ma.Bytes())
	mb, _ := sb.GenerateMessage()
	message("bloom-and-25-changes", mb)
	mustReceive(t, sa, mb.Bytes())
	amSync(t, a, b, sa, sb)
	synced := a.Heads()
	if err := amMergeHeads(a); err != nil {
		t.Fatal(err)
	}

	// A peer that has a change but not its dependency asks for it.
	c := automerge.New()
	head, err := a.Change(a.Heads()[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(head); err != nil {
		t.Fatal(err)
	}
	sc := automerge.NewSyncState(c)
	sa2 := automerge.NewSyncState(a)
	mA, _ := sa2.GenerateMessage()
	mustReceive(t, sc, mA.Bytes())
	mC, _ := sc.GenerateMessage()
	message("need-missing-deps", mC)

	// A peer that remembers a sync we know nothing of gets a reset request.
	lost := automerge.New()
	sl, err := automerge.LoadSyncState(lost, sa.Save())
	if err != nil {
		t.Fatal(err)
	}
	state("state-loaded", sl, synced)
	sKnown, err := automerge.LoadSyncState(a, sa.Save())
	if err != nil {
		t.Fatal(err)
	}
	mKnown, _ := sKnown.GenerateMessage()
	message("have-last-sync", mKnown)
	empty := automerge.New()
	sEmpty := automerge.NewSyncState(empty)
	mustReceive(t, sEmpty, mKnown.Bytes())
	mReset, ok := sEmpty.GenerateMessage()
	if !ok {
		t.Fatal("no reset message")
	}
	message("reset-request", mReset)
}

func amHex(hs []automerge.ChangeHash) []string {
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.String())
	}
	return out
}

func toFormat(hs []automerge.ChangeHash) []format.ChangeHash {
	out := make([]format.ChangeHash, len(hs))
	for i, h := range hs {
		out[i] = format.ChangeHash(h)
	}
	return out
}

func amEdit(t testing.TB, d *automerge.Doc, key string, v int64) {
	t.Helper()
	if err := d.RootMap().Set(key, v); err != nil {
		t.Fatal(err)
	}
	ts := time.UnixMilli(1_700_000_000_000 + v%1_000_000)
	if _, err := d.Commit("", automerge.CommitOptions{Time: &ts}); err != nil {
		t.Fatal(err)
	}
}

func amMergeHeads(d *automerge.Doc) error {
	ts := time.UnixMilli(1_700_000_000_000)
	_, err := d.Commit("merge", automerge.CommitOptions{AllowEmpty: true, Time: &ts})
	return err
}

func mustReceive(t testing.TB, s *automerge.SyncState, raw []byte) {
	t.Helper()
	if _, err := s.ReceiveMessage(raw); err != nil {
		t.Fatal(err)
	}
}

// amSync runs automerge-go against itself until both are quiet.
func amSync(t testing.TB, a, b *automerge.Doc, sa, sb *automerge.SyncState) {
	t.Helper()
	for range 50 {
		ma, okA := sa.GenerateMessage()
		if okA {
			mustReceive(t, sb, ma.Bytes())
		}
		mb, okB := sb.GenerateMessage()
		if okB {
			mustReceive(t, sa, mb.Bytes())
		}
		if !okA && !okB {
			return
		}
	}
	t.Fatal("automerge-go did not converge in 50 rounds")
}
