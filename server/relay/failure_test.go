package relay_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// faultyStore is the real Badger store with Put failing while broken is
// set: a full disk, say.
type faultyStore struct {
	store.Store
	broken atomic.Bool
}

var errDiskFull = errors.New("disk full")

func (f *faultyStore) Put(ctx context.Context, k store.Key, v []byte) error {
	if f.broken.Load() && k[0] == "doc" {
		return errDiskFull
	}
	return f.Store.Put(ctx, k, v)
}

// TestStoreFailureNeverAcknowledged: when a write fails the relay tells
// nobody about the change, drops the peers that have the document open,
// and once the store works again they resync everything.
func TestStoreFailureNeverAcknowledged(t *testing.T) {
	var fs *faultyStore
	e := newEnv(t, func(c *relay.Config) {
		fs = &faultyStore{Store: c.Store}
		c.Store = fs
	})
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	b := e.connect(tok, "peer-b")
	id := newDocID()
	a.edit(id, "k", "stored")
	e.durable(a, id)
	b.request(id)
	b.until("b open", func() bool { return b.get(id, "k") == "stored" })

	fs.broken.Store(true)
	a.edit(id, "k", "lost?")
	if msg, _ := a.closedWith(); msg != "internal error" {
		t.Errorf("writer got %q, want internal error", msg)
	}
	if msg, _ := b.closedWith(); msg != "internal error" {
		t.Errorf("reader got %q, want internal error", msg)
	}
	if b.get(id, "k") != "stored" {
		t.Error("the reader was told about a change that is not stored")
	}

	fs.broken.Store(false)
	a2 := e.connect(tok, "peer-a")
	a2.docs[id] = &clientDoc{doc: a.docs[id].doc, ss: a.docs[id].doc.NewSyncState()}
	a2.sendSync(id, wire.TypeSync)
	e.durable(a2, id)
	b2 := e.connect(tok, "peer-b")
	b2.request(id)
	b2.until("b to get the change after recovery", func() bool { return b2.get(id, "k") == "lost?" })
}

// TestSamePeerIDReplacesOldSocket: as the reference server does, a second
// join with a known peerId closes the first socket.
func TestSamePeerIDReplacesOldSocket(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	old := e.connect(tok, "peer-twice")
	fresh := e.connect(tok, "peer-twice")
	_, err := old.closedWith()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("old socket ended with %v, want close 1001", err)
	}
	id := newDocID()
	fresh.edit(id, "k", "v")
	e.durable(fresh, id)
}

// TestLostReplyRecoveredOnReconnect is trap 16 over real sockets: the
// relay's reply is lost with the socket; on reconnect the client starts a
// fresh sync state and must learn that the relay has its change.
func TestLostReplyRecoveredOnReconnect(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "k", "1")
	e.durable(a, id)
	a.edit(id, "k", "2")
	// Wait for the store, but do not read the relay's reply.
	waitUntil(t, "the second change stored", func() bool { return sameHeads(e.storedHeads(id), a.heads(id)) })
	_ = a.ws.Close()

	a2 := e.connect(tok, "peer-a")
	d := a.docs[id].doc
	a2.docs[id] = &clientDoc{doc: d, ss: d.NewSyncState()}
	a2.sendSync(id, wire.TypeSync)
	a2.until("the relay to answer", func() bool { return a2.syncs > 0 })
	a2.drain(100 * time.Millisecond)
	if _, more := a2.docs[id].ss.Generate(); more {
		t.Error("after reconnecting, the client still believes the relay lacks its change")
	}
}

// TestRejoinOnSameSocket: a second join on one socket starts a new session
// (fresh sync states) and the relay answers it like a first one.
func TestRejoinOnSameSocket(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "k", "v")
	e.durable(a, id)
	a.write(wire.Message{Type: wire.TypeJoin, SenderID: "peer-a", SupportedProtocolVersions: []string{"1"}})
	a.until("the second peer message", func() bool { return a.rejoined == 1 })
	before := a.syncs
	d := a.docs[id].doc
	a.docs[id] = &clientDoc{doc: d, ss: d.NewSyncState()}
	a.sendSync(id, wire.TypeSync)
	a.until("the relay to answer the new session", func() bool { return a.syncs > before })
}

// panicky wraps the build's engine so that, while armed, receiving a sync
// message panics, as automerge-go does on results it did not expect.
type panicky struct {
	docsync.Engine
	armed *atomic.Bool
}

func (p panicky) New() docsync.Doc { return panickyDoc{p.Engine.New(), p.armed} }

func (p panicky) Load(b []byte) (docsync.Doc, error) {
	d, err := p.Engine.Load(b)
	if err != nil {
		return nil, err
	}
	return panickyDoc{d, p.armed}, nil
}

type panickyDoc struct {
	docsync.Doc
	armed *atomic.Bool
}

// LoadIncremental is how the relay has the engine merge what a peer sent.
func (d panickyDoc) LoadIncremental(b []byte) error {
	if d.armed.Load() {
		panic("engine bug")
	}
	return d.Doc.LoadIncremental(b)
}

// TestEnginePanicClosesOnlyThatDocument: a panic inside the engine costs
// the peers of that document their connection, not the relay its life.
func TestEnginePanicClosesOnlyThatDocument(t *testing.T) {
	var armed atomic.Bool
	e := newEnv(t, func(c *relay.Config) {
		eng, err := engine.Default()
		if err != nil {
			t.Fatal(err)
		}
		c.Engine = panicky{eng, &armed}
	})
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "k", "1")
	e.durable(a, id)

	armed.Store(true)
	a.edit(id, "k", "2")
	if msg, _ := a.closedWith(); msg != "internal error" {
		t.Errorf("error = %q, want internal error", msg)
	}
	armed.Store(false)
	e.checkOthersUnaffected(tok)
	b := e.connect(tok, "peer-b")
	b.request(id)
	b.until("the document to load again", func() bool { return b.get(id, "k") == "1" })
}
