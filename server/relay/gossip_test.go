package relay_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// quiet is how long a client listens to be sure nothing more comes.
const quiet = 200 * time.Millisecond

func (e *env) connectStorage(secret, peerID, storageID string) *client {
	e.t.Helper()
	ws, _, err := e.dial(secret)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	return e.joinStorage(ws, peerID, storageID, nil)
}

func (c *client) subscribe(add, remove []string) {
	c.t.Helper()
	c.write(wire.Message{Type: wire.TypeRemoteSubscriptionChange, SenderID: c.peerID, TargetID: c.server, Add: add, Remove: remove})
}

// barrier returns once the relay has handled everything c sent before:
// it answers a request for a document nobody has in order.
func (c *client) barrier() {
	c.t.Helper()
	id := newDocID()
	c.request(id)
	c.until("the relay to answer the barrier request", func() bool { return c.unavailable[id] > 0 })
}

// told returns the last heads c was told for document id at storageID,
// sorted, and that message's timestamp.
func (c *client) told(id, storageID string) ([]string, uint64) {
	for _, m := range slices.Backward(c.remoteHeads) {
		if h, ok := m.NewHeads[storageID]; ok && m.DocumentID == id {
			return slices.Sorted(slices.Values(h.Heads)), h.Timestamp
		}
	}
	return nil, 0
}

// hasBeenTold waits until c's last heads for id at storageID are want.
func (c *client) hasBeenTold(id, storageID string, want []docsync.Hash) {
	c.t.Helper()
	w := fmt.Sprint(slices.Sorted(slices.Values(docsync.EncodeHeads(want))))
	c.until(fmt.Sprintf("heads of %s at %s", id, storageID), func() bool {
		got, _ := c.told(id, storageID)
		return fmt.Sprint(got) == w
	})
}

// toldAbout lists the remote-heads-changed c got for a document or a
// storage ID.
func (c *client) toldAbout(pred func(doc, storageID string) bool) []wire.Message {
	var out []wire.Message
	for _, m := range c.remoteHeads {
		for sid := range m.NewHeads {
			if pred(m.DocumentID, sid) {
				out = append(out, m)
			}
		}
	}
	return out
}

// writer connects peer a of workspace w1 with storage "sid-a", which
// writes document x; it returns a token of w1 and the relay's storageId.
func (e *env) writer() (tok, relaySID string, a *client, x string) {
	e.t.Helper()
	tok, relaySID = e.token("w1"), e.srv.StorageID()
	a = e.connectStorage(tok, "peer-a", "sid-a")
	x = newDocID()
	a.edit(x, "title", "x1")
	e.durable(a, x)
	return tok, relaySID, a, x
}

// toldNothingSince fails the test if c, once quiet, got remote heads
// beyond the first n.
func (c *client) toldNothingSince(n int, what string) {
	c.t.Helper()
	c.drain(quiet)
	if len(c.remoteHeads) != n {
		c.t.Errorf("%s: %v", what, c.remoteHeads[n:])
	}
}

func TestGossipRelayHeads(t *testing.T) { scenarioGossipRelayHeads(t, newEnv(t, nil)) }

// scenarioGossipRelayHeads also runs on every engine (TestEveryEngine).
func scenarioGossipRelayHeads(t *testing.T, e *env) {
	tok, relaySID, a, x := e.writer()
	b := e.connectStorage(tok, "peer-b", "sid-b")
	y := newDocID()
	a.edit(y, "title", "y1")
	e.durable(a, y)
	b.request(x)
	b.until("b to have x", func() bool { return b.get(x, "title") == "x1" })

	// On subscribing, b hears the relay's heads of x, the one document it
	// has open.
	b.subscribe([]string{relaySID}, nil)
	b.hasBeenTold(x, relaySID, a.heads(x))

	// A change to x is told once it is durable; y, which b does not have
	// open, is never mentioned (a stock client would crash).
	a.edit(y, "title", "y2")
	a.edit(x, "title", "x2")
	b.hasBeenTold(x, relaySID, a.heads(x))
	if !sameHeads(e.storedHeads(x), a.heads(x)) {
		t.Error("told heads the store does not hold")
	}
	if got := b.toldAbout(func(doc, _ string) bool { return doc == y }); len(got) > 0 {
		t.Errorf("b was told about a document it does not have open: %v", got)
	}
	_, ts1 := b.told(x, relaySID)

	// Unsubscribed, b still gets the change but no heads.
	b.subscribe(nil, []string{relaySID})
	b.barrier()
	n := len(b.remoteHeads)
	a.edit(x, "title", "x3")
	b.until("b to get x3", func() bool { return b.get(x, "title") == "x3" })
	b.toldNothingSince(n, "told heads after unsubscribing")

	// Subscribed again: the current heads, with a later timestamp.
	b.subscribe([]string{relaySID}, nil)
	b.hasBeenTold(x, relaySID, a.heads(x))
	if _, ts2 := b.told(x, relaySID); ts2 <= ts1 {
		t.Errorf("timestamp went from %d to %d", ts1, ts2)
	}
}

func TestGossipPeerHeads(t *testing.T) {
	e := newEnv(t, nil)
	tok1, relaySID, a, x := e.writer()
	b := e.connectStorage(tok1, "peer-b", "sid-b")
	c := e.connectStorage(e.token("w2"), "peer-c", "sid-c") // another workspace
	y, z := newDocID(), newDocID()
	a.edit(y, "title", "y1")
	e.durable(a, y)
	b.request(x)
	b.until("b to have x", func() bool { return b.get(x, "title") == "x1" })
	c.edit(z, "title", "z1")
	e.durable(c, z)

	everyone := []string{"sid-a", "sid-q", relaySID}
	b.subscribe(everyone, nil)
	c.subscribe(everyone, nil)
	// b hears what the relay knows a has of x.
	b.hasBeenTold(x, "sid-a", a.heads(x))
	a.edit(x, "title", "x2")
	b.hasBeenTold(x, "sid-a", a.heads(x))

	// a reports a storage peer's heads: forwarded as they are, except a
	// claim about the relay itself, bad heads and documents b does not
	// have open.
	q := docsync.EncodeHeads(a.heads(x))
	report := func(doc string, heads map[string]wire.HeadsAt) {
		a.write(wire.Message{Type: wire.TypeRemoteHeadsChanged, SenderID: a.peerID, TargetID: a.server, DocumentID: doc, NewHeads: heads})
	}
	report(x, map[string]wire.HeadsAt{"sid-q": {Heads: []string{"not-a-head"}, Timestamp: 1}})
	report(y, map[string]wire.HeadsAt{"sid-q": {Heads: q, Timestamp: 2}})
	report(x, map[string]wire.HeadsAt{"sid-q": {Heads: q, Timestamp: 3}, relaySID: {Heads: nil, Timestamp: 4}})
	b.until("the forwarded report", func() bool { _, ts := b.told(x, "sid-q"); return ts == 3 })
	if got := b.toldAbout(func(doc, _ string) bool { return doc == y }); len(got) > 0 {
		t.Errorf("told about y: %v", got)
	}
	for _, m := range b.toldAbout(func(_, sid string) bool { return sid == "sid-q" || sid == relaySID }) {
		if h := m.NewHeads["sid-q"]; h.Timestamp == 1 || m.NewHeads[relaySID].Timestamp == 4 {
			t.Errorf("forwarded a report it should have dropped: %+v", m)
		}
	}

	// The other workspace learns nothing of a, of sid-q or of w1's
	// documents; it does hear the relay's heads of its own document.
	c.hasBeenTold(z, relaySID, c.heads(z))
	c.drain(quiet)
	if got := c.toldAbout(func(doc, sid string) bool { return doc != z || sid != relaySID }); len(got) > 0 {
		t.Errorf("another workspace was told %v", got)
	}
}

func TestGossipEndsWithSession(t *testing.T) {
	e := newEnv(t, nil)
	tok, relaySID, a, x := e.writer()

	b := e.connectStorage(tok, "peer-b", "sid-b")
	b.request(x)
	b.subscribe([]string{relaySID, "sid-a"}, nil)
	b.hasBeenTold(x, relaySID, a.heads(x))
	_ = b.ws.Close()

	// The same peer on a new socket has subscribed to nothing.
	b2 := e.connectStorage(tok, "peer-b", "sid-b")
	b2.request(x)
	b2.until("b2 to have x", func() bool { return b2.get(x, "title") == "x1" })
	a.edit(x, "title", "x2")
	b2.until("b2 to get x2", func() bool { return b2.get(x, "title") == "x2" })
	b2.toldNothingSince(0, "a new connection inherited subscriptions")

	// A join on the same socket starts a new session: its subscriptions
	// are gone too.
	b2.subscribe([]string{relaySID}, nil)
	b2.hasBeenTold(x, relaySID, a.heads(x))
	b2.write(wire.Message{Type: wire.TypeJoin, SenderID: "peer-b", PeerMetadata: &wire.PeerMetadata{StorageID: "sid-b"}})
	b2.until("the second peer message", func() bool { return b2.rejoined == 1 })
	b2.docs[x].ss = b2.docs[x].doc.NewSyncState() // as a client does on a new peer
	b2.sendSync(x, wire.TypeSync)
	n := len(b2.remoteHeads)
	a.edit(x, "title", "x3")
	b2.until("b2 to get x3", func() bool { return b2.get(x, "title") == "x3" })
	b2.toldNothingSince(n, "subscriptions survived a new join")
}

func TestGossipSubscriptionLimit(t *testing.T) {
	e := newEnv(t, nil)
	_, relaySID, a, x := e.writer()

	var many []string
	for i := range 64 {
		many = append(many, fmt.Sprint("sid-", i))
	}
	a.subscribe(append(many, relaySID), nil)
	a.barrier()
	a.toldNothingSince(0, "a subscription past the limit was kept")
	// Making room lets it in.
	a.subscribe(nil, many[:1])
	a.subscribe([]string{relaySID}, nil)
	a.hasBeenTold(x, relaySID, a.heads(x))
}

func TestGossipOnOpen(t *testing.T) {
	e := newEnv(t, nil)
	tok, relaySID, a, x := e.writer()
	// b subscribes first, then opens x: it hears what the relay knows of
	// x at once, without waiting for another change.
	b := e.connectStorage(tok, "peer-b", "sid-b")
	b.subscribe([]string{"sid-a", relaySID}, nil)
	b.barrier()
	b.request(x)
	b.hasBeenTold(x, "sid-a", a.heads(x))
	b.hasBeenTold(x, relaySID, a.heads(x))
}
