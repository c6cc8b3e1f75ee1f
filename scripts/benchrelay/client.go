package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/crdt/syncproto"
	"github.com/commonplace/commonplace/server/wire"
)

// Bounds on one connection. A cold sync frame carries a whole document, so
// the read limit is generous; writes that stall this long mean the server is
// gone.
const (
	writeTimeout = 30 * time.Second
	queueDepth   = 1 << 14
)

// errClosed is returned by a client after close.
var errClosed = errors.New("client closed")

// client is one automerge-repo peer without storage, speaking protocol v1
// over one WebSocket. It answers every sync message at once (no throttle) so
// the figures measure the server, not client pacing. Incoming messages are
// handled by a few workers, each owning a share of the documents, so one
// document's messages are applied in order.
type client struct {
	peerID   string
	serverID string
	conn     *websocket.Conn
	codec    *wire.Codec

	wmu sync.Mutex // one writer at a time, as gorilla/websocket requires

	mu   sync.Mutex
	docs map[string]*docState
	err  error

	queues  []*mailbox
	workers sync.WaitGroup
	reader  chan struct{} // closed when the read loop ends
}

// inbound is what a worker needs of one frame. It is kept small: every
// queue holds queueDepth of them, and the collector scans whole queues.
type inbound struct {
	docID       string
	data        []byte
	unavailable bool
	at          time.Time
}

// docState is a client's copy of one document and its sync state with the
// server: a crdt document (doc, ss) for clients that edit, or a change
// graph (graph, gs) for clients that only watch (replica.go says why).
// observe runs with mu held after each sync message from the server;
// unavailable runs when the server answers doc-unavailable.
type docState struct {
	id string

	mu          sync.Mutex
	doc         *crdt.Doc
	ss          *crdt.SyncState
	graph       *syncproto.ChangeGraph
	gs          *syncproto.State
	fetching    bool
	observe     func(ds *docState, v serverView, at time.Time)
	unavailable func(at time.Time)
}

// newDocState wraps doc. fetching says the client does not have the
// document yet and asks for it with a request message.
func newDocState(id string, doc *crdt.Doc, fetching bool) *docState {
	return &docState{id: id, doc: doc, ss: crdt.NewSyncState(doc), fetching: fetching}
}

// dial connects to url, joins and waits for the server's peer message.
// workers goroutines handle the frames it reads, each owning a share of
// the documents; with none, the read loop handles every frame itself.
func dial(ctx context.Context, url string, codec *wire.Codec, workers int) (*client, error) {
	d := websocket.Dialer{HandshakeTimeout: 60 * time.Second, NetDialContext: dialHold}
	conn, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	conn.SetReadLimit(int64(codec.Limits().MaxMessageBytes))
	c := &client{
		peerID: "peer-bench-" + strconv.FormatUint(rand.Uint64(), 36),
		conn:   conn,
		codec:  codec,
		docs:   map[string]*docState{},
		queues: make([]*mailbox, max(workers, 0)),
		reader: make(chan struct{}),
	}
	if err := c.write(wire.Message{
		Type:                      wire.TypeJoin,
		SenderID:                  c.peerID,
		PeerMetadata:              &wire.PeerMetadata{IsEphemeral: false},
		SupportedProtocolVersions: []string{wire.ProtocolV1},
	}); err != nil {
		conn.Close()
		return nil, err
	}
	if err := c.awaitPeer(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	for i := range c.queues {
		c.queues[i] = newMailbox(queueDepth)
		c.workers.Add(1)
		go c.work(c.queues[i])
	}
	go c.read()
	return c, nil
}

// awaitPeer reads frames until the server's peer answer.
func (c *client) awaitPeer(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { c.conn.SetReadDeadline(time.Now()) })
	defer stop()
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("join: %w", ctx.Err())
			}
			return fmt.Errorf("join: %w", err)
		}
		m, err := c.codec.Decode(b)
		if errors.Is(err, wire.ErrUnknownType) {
			continue
		}
		if err != nil {
			return fmt.Errorf("join: %w", err)
		}
		switch m.Type {
		case wire.TypePeer:
			c.serverID = m.SenderID
			return nil
		case wire.TypeError:
			return fmt.Errorf("join: server error %q", m.Message)
		}
	}
}

func (c *client) read() {
	defer close(c.reader)
	defer func() {
		for _, q := range c.queues {
			q.close()
		}
	}()
	// One buffer serves every frame: Decode copies the data out, and
	// ReadMessage would allocate each frame anew, growing it as it reads.
	var frame bytes.Buffer
	for {
		b, err := readFrame(c.conn, &frame)
		if err != nil {
			c.fail(fmt.Errorf("read: %w", err))
			return
		}
		at := time.Now()
		m, err := c.codec.Decode(b)
		if errors.Is(err, wire.ErrUnknownType) {
			continue // a newer server's message; a v1 client ignores it
		}
		if err != nil {
			c.fail(fmt.Errorf("read: %w", err))
			return
		}
		switch m.Type {
		case wire.TypeSync, wire.TypeRequest, wire.TypeDocUnavailable:
			in := inbound{docID: m.DocumentID, data: m.Data, unavailable: m.Type == wire.TypeDocUnavailable, at: at}
			if len(c.queues) == 0 {
				if err := c.handle(in); err != nil { // inline: no hand-off
					c.fail(err)
				}
				continue
			}
			c.queues[c.shard(m.DocumentID)].put(in)
		case wire.TypeError:
			c.fail(fmt.Errorf("server error %q", m.Message))
		}
	}
}

// readFrame reads the next message into buf, which it returns the bytes
// of: they are valid until the next call.
func readFrame(conn *websocket.Conn, buf *bytes.Buffer) ([]byte, error) {
	_, r, err := conn.NextReader()
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// shard picks docID's worker by its FNV-1a hash, computed in place: this
// runs for every frame the client reads.
func (c *client) shard(docID string) int {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for i := 0; i < len(docID); i++ {
		h = (h ^ uint32(docID[i])) * prime
	}
	return int(h % uint32(len(c.queues)))
}

func (c *client) work(q *mailbox) {
	defer c.workers.Done()
	var batch []inbound
	for {
		var ok bool
		if batch, ok = q.take(batch); !ok {
			return
		}
		for _, in := range batch {
			if err := c.handle(in); err != nil {
				c.fail(err)
			}
		}
	}
}

func (c *client) handle(in inbound) error {
	c.mu.Lock()
	ds := c.docs[in.docID]
	c.mu.Unlock()
	if ds == nil {
		return nil // not a document this client asked about
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if in.unavailable {
		if ds.unavailable != nil {
			ds.unavailable(in.at)
		}
		return nil
	}
	v, err := ds.receive(in.data)
	if err != nil {
		return fmt.Errorf("doc %s: %w", ds.id, err)
	}
	if ds.fetching && len(ds.heads()) > 0 {
		ds.fetching = false
	}
	if ds.observe != nil {
		ds.observe(ds, v, in.at)
	}
	return c.sendLocked(ds)
}

// open registers ds and sends its first sync (or request) message.
func (c *client) open(ds *docState) error {
	c.mu.Lock()
	c.docs[ds.id] = ds
	c.mu.Unlock()
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return c.sendLocked(ds)
}

// edit applies mutate to ds's document, commits, tells record the new
// change's hash and sends the change to the server, all under ds's lock so
// record runs before any reply can be observed.
func (c *client) edit(ds *docState, mutate func(*crdt.Doc) error, record func(crdt.ChangeHash, time.Time)) error {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if err := mutate(ds.doc); err != nil {
		return fmt.Errorf("doc %s: edit: %w", ds.id, err)
	}
	h, err := ds.doc.Commit("")
	if err != nil {
		return fmt.Errorf("doc %s: commit: %w", ds.id, err)
	}
	if record != nil {
		record(h, time.Now())
	}
	return c.sendLocked(ds)
}

// sendLocked sends the next sync message for ds, if the sync state has one.
func (c *client) sendLocked(ds *docState) error {
	data, ok := ds.next()
	if !ok {
		return nil
	}
	typ := wire.TypeSync
	if ds.fetching {
		typ = wire.TypeRequest
	}
	return c.write(wire.Message{
		Type:       typ,
		SenderID:   c.peerID,
		TargetID:   c.serverID,
		DocumentID: ds.id,
		Data:       data,
	})
}

func (c *client) write(m wire.Message) error {
	if err := c.Err(); err != nil {
		return err
	}
	b, err := c.codec.Encode(m)
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := c.conn.WriteMessage(websocket.BinaryMessage, b); err != nil {
		err = fmt.Errorf("write %s: %w", m.Type, err)
		c.fail(err)
		return err
	}
	return nil
}

func (c *client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// Err returns the first error the connection met, if any.
func (c *client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// close drops the connection and waits for the reader and workers.
func (c *client) close() {
	c.fail(errClosed)
	c.conn.Close()
	<-c.reader
	c.workers.Wait()
}

// setObserver replaces ds's observer while workers may be using it.
func (ds *docState) setObserver(f func(*docState, serverView, time.Time)) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.observe = f
}
