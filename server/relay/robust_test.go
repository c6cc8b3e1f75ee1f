package relay_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/wire"
)

// rawFrame sends bytes as one binary frame.
func (c *client) rawFrame(b []byte) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// checkOthersUnaffected proves the relay still serves a fresh client.
func (e *env) checkOthersUnaffected(tok string) {
	e.t.Helper()
	o := e.connect(tok, "peer-bystander")
	id := newDocID()
	o.edit(id, "k", "v")
	e.durable(o, id)
}

func TestProtocolErrorsCloseOnlyThatConnection(t *testing.T) {
	cases := []struct {
		name  string
		frame func(c *client) []byte
		want  string
	}{
		{"malformed CBOR", func(*client) []byte { return []byte{0xff, 0x00, 0x13} }, "malformed message"},
		{"not a map", func(*client) []byte { return []byte{0x83, 0x01, 0x02, 0x03} }, "malformed message"},
		{"unknown type", func(c *client) []byte {
			// {"type": "bogus", "senderId": peer}
			return append([]byte{0xa2, 0x64, 't', 'y', 'p', 'e', 0x65, 'b', 'o', 'g', 'u', 's',
				0x68, 's', 'e', 'n', 'd', 'e', 'r', 'I', 'd', 0x60 + byte(len(c.peerID))}, c.peerID...)
		}, "unknown message type"},
		{"bad sync bytes", func(c *client) []byte {
			b, _ := wire.Encode(wire.Message{Type: wire.TypeSync, SenderID: c.peerID, TargetID: c.server,
				DocumentID: newDocID(), Data: []byte("definitely not automerge")})
			return b
		}, "bad sync message"},
		{"invalid documentId", func(c *client) []byte {
			b, _ := wire.Encode(wire.Message{Type: wire.TypeRequest, SenderID: c.peerID, TargetID: c.server,
				DocumentID: "../../etc", Data: []byte{0x42, 0, 0, 0, 0}})
			return b
		}, "invalid documentId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			tok := e.token("w1")
			before, _ := e.st.LoadRange(context.Background(), nil)
			c := e.connect(tok, "peer-bad")
			c.rawFrame(tc.frame(c))
			msg, err := c.closedWith()
			if msg != tc.want {
				t.Errorf("error message = %q, want %q", msg, tc.want)
			}
			if !isClose(err) {
				t.Errorf("connection ended with %v, want a close frame", err)
			}
			after, _ := e.st.LoadRange(context.Background(), nil)
			if len(after) != len(before) {
				t.Errorf("store changed from %d to %d entries", len(before), len(after))
			}
			e.checkOthersUnaffected(tok)
		})
	}
}

// firstReply sends m as the first frame of a fresh connection (no join
// by the helper) and returns the relay's answer and how the socket ended.
func (e *env) firstReply(tok string, m wire.Message) (wire.Message, error) {
	e.t.Helper()
	ws, _, err := e.dial(tok)
	if err != nil {
		e.t.Fatal(err)
	}
	defer ws.Close()
	b, _ := wire.Encode(m)
	if err := ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		e.t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	_, data, err := ws.ReadMessage()
	if err != nil {
		e.t.Fatalf("read: %v", err)
	}
	reply, err := wire.Decode(data)
	if err != nil {
		e.t.Fatalf("decode reply: %v", err)
	}
	_, _, err = ws.ReadMessage()
	return reply, err
}

func TestFirstFrameErrors(t *testing.T) {
	cases := []struct {
		name     string
		first    wire.Message
		want     string
		wantPeer string
	}{
		{"wrong protocol version",
			wire.Message{Type: wire.TypeJoin, SenderID: "peer-future", SupportedProtocolVersions: []string{"2"}},
			"unsupported protocol version", "peer-future"},
		{"no join first",
			wire.Message{Type: wire.TypeRequest, SenderID: "p", TargetID: "x", DocumentID: newDocID(), Data: []byte{1}},
			"expected join first", "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			tok := e.token("w1")
			m, end := e.firstReply(tok, tc.first)
			if m.Type != wire.TypeError || m.Message != tc.want || m.TargetID != tc.wantPeer {
				t.Errorf("reply = %+v; want error %q to %s", m, tc.want, tc.wantPeer)
			}
			if !isClose(end) {
				t.Errorf("after the error: %v, want close", end)
			}
			e.checkOthersUnaffected(tok)
		})
	}
}

func TestMaxMessageSize(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) { c.MaxMessageBytes = 4 << 10 })
	tok := e.token("w1")
	c := e.connect(tok, "peer-big")
	big, _ := wire.Encode(wire.Message{Type: wire.TypeSync, SenderID: c.peerID, TargetID: c.server,
		DocumentID: newDocID(), Data: bytes.Repeat([]byte{0x42}, 8<<10)})
	// The relay may close before the whole frame is written.
	_ = c.ws.WriteMessage(websocket.BinaryMessage, big)
	_, err := c.closedWith()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("oversized frame ended the connection with %v, want close 1009", err)
	}
	waitUntil(t, "the size metric", func() bool {
		return e.metric(`commonplace_relay_connections_closed_total{reason="size"}`) == "1"
	})
	e.checkOthersUnaffected(tok)
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) { c.RateLimit = 1; c.RateBurst = 5 })
	tok := e.token("w1")
	c := e.connect(tok, "peer-flood") // the join spent one token
	b, _ := wire.Encode(wire.Message{Type: wire.TypeRemoteSubscriptionChange, SenderID: c.peerID, TargetID: c.server})
	for range 10 {
		if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
			break // the relay has closed it already
		}
	}
	if msg, _ := c.closedWith(); msg != "rate limit exceeded" {
		t.Errorf("error = %q, want rate limit exceeded", msg)
	}
	e.checkOthersUnaffected(tok)
}

// TestReadDeadline: a client that neither sends nor answers pings is
// dropped once ReadTimeout passes.
func TestReadDeadline(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) {
		c.PingInterval = 50 * time.Millisecond
		c.ReadTimeout = 200 * time.Millisecond
	})
	tok := e.token("w1")
	ws, _, err := e.dial(tok)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	// Never read: gorilla answers pings only while reading.
	waitUntil(t, "the silent connection to be dropped", func() bool {
		return e.metric(`commonplace_relay_connections`) == "0"
	})
}

// TestKeepaliveToleratesMissedPong: a busy client that skips a pong but
// answers later ones stays connected.
func TestKeepaliveToleratesMissedPong(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) {
		c.PingInterval = 150 * time.Millisecond
		c.ReadTimeout = 900 * time.Millisecond
	})
	tok := e.token("w1")
	var pings atomic.Int64
	c := e.connectWith(tok, "peer-busy", func(ws *websocket.Conn) {
		ws.SetPingHandler(func(data string) error {
			if pings.Add(1)%2 == 1 { // every other pong is "late": never sent
				return nil
			}
			return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		})
	})
	waitUntil(t, "ten pings", func() bool { return pings.Load() >= 10 })
	if got := e.metric("commonplace_relay_connections"); got != "1" {
		t.Fatalf("connections = %s after missed pongs, want 1", got)
	}
	id := newDocID()
	c.edit(id, "k", "still here")
	e.durable(c, id)
}

// TestSlowClientDroppedOthersUnaffected: a client that stops reading is
// disconnected when its queue fills; the writer next to it keeps going.
func TestSlowClientDroppedOthersUnaffected(t *testing.T) {
	for name, limit := range map[string]func(*relay.Config){
		"frame limit": func(c *relay.Config) { c.SendQueue = 4 },
		"byte limit":  func(c *relay.Config) { c.SendQueue = 100_000; c.SendQueueBytes = 3 << 20 },
	} {
		t.Run(name, func(t *testing.T) {
			testSlowClient(t, func(c *relay.Config) { c.MaxMessageBytes = 8 << 20; limit(c) })
		})
	}
}

func testSlowClient(t *testing.T, cfg func(*relay.Config)) {
	e := newEnv(t, cfg)
	tok := e.token("w1")
	fast := e.connect(tok, "peer-fast")
	id := newDocID()
	fast.edit(id, "k", "v")
	e.durable(fast, id)

	// The slow client opens the doc, then stops reading, with a tiny
	// receive buffer so the kernel does not absorb much.
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		nc, err := net.Dial(network, addr)
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4 << 10)
		}
		return nc, err
	}}
	ws, _, err := d.Dial(e.url(tok), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	slow := &client{t: t, ed: clientEditor(), ws: ws, peerID: "peer-slow", server: fast.server, docs: map[string]*clientDoc{}}
	slow.write(wire.Message{Type: wire.TypeJoin, SenderID: "peer-slow", SupportedProtocolVersions: []string{"1"}})
	slow.request(id)

	// Ephemeral messages are relayed to every peer with the doc open and
	// cost the relay nothing to store: a cheap way to fill a socket.
	big := make([]byte, 1<<20)
	for i := 0; i < 200 && e.metric(`commonplace_relay_connections_closed_total{reason="slow"}`) == ""; i++ {
		_, _ = rand.Read(big)
		fast.write(wire.Message{Type: wire.TypeEphemeral, SenderID: fast.peerID, TargetID: fast.server,
			DocumentID: id, SessionID: "s", Count: uint64(i + 1), Data: big})
		fast.edit(id, "n", fmt.Sprint(i))
		e.durable(fast, id) // the fast client is never held up
	}
	if got := e.metric(`commonplace_relay_connections_closed_total{reason="slow"}`); got != "1" {
		t.Fatalf("slow disconnects = %q, want 1", got)
	}
	fast.edit(id, "after", "ok")
	e.durable(fast, id)
}

func TestCloseFlushesAndRefuses(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "k", "0")
	e.durable(a, id)
	b := e.connect(tok, "peer-b")
	b.request(id)
	b.until("b open", func() bool { return b.get(id, "k") == "0" })
	for i := 1; i <= 20; i++ {
		a.edit(id, "k", fmt.Sprint(i))
	}
	e.durable(a, id)
	// b has not read those changes yet; Close must still deliver them.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.srv.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	var closeErr error
	for m := range b.in {
		b.handleQuiet(m)
	}
	closeErr = <-b.closed
	var ce *websocket.CloseError
	if !errors.As(closeErr, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("b's connection ended with %v, want close 1001", closeErr)
	}
	if b.get(id, "k") != "20" {
		t.Errorf("b has k = %q after shutdown, want 20: queued changes were not flushed", b.get(id, "k"))
	}
	resp, err := http.Get(e.http.URL + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("healthz after close = %d, want 503", resp.StatusCode)
		}
	}
	if _, resp, err := e.dial(tok); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after close: %v, want 503", err)
	}
}

// handleQuiet applies a message without answering (the server is gone).
func (c *client) handleQuiet(m wire.Message) {
	if m.Type == wire.TypeSync {
		if err := c.doc(m.DocumentID).ss.Receive(m.Data); err != nil {
			c.t.Errorf("receive: %v", err)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, nil)
	for name, secret := range map[string]string{"no token": "", "bad token": "not-a-token"} {
		t.Run(name, func(t *testing.T) {
			resp, err := http.Get(e.http.URL + "/sync?token=" + secret)
			if err != nil {
				t.Fatal(err)
			}
			body := make([]byte, 200)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.StatusCode)
			}
			if !strings.Contains(string(body[:n]), "token") {
				t.Errorf("body %q does not say what is wrong", body[:n])
			}
			if _, resp, err := e.dial(secret); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("websocket dial: %v, want 401", err)
			}
		})
	}
}

// slowConn trickles writes out in small pieces, like a poor uplink.
type slowConn struct {
	net.Conn
	piece int
	pause time.Duration
}

func (s slowConn) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(s.piece, len(b))
		m, err := s.Conn.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		b = b[k:]
		time.Sleep(s.pause)
	}
	return n, nil
}

// TestSlowUploadNotCutOff: a frame that takes longer than ReadTimeout to
// arrive, but keeps arriving, is read to the end.
func TestSlowUploadNotCutOff(t *testing.T) {
	e := newEnv(t, func(c *relay.Config) {
		c.PingInterval = 150 * time.Millisecond
		c.ReadTimeout = 500 * time.Millisecond
	})
	tok := e.token("w1")
	// A write buffer larger than the message makes it one frame, as
	// browsers send it: no pong can slip in between fragments.
	d := websocket.Dialer{WriteBufferSize: 2 << 20, NetDial: func(network, addr string) (net.Conn, error) {
		nc, err := net.Dial(network, addr)
		if err != nil {
			return nil, err
		}
		return slowConn{Conn: nc, piece: 2 << 10, pause: 10 * time.Millisecond}, nil
	}}
	ws, _, err := d.Dial(e.url(tok), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	// A browser answers a ping once its current frame is out, however
	// long that takes. gorilla's default handler gives its pong a second,
	// and this client's own upload holds the write lock for about two:
	// a pong that gets the lock just before its deadline then fails on
	// this link, and the client, not the relay, ends the connection.
	ws.SetPingHandler(func(data string) error {
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Minute))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
	c := e.joinOn(ws, "peer-slow-uplink", nil)
	big := make([]byte, 200<<10)
	_, _ = rand.Read(big)
	id := newDocID()
	c.edit(id, "blob", fmt.Sprintf("%x", big)) // 400 KB of text: about a second on this link
	e.durable(c, id)
}
