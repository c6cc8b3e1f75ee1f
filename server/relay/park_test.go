package relay_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/wire"
)

// TestParkedDocumentStillRelays parks a document two peers keep open
// (nobody says anything for ParkAfter) and checks that each kind of
// message reloads it and reaches the other peer: edits both ways, many
// times over, and ephemeral messages.
func TestParkedDocumentStillRelays(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) { c.ParkAfter = 20 * time.Millisecond })
	tok := e.token("w1")
	a, b := e.connect(tok, "peer-a"), e.connect(tok, "peer-b")
	id := newDocID()
	a.edit(id, "title", "x")
	e.durable(a, id)
	b.request(id)
	b.until("b open", func() bool { return b.get(id, "title") == "x" })
	parked := func() {
		t.Helper()
		a.drain(0)
		b.drain(0)
		waitUntil(t, "document parked", func() bool { return e.metric("commonplace_relay_documents_loaded") == "0" })
	}
	for i := range 3 {
		parked()
		k := fmt.Sprint("from-a-", i)
		a.edit(id, k, "v")
		b.until("b to see a's edit to a parked document", func() bool { return b.get(id, k) == "v" })
		parked()
		k = fmt.Sprint("from-b-", i)
		b.edit(id, k, "v")
		a.until("a to see b's edit to a parked document", func() bool { return a.get(id, k) == "v" })
	}
	e.durable(a, id)
	e.durable(b, id)

	parked()
	a.write(wire.Message{Type: wire.TypeEphemeral, SenderID: "peer-a", TargetID: a.server,
		DocumentID: id, SessionID: "sess", Count: 1, Data: []byte{0xa1, 0x61, 0x78, 0x01}})
	b.until("b to get an ephemeral message sent to a parked document", func() bool { return len(b.ephemeral) == 1 })
}

// TestParkedDocumentReconnect has a peer leave a parked document and come
// back: it gets everything another peer wrote meanwhile.
func TestParkedDocumentReconnect(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) { c.ParkAfter = 20 * time.Millisecond })
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "title", "x")
	e.durable(a, id)
	waitUntil(t, "document parked", func() bool { return e.metric("commonplace_relay_documents_loaded") == "0" })
	_ = a.ws.Close()
	b := e.connect(tok, "peer-b")
	b.request(id)
	b.until("b to get the parked document", func() bool { return b.get(id, "title") == "x" })
	b.edit(id, "more", "y")
	e.durable(b, id)
	c := e.connect(tok, "peer-a2")
	c.request(id)
	c.until("a new peer to get every edit", func() bool { return c.get(id, "more") == "y" })
}
