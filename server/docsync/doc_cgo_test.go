//go:build cgo

package docsync_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// TestCore runs every core scenario with each engine of the build holding
// the relay's copy (the clients always use automerge-go).
func TestCore(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T, docsync.Engine)
	}{
		{"CreateThenOthersRequest", testCreateThenOthersRequest},
		{"RequestForEmptyDocumentIsUnavailable", testRequestForEmptyDocumentIsUnavailable},
		{"OfflinePeerCatchesUp", testOfflinePeerCatchesUp},
		{"RejoinResetsSyncState", testRejoinResetsSyncState},
		{"CompactionKeepsStoreSmall", testCompactionKeepsStoreSmall},
		{"CrashAtEveryOp", testCrashAtEveryOp},
		{"DamagedEntriesLoadAsMissing", testDamagedEntriesLoadAsMissing},
		{"BadSyncBytesChangeNothing", testBadSyncBytesChangeNothing},
		{"EphemeralRelayedToOtherOpenPeers", testEphemeralRelayedToOtherOpenPeers},
		{"UnexpectedType", testUnexpectedType},
		{"BigDocumentCompactsLessOften", testBigDocumentCompactsLessOften},
		{"HeadsReportedWhenDurable", testHeadsReportedWhenDurable},
		{"HeldWritesStoreOneChunk", testHeldWritesStoreOneChunk},
		{"CooledDocumentKeepsSyncing", testCooledDocumentKeepsSyncing},
	}
	for _, name := range engine.Names() {
		e, err := engine.New(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, e) })
			}
		})
	}
}

func testCreateThenOthersRequest(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "title", "hello")
	n.run()
	n.join("b")
	n.clientSend("b", wire.TypeRequest)
	n.run()
	if got := n.get("b", "title"); got != "hello" {
		t.Fatalf("b title = %q, want hello", got)
	}
	// b now has it open: a's next edit reaches b unasked.
	n.edit("a", "title", "live")
	n.run()
	if got := n.get("b", "title"); got != "live" {
		t.Fatalf("b title after live edit = %q, want live", got)
	}
	if !sameHeads(n.clients["a"].doc.Heads(), n.clients["b"].doc.Heads()) {
		t.Error("a and b differ")
	}
}

func testRequestForEmptyDocumentIsUnavailable(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	c := n.join("a")
	n.clientSend("a", wire.TypeRequest)
	n.run()
	if c.unavailable != 1 {
		t.Fatalf("doc-unavailable count = %d, want 1", c.unavailable)
	}
	if len(n.store) != 0 {
		t.Errorf("store holds %d entries for a document nobody wrote", len(n.store))
	}
	// The requester asked: when the document gets content, it gets it.
	n.join("b")
	n.edit("b", "title", "late")
	n.run()
	if got := n.get("a", "title"); got != "late" {
		t.Errorf("requester has title %q after the document was written, want late", got)
	}
}

func testOfflinePeerCatchesUp(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	for _, p := range []docsync.PeerID{"a", "b", "c"} {
		n.join(p)
	}
	n.edit("a", "title", "v1")
	n.run()
	n.clientSend("b", wire.TypeRequest)
	n.clientSend("c", wire.TypeRequest)
	n.run()
	// c goes offline; a and b keep editing; c edits offline too.
	n.server.Leave("c")
	off := n.clients["c"]
	delete(n.clients, "c")
	for i := range 20 {
		n.edit("a", fmt.Sprintf("a%d", i), "x")
		n.edit("b", fmt.Sprintf("b%d", i), "y")
		n.run()
	}
	n.clients["c2"] = off
	off.ss = off.doc.NewSyncState()
	if err := off.doc.Automerge().RootMap().Set("offline", "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := off.doc.Automerge().Commit(""); err != nil {
		t.Fatal(err)
	}
	n.clientSend("c2", wire.TypeSync)
	n.run()
	for _, p := range []docsync.PeerID{"a", "b"} {
		if !sameHeads(n.clients[p].doc.Heads(), off.doc.Heads()) {
			t.Errorf("%s heads differ from c's after catching up", p)
		}
	}
	if n.get("a", "offline") != "c" || n.get("c2", "a19") != "x" || n.get("c2", "b19") != "y" {
		t.Error("an edit is missing after catch-up")
	}
}

// TestRejoinResetsSyncState is trap 16: a reply lost with the socket must
// not leave the client unconfirmed forever.
func testRejoinResetsSyncState(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "k", "1")
	n.run()
	n.edit("a", "k", "2")
	// The server handles a's message and stores the change, but its
	// reply is lost.
	env := n.toSrv[0]
	n.toSrv = nil
	eff, err := n.server.Handle(env.from, env.msg)
	if err != nil {
		t.Fatal(err)
	}
	n.apply(docsync.Effects{Store: eff.Store})
	n.rejoin("a", "a2")
	n.clientSend("a2", wire.TypeSync)
	n.run()
	if n.clients["a2"].syncs == 0 {
		t.Fatal("the server never answered the rejoined client")
	}
	if !sameHeads(n.server.Heads(), n.clients["a2"].doc.Heads()) {
		t.Fatal("server and client differ after rejoin")
	}
	// The client's sync state must know the server has its heads: it
	// has nothing more to send.
	if _, ok := n.clients["a2"].ss.Generate(); ok {
		t.Error("client still has something to send: it never learned the server has its change")
	}
}

func testCompactionKeepsStoreSmall(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	for i := range 100 {
		n.edit("a", "k", fmt.Sprint(i))
		n.run()
	}
	if len(n.store) > 8 {
		t.Errorf("store holds %d entries after 100 changes, want at most 8", len(n.store))
	}
	before := n.server.Heads()
	n.load()
	if !sameHeads(n.server.Heads(), before) {
		t.Fatal("reloaded heads differ")
	}
	if len(n.store) != 1 {
		t.Errorf("after load-time compaction the store holds %d entries, want 1", len(n.store))
	}
}

// TestCrashAtEveryOp cuts each effect's store ops short at every point and
// reloads: the document is always the one before or after the step.
func testCrashAtEveryOp(t *testing.T, e docsync.Engine) {
	id := "crashdoc"
	src := amgo.New().New()
	stored := map[string]store.Entry{}
	d, _, _ := docsync.Load(e, id, nil, docsync.Options{CompactAfter: 4})
	ss := src.NewSyncState()
	srv := d
	for i := range 12 {
		if err := harnessPut(src, fmt.Sprint("k", i)); err != nil {
			t.Fatal(err)
		}
		before := srv.Heads()
		msg, ok := ss.Generate()
		if !ok {
			t.Fatal("client has nothing to send after an edit")
		}
		eff, err := srv.Handle("p", wire.Message{Type: wire.TypeSync, DocumentID: id, Data: msg})
		if err != nil {
			t.Fatal(err)
		}
		eff.Store = append(eff.Store, srv.Compact()...) // a crash may come mid-compaction too
		after := srv.Heads()
		for cut := 0; cut <= len(eff.Store); cut++ {
			trial := map[string]store.Entry{}
			for k, v := range stored {
				trial[k] = v
			}
			applyOps(trial, eff.Store[:cut])
			got, _, _ := docsync.Load(e, id, (&network{store: trial}).entries(), docsync.Options{})
			if !sameHeads(got.Heads(), before) && !sameHeads(got.Heads(), after) {
				t.Fatalf("step %d cut %d/%d: heads %v are neither before nor after", i, cut, len(eff.Store), got.Heads())
			}
		}
		applyOps(stored, eff.Store)
		for _, s := range eff.Send {
			if err := ss.Receive(s.Message().Data); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func applyOps(m map[string]store.Entry, ops []docsync.Op) {
	for _, op := range ops {
		if op.Delete {
			delete(m, key(op.Key))
		} else {
			m[key(op.Key)] = store.Entry{Key: op.Key, Value: op.Value}
		}
	}
}

func harnessPut(d docsync.Doc, k string) error {
	ad := d.(*amgo.Doc).Automerge()
	if err := ad.RootMap().Set(k, "v"); err != nil {
		return err
	}
	_, err := ad.Commit("")
	return err
}

func testDamagedEntriesLoadAsMissing(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "k", "v")
	n.run()
	want := n.server.Heads()
	entries := n.entries()
	entries = append(entries,
		store.Entry{Key: store.Key{"doc", n.id, "snapshot", "00"}, Value: nil},
		store.Entry{Key: store.Key{"doc", n.id, "incremental", "ff"}, Value: []byte("corrupt")},
	)
	d, _, skipped := docsync.Load(n.e, n.id, entries, docsync.Options{})
	if !sameHeads(d.Heads(), want) {
		t.Errorf("heads = %v, want %v", d.Heads(), want)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %d entries, want 2: %v (entries %d)", len(skipped), skipped, len(entries))
	}
	// Only damaged entries: the document is missing, and a request says so.
	d, _, _ = docsync.Load(n.e, n.id, entries[len(entries)-2:], docsync.Options{})
	empty, _ := n.e.New().NewSyncState().Generate()
	eff, err := d.Handle("b", wire.Message{Type: wire.TypeRequest, DocumentID: n.id, Data: empty})
	if err != nil {
		t.Fatal(err)
	}
	if len(eff.Send) != 1 || eff.Send[0].Msg.Type != wire.TypeDocUnavailable {
		t.Errorf("request on a damaged-only document got %+v, want doc-unavailable", eff.Send)
	}
}

func testBadSyncBytesChangeNothing(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "k", "v")
	n.run()
	before := len(n.store)
	eff, err := n.server.Handle("a", wire.Message{Type: wire.TypeSync, DocumentID: n.id, Data: []byte("junk")})
	if !errors.Is(err, docsync.ErrBadSyncMessage) {
		t.Fatalf("err = %v, want ErrBadSyncMessage", err)
	}
	if len(eff.Store)+len(eff.Send) != 0 || len(n.store) != before {
		t.Error("bad sync bytes produced effects")
	}
	if n.server.IsOpen("a") {
		t.Error("peer that sent bad bytes still has the doc open")
	}
}

func testEphemeralRelayedToOtherOpenPeers(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	for _, p := range []docsync.PeerID{"a", "b", "c"} {
		n.join(p)
	}
	n.edit("a", "k", "v")
	n.run()
	n.clientSend("b", wire.TypeRequest)
	n.run()
	eph := wire.Message{Type: wire.TypeEphemeral, SenderID: "a", DocumentID: n.id, SessionID: "s1", Count: 7, Data: []byte{0xa0}}
	eff, err := n.server.Handle("a", eph)
	if err != nil {
		t.Fatal(err)
	}
	n.apply(eff)
	if len(n.clients["b"].ephemeral) != 1 || len(n.clients["a"].ephemeral) != 0 || len(n.clients["c"].ephemeral) != 0 {
		t.Fatalf("ephemeral went to a:%d b:%d c:%d, want only b", len(n.clients["a"].ephemeral), len(n.clients["b"].ephemeral), len(n.clients["c"].ephemeral))
	}
	got := n.clients["b"].ephemeral[0]
	if got.SenderID != "a" || got.SessionID != "s1" || got.Count != 7 || !bytes.Equal(got.Data, eph.Data) {
		t.Errorf("relayed ephemeral = %+v, want originator's fields kept", got)
	}
	// c never opened the doc: its ephemeral goes nowhere.
	eff, _ = n.server.Handle("c", eph)
	if len(eff.Send) != 0 {
		t.Error("ephemeral from a peer without the doc open was relayed")
	}
	if len(n.store) == 0 {
		t.Fatal("no store")
	}
}

func testUnexpectedType(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	if _, err := n.server.Handle("a", wire.Message{Type: wire.TypeJoin}); !errors.Is(err, docsync.ErrUnexpectedMessage) {
		t.Errorf("err = %v, want ErrUnexpectedMessage", err)
	}
}

// testBigDocumentCompactsLessOften: small edits to a big document are not
// folded into a new snapshot every CompactAfter chunks, only once they
// weigh half the snapshot or reach four times CompactAfter.
func testBigDocumentCompactsLessOften(t *testing.T, e docsync.Engine) {
	const compactAfter = 4
	srv := docsync.New(e, "bigdoc", docsync.Options{CompactAfter: compactAfter})
	cl := amgo.New().New().(*amgo.Doc)
	cs := cl.NewSyncState()
	snapshots := 0
	edit := func(v string) {
		t.Helper()
		if err := cl.Automerge().RootMap().Set("k", v); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Automerge().Commit(""); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			msg, ok := cs.Generate()
			if !ok {
				return
			}
			eff, err := srv.Handle("p", wire.Message{Type: wire.TypeSync, DocumentID: "bigdoc", Data: msg})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range eff.Send {
				if err := cs.Receive(s.Message().Data); err != nil {
					t.Fatal(err)
				}
			}
			for _, op := range append(eff.Store, srv.Compact()...) {
				if !op.Delete && op.Key[2] == "snapshot" {
					snapshots++
				}
			}
		}
	}
	// Random letters: a value Automerge cannot compress away.
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	big := make([]byte, 64<<10)
	for i := range big {
		big[i] = byte('a' + rng.IntN(26))
	}
	edit(string(big))
	for i := range compactAfter {
		edit(fmt.Sprint("first ", i)) // reaches CompactAfter chunks: a snapshot
	}
	before := snapshots
	for i := range 2 * compactAfter {
		edit(fmt.Sprint("small ", i))
	}
	if snapshots != before {
		t.Errorf("%d snapshots written for %d small edits of a big document, want 0", snapshots-before, 2*compactAfter)
	}
	for i := range 2 * compactAfter {
		edit(fmt.Sprint("more ", i))
	}
	if snapshots == before {
		t.Error("no snapshot after four times CompactAfter chunks")
	}
}

// testHeldWritesStoreOneChunk: edits from three peers handled while
// writes are held reach the store as one Put, before any reply, and
// every peer converges.
func testHeldWritesStoreOneChunk(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	peers := []docsync.PeerID{"a", "b", "c"}
	n.join("a")
	n.edit("a", "title", "created")
	n.runHeld()
	for _, p := range peers[1:] {
		n.join(p)
		n.clientSend(p, wire.TypeRequest)
	}
	n.runHeld()
	before := n.puts
	for _, p := range peers {
		n.edit(p, string(p), "v-"+string(p))
	}
	n.server.HoldWrites()
	var eff docsync.Effects
	for _, env := range n.toSrv {
		got, err := n.server.Handle(env.from, env.msg)
		if err != nil {
			t.Fatal(err)
		}
		eff.Append(got)
	}
	n.toSrv = nil
	eff.Append(n.server.FlushWrites())
	n.apply(eff)
	if got := n.puts - before; got != 1 {
		t.Errorf("three held edits took %d puts, want 1", got)
	}
	if again := n.server.FlushWrites(); len(again.Store)+len(again.Send) > 0 {
		t.Errorf("second flush returned %+v", again)
	}
	n.runHeld()
	for _, p := range peers {
		for _, q := range peers {
			if got := n.get(p, string(q)); got != "v-"+string(q) {
				t.Errorf("%s sees %s = %q", p, q, got)
			}
		}
	}
}

// testCooledDocumentKeepsSyncing: a document whose engine copy was dropped
// (Cool) keeps answering peers from its change graph, rebuilds the copy
// when the next change arrives, stores it, and compacts from it.
func testCooledDocumentKeepsSyncing(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.join("b")
	n.edit("a", "k", "1")
	n.run()
	if !n.server.Warm() {
		t.Fatal("the engine copy is not kept after a change")
	}
	for i := range 40 { // past a compaction
		n.server.Cool()
		if n.server.Warm() {
			t.Fatal("Cool kept the engine copy")
		}
		n.edit("b", "k", fmt.Sprint("b", i))
		n.run()
	}
	if got := n.get("a", "k"); got != "b39" {
		t.Errorf("a has k = %q after b's edits to a cooled document, want b39", got)
	}
	if !sameHeads(n.server.Heads(), n.clients["a"].doc.Heads()) {
		t.Error("relay and peer differ")
	}
	reloaded, _, _ := docsync.Load(n.e, n.id, n.entries(), docsync.Options{})
	if !sameHeads(reloaded.Heads(), n.server.Heads()) {
		t.Error("the store does not hold what the cooled document took in")
	}
	doc, err := reloaded.Doc()
	if err != nil {
		t.Fatalf("engine copy of the reloaded document: %v", err)
	}
	if !sameHeads(doc.Heads(), n.server.Heads()) {
		t.Error("the engine copy rebuilt from the graph has other heads")
	}
}
