package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	am "github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/server/wire"
	"github.com/commonplace/commonplace/wasm/repo"
	"github.com/gorilla/websocket"
)

// syncClient speaks automerge-repo's wire protocol to a relay the way a
// stock client does (join, then request/sync per document), driving
// automerge-go documents. Tests use it to write load and to read back what
// the server holds.
type syncClient struct {
	conn   *websocket.Conn
	peerID string
	server string // the relay's peerId, from its peer message
}

// dialSync connects with token and completes the join/peer handshake.
func dialSync(url, peerID string) (*syncClient, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.Dial(url, nil)
	if err != nil {
		return nil, resp, err
	}
	c := &syncClient{conn: conn, peerID: peerID}
	err = c.send(wire.Message{
		Type:                      wire.TypeJoin,
		SenderID:                  peerID,
		PeerMetadata:              &wire.PeerMetadata{IsEphemeral: true},
		SupportedProtocolVersions: []string{wire.ProtocolV1},
	})
	if err != nil {
		conn.Close()
		return nil, resp, err
	}
	m, err := c.recv(10 * time.Second)
	if err != nil {
		conn.Close()
		return nil, resp, fmt.Errorf("await peer: %w", err)
	}
	if m.Type != wire.TypePeer {
		conn.Close()
		return nil, resp, fmt.Errorf("answer to join is %q, not peer", m.Type)
	}
	c.server = m.SenderID
	return c, resp, nil
}

func (c *syncClient) Close() error { return c.conn.Close() }

func (c *syncClient) send(m wire.Message) error {
	b, err := wire.Encode(m)
	if err != nil {
		return fmt.Errorf("encode %s: %w", m.Type, err)
	}
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.conn.WriteMessage(websocket.BinaryMessage, b)
}

func (c *syncClient) recv(timeout time.Duration) (wire.Message, error) {
	c.conn.SetReadDeadline(time.Now().Add(timeout))
	typ, b, err := c.conn.ReadMessage()
	if err != nil {
		return wire.Message{}, err
	}
	if typ != websocket.BinaryMessage {
		return wire.Message{}, fmt.Errorf("frame type %d, want binary", typ)
	}
	return wire.Decode(b)
}

// sendSync sends the sync message ss generates for doc id, if any; kind is
// request for a document the client does not have yet, sync otherwise.
func (c *syncClient) sendSync(id, kind string, ss *am.SyncState) (bool, error) {
	msg, ok := ss.GenerateMessage()
	if !ok {
		return false, nil
	}
	return true, c.send(wire.Message{Type: kind, SenderID: c.peerID, TargetID: c.server, DocumentID: id, Data: msg.Bytes()})
}

// errUnavailable is returned by fetch when the server answers
// doc-unavailable.
var errUnavailable = errors.New("document unavailable")

// fetch reads document id from the server into a fresh document and
// returns it once the client holds every change the server announced.
func (c *syncClient) fetch(id string, timeout time.Duration) (*am.Doc, error) {
	doc := am.New()
	_, err := c.exchange(id, wire.TypeRequest, am.NewSyncState(doc), timeout, func(sm *am.SyncMessage) bool {
		return len(sm.Heads()) > 0 && hasAll(doc, sm.Heads())
	})
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", id, err)
	}
	return doc, nil
}

// push sends doc's changes to the server and waits until the server's
// sync reply reports heads that contain the document's current heads. It
// returns those heads: what the server acknowledged having.
func (c *syncClient) push(id string, doc *am.Doc, ss *am.SyncState, timeout time.Duration) ([]am.ChangeHash, error) {
	sm, err := c.exchange(id, wire.TypeSync, ss, timeout, func(sm *am.SyncMessage) bool {
		return containsAll(sm.Heads(), doc.Heads())
	})
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", id, err)
	}
	return sm.Heads(), nil
}

// exchange runs sync rounds for document id, starting with a message of
// kind, until done accepts a message from the server (which it returns).
func (c *syncClient) exchange(id, kind string, ss *am.SyncState, timeout time.Duration, done func(*am.SyncMessage) bool) (*am.SyncMessage, error) {
	if _, err := c.sendSync(id, kind, ss); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		m, err := c.recv(time.Until(deadline))
		if err != nil {
			return nil, err
		}
		if m.DocumentID != id {
			continue
		}
		if m.Type == wire.TypeDocUnavailable {
			return nil, errUnavailable
		}
		if m.Type != wire.TypeSync && m.Type != wire.TypeRequest {
			continue
		}
		sm, err := ss.ReceiveMessage(m.Data)
		if err != nil {
			return nil, fmt.Errorf("receive: %w", err)
		}
		if done(sm) {
			return sm, nil
		}
		if _, err := c.sendSync(id, wire.TypeSync, ss); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("no answer within %v", timeout)
}

// hasAll reports whether doc contains every change in heads.
func hasAll(doc *am.Doc, heads []am.ChangeHash) bool {
	for _, h := range heads {
		if _, err := doc.Change(h); err != nil {
			return false
		}
	}
	return true
}

func containsAll(have, want []am.ChangeHash) bool {
	set := map[am.ChangeHash]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, h := range want {
		if !set[h] {
			return false
		}
	}
	return true
}

// newDocumentID returns an automerge-repo document ID, made the way the
// field app makes them.
func newDocumentID() string {
	id, err := repo.NewDocumentID()
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return id
}
