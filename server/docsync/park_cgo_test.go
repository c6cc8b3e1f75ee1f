//go:build cgo

package docsync_test

import (
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// testParkedPeersResume parks the document with two peers open, reloads
// it from the store and restores them: a live edit still reaches the
// other peer, a peer that left while parked stays gone, and a Parked only
// restores into its own document.
func testParkedPeersResume(t *testing.T, e docsync.Engine) {
	n := newNetwork(t, e)
	n.load()
	n.join("a")
	n.edit("a", "title", "hello")
	n.run()
	n.join("b")
	n.join("c")
	n.clientSend("b", wire.TypeRequest)
	n.clientSend("c", wire.TypeRequest)
	n.run()

	parked := n.server.Park()
	parked.Leave("c")
	if got := parked.Peers(); !slices.Equal(got, []docsync.PeerID{"a", "b"}) {
		t.Fatalf("parked peers = %v, want [a b]", got)
	}
	n.load()
	if err := parked.Restore(n.server); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got := n.server.Peers(); !slices.Equal(got, []docsync.PeerID{"a", "b"}) {
		t.Fatalf("peers after restore = %v, want [a b]", got)
	}
	if _, ok := n.server.PeerHeads("a"); !ok {
		t.Error("a's announced heads were lost in parking")
	}
	n.edit("a", "title", "live")
	n.run()
	if got := n.get("b", "title"); got != "live" {
		t.Fatalf("b title after a live edit to a restored document = %q, want live", got)
	}

	other, _, _ := docsync.Load(e, "4NMNnkMhL8jXrdJ9jamS58PAVdXu", nil, docsync.Options{})
	if err := n.server.Park().Restore(other); err == nil {
		t.Error("a parked document restored into another document")
	}
}
