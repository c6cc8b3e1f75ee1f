//go:build cgo

package docsync_test

import (
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// testHeadsReportedWhenDurable checks what the core reports for heads
// gossip: the document's heads once per change (the harness checks they
// are the stored heads), and each peer's heads once per new value.
func testHeadsReportedWhenDurable(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "title", "hello")
	n.run()
	if len(n.heads) != 1 || !sameHeads(n.heads[0], n.server.Heads()) {
		t.Fatalf("heads reported %v, want once %v", n.heads, n.server.Heads())
	}
	if got, ok := n.server.PeerHeads("a"); !ok || !sameHeads(got, n.clients["a"].doc.Heads()) {
		t.Errorf("PeerHeads(a) = %v %v, want %v", got, ok, n.clients["a"].doc.Heads())
	}
	if last := n.announced[len(n.announced)-1]; last.Peer != "a" || !sameHeads(last.Heads, n.clients["a"].doc.Heads()) {
		t.Errorf("last announced %v, want a at %v", last, n.clients["a"].doc.Heads())
	}
	for i := 1; i < len(n.announced); i++ {
		if prev, cur := n.announced[i-1], n.announced[i]; prev.Peer == cur.Peer && sameHeads(prev.Heads, cur.Heads) {
			t.Errorf("announced %v twice in a row", cur)
		}
	}

	// b reads: its sync messages change nothing on the relay.
	n.heads, n.announced = nil, nil
	n.join("b")
	n.clientSend("b", wire.TypeRequest)
	n.run()
	if len(n.heads) != 0 {
		t.Errorf("a reader changed the heads: %v", n.heads)
	}
	if got, _ := n.server.PeerHeads("b"); !sameHeads(got, n.server.Heads()) {
		t.Errorf("PeerHeads(b) = %v after sync, want %v", got, n.server.Heads())
	}

	// A second change is reported again; a peer that left is forgotten.
	n.edit("b", "k", "v")
	n.run()
	if len(n.heads) != 1 || !sameHeads(n.heads[0], n.server.Heads()) {
		t.Errorf("heads reported %v, want once %v", n.heads, n.server.Heads())
	}
	n.server.Leave("b")
	if _, ok := n.server.PeerHeads("b"); ok {
		t.Error("PeerHeads(b) still known after Leave")
	}
}
