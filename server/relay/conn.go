package relay

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/crdt/syncproto"
	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// upgrader accepts any origin: clients authenticate with a token in the
// URL, not with cookies, so a foreign page gains nothing. Compression is
// off: sync messages are mostly compressed Automerge columns already, and
// per-message deflate costs memory per connection.
var upgrader = websocket.Upgrader{
	CheckOrigin:       func(*http.Request) bool { return true },
	EnableCompression: false,
}

// conn is one WebSocket connection. Its reader goroutine decodes and
// handles messages one at a time; its writer goroutine owns all writes,
// fed by a bounded queue: a client that does not read is disconnected
// rather than allowed to hold anyone up.
type conn struct {
	// frame is the read loop's buffer, reused for every frame (the
	// decoder copies what it keeps) unless one grew it past keptFrameBytes.
	frame bytes.Buffer
	s     *Server
	ws    *websocket.Conn
	net   *batchConn // under ws: lets the writer send queued frames together
	token access.Token
	log   *slog.Logger
	num   uint64

	queue     chan []byte
	queued    atomic.Int64  // bytes in queue
	readDone  chan struct{} // closed when the reader has stopped
	closing   chan struct{} // closed once: writer flushes, says goodbye, closes
	once      sync.Once
	finalMsg  *wire.Message // written after the queue, before the close frame
	closeCode int

	// Owned by the reader goroutine.
	session docsync.PeerID // current session; new on every join
	gen     int
	open    map[string]struct{} // documents this session has open or waits for
	waits   int                 // unclaimed documents waited for (see maxWaitsPerConn)
	bucket  *bucket
	// inflight counts the session's sync messages handed to documents
	// and not yet done; see inflight.go.
	inflight inflight

	// dlMu orders read-deadline changes against stopReading, so a late
	// extension cannot undo the server's stop.
	dlMu     sync.Mutex
	stopping bool

	mu        sync.Mutex
	peerID    string               // client peerId after join
	sentAt    map[string]time.Time // last unanswered sync per document, for the RTT metric
	storageID string               // the peer's storageId from its join, if usable (gossip.go)
	subs      map[string]struct{}  // storage IDs the session subscribed to (gossip.go)
}

func (s *Server) serveSync(w http.ResponseWriter, r *http.Request) {
	if s.closing.Load() {
		http.Error(w, "relay is shutting down", http.StatusServiceUnavailable)
		return
	}
	secret := r.URL.Query().Get("token")
	if secret == "" {
		http.Error(w, "missing token: connect to /sync?token=<secret>", http.StatusUnauthorized)
		return
	}
	tok, err := s.access.Authenticate(r.Context(), secret)
	if errors.Is(err, access.ErrBadToken) {
		http.Error(w, "invalid or revoked token", http.StatusUnauthorized)
		return
	}
	if err != nil {
		s.log.Error("authenticate", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	bw := &batchWriter{ResponseWriter: w}
	ws, err := upgrader.Upgrade(bw, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	s.mu.Lock()
	if s.closing.Load() { // Close has taken its list of connections
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.nextConn++
	c := &conn{
		s: s, ws: ws, net: bw.conn, token: tok, num: s.nextConn,
		queue:     make(chan []byte, s.cfg.SendQueue),
		readDone:  make(chan struct{}),
		closing:   make(chan struct{}),
		open:      map[string]struct{}{},
		bucket:    newBucket(s.cfg.RateLimit, s.cfg.RateBurst, s.cfg.Now()),
		sentAt:    map[string]time.Time{},
		subs:      map[string]struct{}{},
		closeCode: websocket.CloseNormalClosure,
	}
	c.log = s.log.With("conn", c.num, "token", tok.ID, "workspace", tok.Workspace)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	s.metrics.connections.Inc()
	c.log.Debug("connected", "remote", r.RemoteAddr)
	go c.run()
}

// run starts the writer and runs the reader; it returns when both are done.
func (c *conn) run() {
	defer c.s.wg.Done()
	wdone := make(chan struct{})
	go func() { c.writeLoop(); close(wdone) }()
	c.readLoop()
	// The messages handed to documents finish first (their writes and
	// replies), so whoever waits on readDone, Close among them, sees
	// every reply to what this connection sent.
	c.inflight.wait()
	close(c.readDone)
	if !c.isStopping() {
		c.shutdown() // when the server stops, Close decides when to flush
	}
	<-wdone
	_ = c.ws.Close()
	c.cleanup()
}

func (c *conn) cleanup() {
	c.inflight.wait()
	c.leaveAll()
	c.resetGossip(wire.Message{})
	s := c.s
	s.mu.Lock()
	delete(s.conns, c)
	if p := c.peerIDOr(); s.byPeer[p] == c {
		delete(s.byPeer, p)
	}
	s.mu.Unlock()
	s.metrics.connections.Dec()
	c.log.Debug("disconnected")
}

// leaveAll ends the current session on every document it has open.
func (c *conn) leaveAll() {
	for id := range c.open {
		c.s.hub.leave(id, c.session)
	}
	c.open = map[string]struct{}{}
	c.waits = 0
	if c.session != "" {
		c.s.mu.Lock()
		delete(c.s.sessions, c.session)
		c.s.mu.Unlock()
	}
}

func (c *conn) readLoop() {
	cfg := c.s.cfg
	c.ws.SetReadLimit(cfg.MaxMessageBytes)
	extend := func() {
		c.dlMu.Lock()
		defer c.dlMu.Unlock()
		if !c.stopping {
			_ = c.ws.SetReadDeadline(time.Now().Add(cfg.ReadTimeout))
		}
	}
	extend()
	c.ws.SetPongHandler(func(string) error { extend(); return nil })
	for {
		typ, data, err := c.readMessage(extend)
		if err != nil {
			c.readError(err)
			return
		}
		select {
		case <-c.closing:
			return // handle nothing more once closing
		default:
		}
		if c.isStopping() {
			return // the server is stopping: this frame is not handled
		}
		extend()
		c.s.metrics.bytes.WithLabelValues("in").Add(float64(len(data)))
		if typ != websocket.BinaryMessage {
			c.fail("expected a binary frame", "protocol")
			return
		}
		if !c.bucket.allow(cfg.Now()) {
			c.fail("rate limit exceeded", "rate")
			return
		}
		m, err := c.s.codec.Decode(data)
		switch {
		case errors.Is(err, wire.ErrUnknownType):
			c.fail("unknown message type", "protocol")
			return
		case err != nil:
			c.log.Debug("undecodable frame", "err", err)
			c.fail("malformed message", "protocol")
			return
		}
		c.s.metrics.messages.WithLabelValues("in", m.Type).Inc()
		if !c.handle(m) {
			return
		}
	}
}

// readMessage reads one message, extending the read deadline whenever a
// part of it arrives: a big first sync over a slow link is slow but alive,
// and must not be cut off because it takes longer than ReadTimeout. The
// bytes are valid until the next call.
func (c *conn) readMessage(extend func()) (int, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return typ, nil, err
	}
	if c.frame.Cap() > keptFrameBytes {
		c.frame = bytes.Buffer{} // one big message must not pin its size
	}
	c.frame.Reset()
	if _, err := c.frame.ReadFrom(extendingReader{r, extend}); err != nil {
		return typ, nil, err
	}
	return typ, c.frame.Bytes(), nil
}

// keptFrameBytes bounds the read buffer a connection keeps between
// messages.
const keptFrameBytes = 1 << 20

// extendingReader calls extend whenever a read returns data.
type extendingReader struct {
	r      io.Reader
	extend func()
}

func (e extendingReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if n > 0 {
		e.extend()
	}
	return n, err
}

func (c *conn) readError(err error) {
	if c.isStopping() {
		return
	}
	select {
	case <-c.closing:
		return // we are closing it
	default:
	}
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		c.fail("message too large", "size")
	case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived):
		c.log.Debug("client closed")
	default:
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			c.s.metrics.dropped.WithLabelValues("timeout").Inc()
			c.log.Info("read deadline passed", "err", err)
			return
		}
		c.log.Debug("read", "err", err)
	}
}

// send queues m for the client. If the queue is full the client is too
// slow: it is cut off at once, and nobody waits for it.
func (c *conn) send(m wire.Message) { c.sendData(m, nil) }

// sendData is send for a message whose data, when not nil, is encoded
// into its frame (see docsync.Send.Sync).
func (c *conn) sendData(m wire.Message, data *syncproto.Message) {
	m.TargetID = c.peerIDOr()
	var b []byte
	var err error
	if data != nil {
		b, err = c.s.codec.EncodeData(m, data)
	} else {
		b, err = c.s.codec.Encode(m)
	}
	if err != nil {
		c.log.Error("encode", "type", m.Type, "err", err)
		return
	}
	select {
	case <-c.closing:
		return
	default:
	}
	if q := c.queued.Add(int64(len(b))); q > c.s.cfg.SendQueueBytes && q != int64(len(b)) {
		c.queued.Add(-int64(len(b)))
		c.slow()
		return
	}
	select {
	case c.queue <- b:
		c.s.metrics.messages.WithLabelValues("out", m.Type).Inc()
		if m.Type == wire.TypeSync {
			c.mu.Lock()
			if _, ok := c.sentAt[m.DocumentID]; !ok {
				c.sentAt[m.DocumentID] = c.s.cfg.Now()
			}
			c.mu.Unlock()
		}
	default:
		c.queued.Add(-int64(len(b)))
		c.slow()
	}
}

// slow cuts off a client whose send queue is full.
func (c *conn) slow() {
	c.log.Warn("send queue full: disconnecting slow client")
	c.s.metrics.dropped.WithLabelValues("slow").Inc()
	c.kill()
}

// stopReading makes the reader stop at its next frame (or now, if it is
// waiting for one); the writer goes on until shutdown.
func (c *conn) stopReading() {
	c.dlMu.Lock()
	defer c.dlMu.Unlock()
	c.stopping = true
	_ = c.ws.SetReadDeadline(time.Now())
}

func (c *conn) isStopping() bool {
	c.dlMu.Lock()
	defer c.dlMu.Unlock()
	return c.stopping
}

// observeReply records a sync round trip when the client answers.
func (c *conn) observeReply(doc string) {
	c.mu.Lock()
	t, ok := c.sentAt[doc]
	delete(c.sentAt, doc)
	c.mu.Unlock()
	if ok {
		c.s.metrics.syncRTT.Observe(c.s.cfg.Now().Sub(t).Seconds())
	}
}

// fail sends the client an error message after what is queued, then
// closes the connection.
func (c *conn) fail(msg, reason string) {
	c.once.Do(func() {
		c.log.Info("closing connection", "reason", msg)
		c.s.metrics.dropped.WithLabelValues(reason).Inc()
		c.finalMsg = &wire.Message{Type: wire.TypeError, SenderID: c.s.peerID, TargetID: c.peerIDOr(), Message: msg}
		c.closeCode = websocket.ClosePolicyViolation
		close(c.closing)
	})
}

// shutdown flushes the queue and closes the connection normally.
func (c *conn) shutdown() {
	c.once.Do(func() {
		c.closeCode = websocket.CloseGoingAway
		close(c.closing)
	})
}

// kill closes the socket at once, dropping what is queued.
func (c *conn) kill() {
	c.once.Do(func() { close(c.closing) })
	_ = c.ws.NetConn().Close()
}

// peerIDOr returns the client's peerId, or "unknown" before its join.
func (c *conn) peerIDOr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.peerID != "" {
		return c.peerID
	}
	return "unknown"
}

func (c *conn) writeLoop() {
	cfg := c.s.cfg
	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()
	write := func(b []byte) bool {
		c.queued.Add(-int64(len(b)))
		_ = c.ws.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
		if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
			c.log.Debug("write", "err", err)
			return false
		}
		c.s.metrics.bytes.WithLabelValues("out").Add(float64(len(b)))
		return true
	}
	for {
		select {
		case b := <-c.queue:
			if !c.writeBatch(b, write) {
				c.kill()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteTimeout)); err != nil {
				c.kill()
				return
			}
		case <-c.closing:
			c.flush(write)
			return
		}
	}
}

// writeBatch writes b and whatever else is queued, up to maxBatchBytes,
// and sends them in one system call.
func (c *conn) writeBatch(b []byte, write func([]byte) bool) bool {
	if len(b) >= maxBatchBytes {
		return write(b)
	}
	c.net.hold()
	ok, n := write(b), len(b)
gather:
	for ok && n < maxBatchBytes {
		select {
		case b = <-c.queue:
			ok, n = write(b), n+len(b)
		default:
			break gather // nothing more queued
		}
	}
	if err := c.net.flush(); err != nil {
		c.log.Debug("write", "err", err)
		return false
	}
	return ok
}

// flush writes what is still queued, the final message if any, and a
// close frame; then it gives the client a moment to answer the close
// before the reader is cut off.
func (c *conn) flush(write func([]byte) bool) {
	for {
		select {
		case b := <-c.queue:
			if !write(b) {
				c.kill()
				return
			}
			continue
		default:
		}
		break
	}
	if c.finalMsg != nil {
		b, err := c.s.codec.Encode(*c.finalMsg)
		if err == nil {
			c.queued.Add(int64(len(b))) // write takes it off again
		}
		if err == nil && write(b) {
			c.s.metrics.messages.WithLabelValues("out", wire.TypeError).Inc()
		}
	}
	deadline := time.Now().Add(c.s.cfg.WriteTimeout)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, ""), deadline)
	// The reader ends when the client's close frame arrives; do not wait
	// for a client that never sends one.
	c.dlMu.Lock()
	c.stopping = true
	_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
	c.dlMu.Unlock()
}
