// Package enginetest is the contract every docsync.Engine must pass: the
// automerge-go engine now, the pure-Go crdt engine later. Run it from the
// engine's own tests with a Harness that can write and read one string
// field, the least an engine-neutral suite needs to make changes.
//
// The golden files under testdata were made by @automerge/automerge 3.5
// (scripts/js/relay/gen-engine-golden.mjs): engines must read what stock
// JavaScript peers write.
package enginetest

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
)

//go:embed testdata
var golden embed.FS

// Harness adapts one engine to the suite.
type Harness struct {
	Engine docsync.Engine
	// Put sets the root map's key to value and commits the change.
	Put func(d docsync.Doc, key, value string) error
	// Get reads the root map's string at key.
	Get func(d docsync.Doc, key string) (string, error)
}

// maxRounds bounds every sync loop: two peers converge in a handful of
// rounds, so hitting it means the engine never stops talking.
const maxRounds = 50

// Run runs the whole contract against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"EmptyDocument", testEmptyDocument},
		{"SaveLoadRoundTrip", testSaveLoadRoundTrip},
		{"IncrementalChunks", testIncrementalChunks},
		{"ChunksOutOfOrder", testChunksOutOfOrder},
		{"LoadSetsBaseline", testLoadSetsBaseline},
		{"BadDocumentBytes", testBadDocumentBytes},
		{"SyncConverges", testSyncConverges},
		{"SyncAfterReset", testSyncAfterReset},
		{"FreshStateAnswersPeerInSync", testFreshStateAnswersPeerInSync},
		{"BadSyncBytes", testBadSyncBytes},
		{"GoldenDocument", testGoldenDocument},
		{"GoldenSyncMessages", testGoldenSyncMessages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func testEmptyDocument(t *testing.T, h Harness) {
	d := h.Engine.New()
	if hs := d.Heads(); len(hs) != 0 {
		t.Fatalf("new doc heads = %v, want none", hs)
	}
	if inc := d.SaveIncremental(); len(inc) != 0 {
		t.Errorf("new doc SaveIncremental = %d bytes, want 0", len(inc))
	}
	saved := d.Save()
	if len(saved) == 0 {
		t.Fatal("Save of an empty doc returned no bytes")
	}
	back, err := h.Engine.Load(saved)
	if err != nil {
		t.Fatalf("load saved empty doc: %v", err)
	}
	if hs := back.Heads(); len(hs) != 0 {
		t.Errorf("reloaded empty doc heads = %v", hs)
	}
}

func testSaveLoadRoundTrip(t *testing.T, h Harness) {
	d := h.Engine.New()
	mustPut(t, h, d, "title", "hello")
	mustPut(t, h, d, "title", "world")
	back, err := h.Engine.Load(d.Save())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	sameHeads(t, back.Heads(), d.Heads())
	if got := mustGet(t, h, back, "title"); got != "world" {
		t.Errorf("title = %q, want world", got)
	}
}

func testIncrementalChunks(t *testing.T, h Harness) {
	d := h.Engine.New()
	mustPut(t, h, d, "a", "1")
	base := d.Save()
	var chunks [][]byte
	for i := range 3 {
		mustPut(t, h, d, fmt.Sprintf("k%d", i), "v")
		c := d.SaveIncremental()
		if len(c) == 0 {
			t.Fatalf("SaveIncremental after change %d is empty", i)
		}
		chunks = append(chunks, c)
	}
	if c := d.SaveIncremental(); len(c) != 0 {
		t.Errorf("second SaveIncremental without changes = %d bytes", len(c))
	}
	back, err := h.Engine.Load(base)
	if err != nil {
		t.Fatalf("load base: %v", err)
	}
	// Twice: chunks are sets of changes.
	for _, i := range []int{0, 1, 0, 2, 2} {
		if err := back.LoadIncremental(chunks[i]); err != nil {
			t.Fatalf("load chunk %d: %v", i, err)
		}
	}
	sameHeads(t, back.Heads(), d.Heads())
	// A whole saved document is also a valid chunk for a fresh doc.
	fresh := h.Engine.New()
	if err := fresh.LoadIncremental(d.Save()); err != nil {
		t.Fatalf("LoadIncremental of a Save: %v", err)
	}
	sameHeads(t, fresh.Heads(), d.Heads())
}

// testChunksOutOfOrder: the relay has the engine merge what each sync
// message brings, and a peer may send a change before one it depends on
// (a bloom filter's false positive hid the first from it). Into a document
// with history, the engine must hold such a change back, not refuse it,
// and take it in once its dependency arrives. (Into an empty document a
// chunk is a load, which may refuse a missing history; a peer that has
// nothing is sent every change, so the relay never needs that.)
func testChunksOutOfOrder(t *testing.T, h Harness) {
	d := h.Engine.New()
	mustPut(t, h, d, "base", "v")
	base := d.Save()
	d.SaveIncremental()
	var chunks [][]byte
	for i := range 3 {
		mustPut(t, h, d, fmt.Sprintf("k%d", i), "v")
		chunks = append(chunks, d.SaveIncremental())
	}
	back, err := h.Engine.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{2, 1, 0} {
		if err := back.LoadIncremental(chunks[i]); err != nil {
			t.Fatalf("chunk %d before its dependencies: %v", i, err)
		}
	}
	sameHeads(t, back.Heads(), d.Heads())
}

func testLoadSetsBaseline(t *testing.T, h Harness) {
	d := h.Engine.New()
	mustPut(t, h, d, "a", "1")
	back, err := h.Engine.Load(d.Save())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if c := back.SaveIncremental(); len(c) != 0 {
		t.Errorf("SaveIncremental right after Load = %d bytes, want 0", len(c))
	}
	mustPut(t, h, back, "b", "2")
	if c := back.SaveIncremental(); len(c) == 0 {
		t.Error("SaveIncremental after a change following Load is empty")
	}
}

func testBadDocumentBytes(t *testing.T, h Harness) {
	cases := map[string][]byte{
		"empty":      {},
		"garbage":    []byte("not an automerge document"),
		"magic only": {0x85, 0x6f, 0x4a, 0x83},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := h.Engine.Load(in); !errors.Is(err, docsync.ErrBadDocument) {
				t.Errorf("Load = %v, want ErrBadDocument", err)
			}
			d := h.Engine.New()
			if err := d.LoadIncremental(in); !errors.Is(err, docsync.ErrBadDocument) {
				t.Errorf("LoadIncremental into an empty doc = %v, want ErrBadDocument", err)
			}
			full := h.Engine.New()
			mustPut(t, h, full, "a", "1")
			if err := full.LoadIncremental(in); !errors.Is(err, docsync.ErrBadDocument) {
				t.Errorf("LoadIncremental into a doc with content = %v, want ErrBadDocument", err)
			}
		})
	}
}

// syncPair runs the sync protocol between a and b until neither has
// anything to say.
func syncPair(t *testing.T, a, b docsync.SyncState) {
	t.Helper()
	for range maxRounds {
		ma, oka := a.Generate()
		if oka {
			if err := b.Receive(ma); err != nil {
				t.Fatalf("b receive: %v", err)
			}
		}
		mb, okb := b.Generate()
		if okb {
			if err := a.Receive(mb); err != nil {
				t.Fatalf("a receive: %v", err)
			}
		}
		if !oka && !okb {
			return
		}
	}
	t.Fatalf("sync did not quiesce in %d rounds", maxRounds)
}

func testSyncConverges(t *testing.T, h Harness) {
	a, b := h.Engine.New(), h.Engine.New()
	mustPut(t, h, a, "from-a", "1")
	mustPut(t, h, b, "from-b", "2")
	syncPair(t, a.NewSyncState(), b.NewSyncState())
	sameHeads(t, a.Heads(), b.Heads())
	if len(a.Heads()) != 2 {
		t.Errorf("heads after merging two concurrent changes = %d, want 2", len(a.Heads()))
	}
	for _, d := range []docsync.Doc{a, b} {
		if mustGet(t, h, d, "from-a") != "1" || mustGet(t, h, d, "from-b") != "2" {
			t.Error("merged doc lacks a field")
		}
	}
}

// testSyncAfterReset is the relay's rejoin: one side keeps its state, the
// other starts over, and changes still flow both ways.
func testSyncAfterReset(t *testing.T, h Harness) {
	a, b := h.Engine.New(), h.Engine.New()
	mustPut(t, h, a, "x", "1")
	sa, sb := a.NewSyncState(), b.NewSyncState()
	syncPair(t, sa, sb)
	mustPut(t, h, b, "y", "2")
	mustPut(t, h, a, "z", "3")
	syncPair(t, sa, b.NewSyncState())
	sameHeads(t, a.Heads(), b.Heads())
	if mustGet(t, h, a, "y") != "2" || mustGet(t, h, b, "z") != "3" {
		t.Error("changes lost after a sync state reset")
	}
}

// testFreshStateAnswersPeerInSync is a relay after a reconnect: both
// sides start fresh sync states, the client has nothing new, and the relay
// must still answer once, or the client never learns that the relay has
// its changes (automerge-repo clients show that as "not saved").
func testFreshStateAnswersPeerInSync(t *testing.T, h Harness) {
	server, client := h.Engine.New(), h.Engine.New()
	mustPut(t, h, client, "k", "v")
	syncPair(t, client.NewSyncState(), server.NewSyncState())
	sameHeads(t, server.Heads(), client.Heads())

	cs, ss := client.NewSyncState(), server.NewSyncState()
	first, ok := cs.Generate()
	if !ok {
		t.Fatal("a fresh client state has nothing to send")
	}
	if err := ss.Receive(first); err != nil {
		t.Fatal(err)
	}
	reply, ok := ss.Generate()
	if !ok {
		t.Fatal("a fresh server state does not answer a peer that is already in sync")
	}
	if err := cs.Receive(reply); err != nil {
		t.Fatal(err)
	}
	// Now the client knows: it has nothing more to say.
	syncPair(t, cs, ss)
	if m, ok := cs.Generate(); ok {
		t.Errorf("client still has %d bytes to send after the exchange", len(m))
	}
}

func testBadSyncBytes(t *testing.T, h Harness) {
	for name, in := range map[string][]byte{
		"empty":      {},
		"garbage":    []byte("garbage"),
		"truncated":  {0x42, 0x01},
		"wrong type": {0x99, 0x00, 0x00, 0x00},
	} {
		t.Run(name, func(t *testing.T) {
			s := h.Engine.New().NewSyncState()
			if err := s.Receive(in); !errors.Is(err, docsync.ErrBadSyncMessage) {
				t.Errorf("Receive = %v, want ErrBadSyncMessage", err)
			}
		})
	}
}

type goldenFacts struct {
	DocHeads []string `json:"docHeads"`
	Title    string   `json:"title"`
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := golden.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read golden %s: %v", name, err)
	}
	return b
}

func facts(t *testing.T) goldenFacts {
	var f goldenFacts
	if err := json.Unmarshal(readGolden(t, "golden.json"), &f); err != nil {
		t.Fatalf("golden.json: %v", err)
	}
	return f
}

func testGoldenDocument(t *testing.T, h Harness) {
	f := facts(t)
	d, err := h.Engine.Load(readGolden(t, "doc.automerge"))
	if err != nil {
		t.Fatalf("load JS-saved doc: %v", err)
	}
	if got := hexHeads(d.Heads()); fmt.Sprint(got) != fmt.Sprint(f.DocHeads) {
		t.Errorf("heads = %v, want %v", got, f.DocHeads)
	}
	if got := mustGet(t, h, d, "title"); got != f.Title {
		t.Errorf("title = %q, want %q", got, f.Title)
	}
}

// testGoldenSyncMessages feeds a JS peer's opening messages to a relay
// that has nothing yet, as a client's first sync of a new document does.
func testGoldenSyncMessages(t *testing.T, h Harness) {
	f := facts(t)
	server := h.Engine.New()
	ss := server.NewSyncState()
	if err := ss.Receive(readGolden(t, "sync-first.bin")); err != nil {
		t.Fatalf("receive JS first message: %v", err)
	}
	reply, ok := ss.Generate()
	if !ok || len(reply) == 0 {
		t.Fatal("no reply to a peer that announced heads")
	}
	// The JS peer advertises the newer message version in its first
	// message, so a reply may be a v1 message (0x42) or, from an engine
	// that speaks it, a v2 message (0x43); nothing else is a sync message.
	if reply[0] != 0x42 && reply[0] != 0x43 {
		t.Errorf("reply starts with %#x, want a sync message (0x42 or 0x43)", reply[0])
	}
	// Now play the JS peer with the golden doc in this engine.
	js, err := h.Engine.Load(readGolden(t, "doc.automerge"))
	if err != nil {
		t.Fatal(err)
	}
	syncPair(t, js.NewSyncState(), ss)
	if got := hexHeads(server.Heads()); fmt.Sprint(got) != fmt.Sprint(f.DocHeads) {
		t.Errorf("server heads = %v, want %v", got, f.DocHeads)
	}
	req := h.Engine.New().NewSyncState()
	if err := req.Receive(readGolden(t, "sync-request.bin")); err != nil {
		t.Fatalf("receive JS request message: %v", err)
	}
}

func hexHeads(hs []docsync.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

func sameHeads(t *testing.T, got, want []docsync.Hash) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("heads = %v, want %v", hexHeads(got), hexHeads(want))
	}
	for i := range got {
		if !bytes.Equal(got[i][:], want[i][:]) {
			t.Fatalf("heads = %v, want %v", hexHeads(got), hexHeads(want))
		}
	}
}

func mustPut(t *testing.T, h Harness, d docsync.Doc, k, v string) {
	t.Helper()
	if err := h.Put(d, k, v); err != nil {
		t.Fatalf("put %s: %v", k, err)
	}
}

func mustGet(t *testing.T, h Harness, d docsync.Doc, k string) string {
	t.Helper()
	v, err := h.Get(d, k)
	if err != nil {
		t.Fatalf("get %s: %v", k, err)
	}
	return v
}
