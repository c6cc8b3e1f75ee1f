package relay_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store/badgerstore"
	"github.com/commonplace/commonplace/server/wire"
)

// waitFor bounds every wait in these tests.
const waitFor = 10 * time.Second

// env is a relay on 127.0.0.1 with a real Badger store in a temporary
// directory.
type env struct {
	t    testing.TB
	dir  string
	st   *badgerstore.Store
	srv  *relay.Server
	http *httptest.Server
	cfg  relay.Config
}

func openStore(t testing.TB, dir string) *badgerstore.Store {
	t.Helper()
	st, err := badgerstore.Open(dir, badgerstore.Options{
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st
}

func newEnv(t testing.TB, mod func(*relay.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	st := openStore(t, dir)
	t.Cleanup(func() { _ = st.Close() })
	cfg := relay.Config{
		Store: st, DocIdleTimeout: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if mod != nil {
		mod(&cfg)
	}
	e := &env{t: t, dir: dir, st: st, cfg: cfg}
	e.start()
	return e
}

func (e *env) start() {
	e.t.Helper()
	srv, err := relay.New(e.cfg)
	if err != nil {
		e.t.Fatalf("relay.New: %v", err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv.Handler())
	e.t.Cleanup(e.stop)
}

func (e *env) stop() {
	if e.http == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.srv.Close(ctx); err != nil {
		e.t.Errorf("close: %v", err)
	}
	e.http.Close()
	e.http = nil
}

// restart replaces the server with a new one on the same store
// directory, closing and reopening Badger in between like a process
// restart.
func (e *env) restart() {
	e.t.Helper()
	e.stop()
	if err := e.st.Close(); err != nil {
		e.t.Fatalf("close store: %v", err)
	}
	e.st = openStore(e.t, e.dir)
	st := e.st
	e.t.Cleanup(func() { _ = st.Close() })
	e.cfg.Store = e.st
	e.start()
}

func (e *env) token(workspace string) string {
	e.t.Helper()
	_, secret, err := e.srv.Access().CreateToken(context.Background(), workspace, "test")
	if err != nil {
		e.t.Fatalf("create token: %v", err)
	}
	return secret
}

func (e *env) url(secret string) string {
	return "ws" + strings.TrimPrefix(e.http.URL, "http") + "/sync?token=" + secret
}

func (e *env) dial(secret string) (*websocket.Conn, *http.Response, error) {
	return websocket.DefaultDialer.Dial(e.url(secret), nil)
}

// connectDialer is connect with a custom dialer.
func (e *env) connectDialer(secret, peerID string, d *websocket.Dialer) *client {
	e.t.Helper()
	ws, _, err := d.Dial(e.url(secret), nil)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	return e.joinOn(ws, peerID, nil)
}

// client is a minimal automerge-repo peer: it joins, requests and syncs
// documents with automerge-go, and answers sync messages.
type client struct {
	t           testing.TB
	ed          editor
	ws          *websocket.Conn
	peerID      string
	server      string
	docs        map[string]*clientDoc
	in          chan wire.Message
	closed      chan error
	unavailable map[string]int
	syncs       int
	rejoined    int // peer messages after the first
	ephemeral   []wire.Message
	errors      []wire.Message
	remoteHeads []wire.Message // remote-heads-changed received
}

type clientDoc struct {
	doc      docsync.Doc
	ss       docsync.SyncState
	received int // sync messages from the relay
}

func (e *env) connect(secret, peerID string) *client {
	e.t.Helper()
	return e.connectWith(secret, peerID, nil)
}

// connectWith runs setup on the socket before its reader starts.
func (e *env) connectWith(secret, peerID string, setup func(*websocket.Conn)) *client {
	e.t.Helper()
	ws, _, err := e.dial(secret)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	return e.joinOn(ws, peerID, setup)
}

// joinOn joins as peerID on ws and starts the client's reader.
func (e *env) joinOn(ws *websocket.Conn, peerID string, setup func(*websocket.Conn)) *client {
	e.t.Helper()
	return e.joinStorage(ws, peerID, "", setup)
}

// joinStorage joins as a peer with storage: its join carries storageID.
func (e *env) joinStorage(ws *websocket.Conn, peerID, storageID string, setup func(*websocket.Conn)) *client {
	e.t.Helper()
	if setup != nil {
		setup(ws)
	}
	c := &client{
		t: e.t, ed: clientEditor(), ws: ws, peerID: peerID, docs: map[string]*clientDoc{},
		in: make(chan wire.Message, 4096), closed: make(chan error, 1),
		unavailable: map[string]int{},
	}
	e.t.Cleanup(func() { _ = ws.Close() })
	go c.readLoop()
	c.write(wire.Message{Type: wire.TypeJoin, SenderID: peerID,
		PeerMetadata: &wire.PeerMetadata{StorageID: storageID}, SupportedProtocolVersions: []string{"1"}})
	m := c.next()
	if m.Type != wire.TypePeer {
		e.t.Fatalf("first reply = %s, want peer", m.Type)
	}
	c.server = m.SenderID
	return c
}

func (c *client) readLoop() {
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			c.closed <- err
			close(c.in)
			return
		}
		m, err := wire.Decode(b)
		if err != nil {
			c.closed <- fmt.Errorf("client decode: %w", err)
			close(c.in)
			return
		}
		c.in <- m
	}
}

func (c *client) write(m wire.Message) {
	c.t.Helper()
	b, err := wire.Encode(m)
	if err != nil {
		c.t.Fatalf("encode: %v", err)
	}
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) next() wire.Message {
	c.t.Helper()
	select {
	case m, ok := <-c.in:
		if !ok {
			c.t.Fatalf("connection closed: %v", <-c.closed)
		}
		return m
	case <-time.After(waitFor):
		c.t.Fatal("no message from the relay")
	}
	return wire.Message{}
}

func newDocID() string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	b := make([]byte, 28)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (c *client) doc(id string) *clientDoc {
	d := c.docs[id]
	if d == nil {
		nd := c.ed.engine.New()
		d = &clientDoc{doc: nd, ss: nd.NewSyncState()}
		c.docs[id] = d
	}
	return d
}

// sendSync sends the next sync message for doc id, if any.
func (c *client) sendSync(id, typ string) {
	c.t.Helper()
	d := c.doc(id)
	msg, ok := d.ss.Generate()
	if !ok {
		return
	}
	c.write(wire.Message{Type: typ, SenderID: c.peerID, TargetID: c.server, DocumentID: id, Data: msg})
}

func (c *client) edit(id, k, v string) {
	c.t.Helper()
	if err := c.ed.put(c.doc(id).doc, k, v); err != nil {
		c.t.Fatal(err)
	}
	c.sendSync(id, wire.TypeSync)
}

func (c *client) request(id string) {
	c.t.Helper()
	c.sendSync(id, wire.TypeRequest)
}

func (c *client) get(id, k string) string {
	d := c.docs[id]
	if d == nil {
		return ""
	}
	return c.ed.get(d.doc, k)
}

func (c *client) heads(id string) []docsync.Hash { return c.doc(id).doc.Heads() }

// handle processes one incoming message as automerge-repo would.
func (c *client) handle(m wire.Message) {
	c.t.Helper()
	switch m.Type {
	case wire.TypeSync:
		d := c.doc(m.DocumentID)
		if err := d.ss.Receive(m.Data); err != nil {
			c.t.Fatalf("client receive: %v", err)
		}
		c.syncs++
		d.received++
		c.sendSync(m.DocumentID, wire.TypeSync)
	case wire.TypeDocUnavailable:
		c.unavailable[m.DocumentID]++
	case wire.TypeEphemeral:
		c.ephemeral = append(c.ephemeral, m)
	case wire.TypeError:
		c.errors = append(c.errors, m)
	case wire.TypePeer:
		c.rejoined++
	case wire.TypeRemoteHeadsChanged:
		c.remoteHeads = append(c.remoteHeads, m)
	default:
		c.t.Fatalf("unexpected %s from the relay", m.Type)
	}
}

// until processes messages until cond holds.
func (c *client) until(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(waitFor)
	for !cond() {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatalf("waiting for %s: connection closed: %v", what, <-c.closed)
			}
			c.handle(m)
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// drain processes messages until none arrives for quiet.
func (c *client) drain(quiet time.Duration) {
	c.t.Helper()
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return
			}
			c.handle(m)
		case <-time.After(quiet):
			return
		}
	}
}

// untilAll processes every client's messages, as real clients do at the
// same time, until cond holds. Waiting on one client alone can stall: when
// the relay's bloom filter hides a change by false positive, it asks the
// author for it by name, and only a client that reads its messages answers.
func untilAll(t *testing.T, what string, clients []*client, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		busy := false
		for _, c := range clients {
			select {
			case m, ok := <-c.in:
				if !ok {
					t.Fatalf("waiting for %s: connection closed: %v", what, <-c.closed)
				}
				c.handle(m)
				busy = true
			default:
			}
		}
		if !busy {
			time.Sleep(time.Millisecond)
		}
	}
}

// closedWith waits for the relay to close the connection and returns the
// error message it sent first, if any.
func (c *client) closedWith() (string, error) {
	c.t.Helper()
	var msg string
	deadline := time.After(waitFor)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return msg, <-c.closed
			}
			if m.Type == wire.TypeError {
				msg = m.Message
			}
		case <-deadline:
			c.t.Fatal("the relay did not close the connection")
		}
	}
}

func sameHeads(a, b []docsync.Hash) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func isClose(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce)
}
