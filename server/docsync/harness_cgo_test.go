//go:build cgo

package docsync_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// network is an in-memory relay with one document and several client
// peers, stepped deterministically until nothing is in flight. It checks
// the core's durability promise on every effect: whenever a message goes
// out, the store alone reloads to the server's heads.
type network struct {
	t       *testing.T
	e       docsync.Engine
	id      string
	server  *docsync.Document
	store   map[string]store.Entry
	clients map[docsync.PeerID]*client
	toSrv   []envelope
	puts    int
	// heads and announced collect every Effects.Heads and
	// Effects.Announced, in order.
	heads     [][]docsync.Hash
	announced []docsync.PeerHeads
}

type envelope struct {
	from docsync.PeerID
	msg  wire.Message
}

type client struct {
	doc         *amgo.Doc
	ss          docsync.SyncState
	unavailable int
	syncs       int
	ephemeral   []wire.Message
}

func newNetwork(t *testing.T, e docsync.Engine) *network {
	return &network{
		t: t, e: e, id: "2v3rkia9QeE2R9cBqPSwB1RjJmDw",
		store:   map[string]store.Entry{},
		clients: map[docsync.PeerID]*client{},
	}
}

func key(k store.Key) string { return strings.Join(k, "/") }

// entries returns the stored entries of the document in key order.
func (n *network) entries() []store.Entry {
	var out []store.Entry
	for _, en := range n.store {
		out = append(out, en)
	}
	slices.SortFunc(out, func(a, b store.Entry) int { return strings.Compare(key(a.Key), key(b.Key)) })
	return out
}

// load (re)creates the server document from the store, as the relay does
// after eviction or a restart.
func (n *network) load() {
	d, eff, skipped := docsync.Load(n.e, n.id, n.entries(), docsync.Options{CompactAfter: 8})
	for _, s := range skipped {
		n.t.Logf("skipped %v: %v", s.Key, s.Err)
	}
	n.server = d
	n.apply(eff)
}

func (n *network) apply(eff docsync.Effects) {
	n.t.Helper()
	for _, op := range eff.Store {
		if op.Delete {
			delete(n.store, key(op.Key))
			continue
		}
		n.puts++
		n.store[key(op.Key)] = store.Entry{Key: op.Key, Value: op.Value}
	}
	if len(eff.Send) > 0 || eff.Heads != nil {
		reloaded, _, _ := docsync.Load(n.e, n.id, n.entries(), docsync.Options{})
		if fmt.Sprint(reloaded.Heads()) != fmt.Sprint(n.server.Heads()) {
			n.t.Fatalf("sending before durable: store heads %v, memory heads %v", reloaded.Heads(), n.server.Heads())
		}
		if eff.Heads != nil && !sameHeads(eff.Heads, reloaded.Heads()) {
			n.t.Fatalf("reported heads %v, store heads %v", eff.Heads, reloaded.Heads())
		}
	}
	if eff.Heads != nil {
		n.heads = append(n.heads, eff.Heads)
	}
	n.announced = append(n.announced, eff.Announced...)
	for _, s := range eff.Send {
		c := n.clients[s.To]
		if c == nil {
			n.t.Fatalf("message to unknown peer %s", s.To)
		}
		switch s.Msg.Type {
		case wire.TypeSync:
			if err := c.ss.Receive(s.Message().Data); err != nil {
				n.t.Fatalf("client %s receive: %v", s.To, err)
			}
			c.syncs++
			n.clientSend(s.To, wire.TypeSync)
		case wire.TypeDocUnavailable:
			c.unavailable++
		case wire.TypeEphemeral:
			c.ephemeral = append(c.ephemeral, s.Msg)
		default:
			n.t.Fatalf("unexpected %s to %s", s.Msg.Type, s.To)
		}
	}
	// As the relay does: compact once the input's messages are out.
	if ops := n.server.Compact(); len(ops) > 0 {
		n.apply(docsync.Effects{Store: ops})
	}
}

func (n *network) join(p docsync.PeerID) *client {
	c := &client{doc: amgo.New().New().(*amgo.Doc)}
	c.ss = c.doc.NewSyncState()
	n.clients[p] = c
	return c
}

// rejoin models a reconnect: both sides start a fresh sync state.
func (n *network) rejoin(old, p docsync.PeerID) {
	c := n.clients[old]
	delete(n.clients, old)
	n.server.Leave(old)
	c.ss = c.doc.NewSyncState()
	n.clients[p] = c
}

// clientSend queues the client's next sync message, if it has one, as a
// request when it has nothing yet (as automerge-repo does).
func (n *network) clientSend(p docsync.PeerID, typ string) {
	c := n.clients[p]
	msg, ok := c.ss.Generate()
	if !ok {
		return
	}
	n.toSrv = append(n.toSrv, envelope{p, wire.Message{Type: typ, SenderID: string(p), DocumentID: n.id, Data: msg}})
}

func (n *network) edit(p docsync.PeerID, k, v string) {
	n.t.Helper()
	d := n.clients[p].doc.Automerge()
	if err := d.RootMap().Set(k, v); err != nil {
		n.t.Fatal(err)
	}
	if _, err := d.Commit(""); err != nil {
		n.t.Fatal(err)
	}
	n.clientSend(p, wire.TypeSync)
}

// run delivers messages until none are in flight.
func (n *network) run() {
	n.t.Helper()
	for i := 0; len(n.toSrv) > 0; i++ {
		if i > 10_000 {
			n.t.Fatal("network did not quiesce")
		}
		env := n.toSrv[0]
		n.toSrv = n.toSrv[1:]
		if _, ok := n.clients[env.from]; !ok {
			continue // sent before a rejoin: lost with the socket
		}
		eff, err := n.server.Handle(env.from, env.msg)
		if err != nil {
			n.t.Fatalf("handle from %s: %v", env.from, err)
		}
		n.apply(eff)
	}
}

// runHeld delivers every message in flight as one held batch, as the
// relay does with the messages queued for a document: their changes go
// to the store in one write, before any of their replies. It repeats
// until nothing is in flight.
func (n *network) runHeld() {
	n.t.Helper()
	for i := 0; len(n.toSrv) > 0; i++ {
		if i > 1_000 {
			n.t.Fatal("network did not quiesce")
		}
		batch := n.toSrv
		n.toSrv = nil
		n.server.HoldWrites()
		var eff docsync.Effects
		for _, env := range batch {
			if _, ok := n.clients[env.from]; !ok {
				continue
			}
			e, err := n.server.Handle(env.from, env.msg)
			if err != nil {
				n.t.Fatalf("handle from %s: %v", env.from, err)
			}
			if len(e.Store) > 0 {
				n.t.Fatalf("held input returned store ops %v", e.Store)
			}
			eff.Append(e)
		}
		eff.Append(n.server.FlushWrites())
		n.apply(eff)
	}
}

func (n *network) get(p docsync.PeerID, k string) string {
	v, err := n.clients[p].doc.Automerge().RootMap().Get(k)
	if err != nil || v.Kind() != am.KindStr {
		return ""
	}
	return v.Str()
}

func sameHeads(a, b []docsync.Hash) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
