package relay

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// maxBatchBytes bounds the frames a writer gathers before one system call;
// a larger message is written on its own.
const maxBatchBytes = 64 << 10

// batchConn is a connection whose writer can gather several WebSocket
// frames and send them with one write: between hold and flush, writes are
// buffered. A relay's writer usually finds several messages queued for a
// client (every partner's change, and the answers to its own), and one
// system call per frame had been the largest part of the relay's write
// path. gorilla/websocket writes each frame with one Write on the net.Conn
// it hijacked, so buffering there keeps its framing and its locking, and
// control frames written from other goroutines (pongs) go out in order.
type batchConn struct {
	net.Conn

	mu      sync.Mutex
	holding bool
	buf     []byte
}

// Write sends p, or buffers it while the writer holds.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holding {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// hold starts buffering writes.
func (c *batchConn) hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = true
}

// flush ends buffering and sends what was buffered in one write.
func (c *batchConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 2*maxBatchBytes {
		c.buf = nil // one large frame should not stay with the connection
	} else {
		c.buf = c.buf[:0]
	}
	return err
}

// batchWriter is the http.ResponseWriter handed to the WebSocket upgrader:
// its Hijack wraps the connection in a batchConn.
type batchWriter struct {
	http.ResponseWriter
	conn *batchConn // set by Hijack
}

func (w *batchWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("relay: response writer cannot hijack the connection")
	}
	nc, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &batchConn{Conn: nc}
	return w.conn, brw, nil
}
