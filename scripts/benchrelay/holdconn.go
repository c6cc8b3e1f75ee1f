package main

import (
	"context"
	"net"
	"sync"
)

// holdConn sends a client's replies to the frames of one read together.
// A client answers every sync message at once, and one TCP read usually
// brings several frames; writing each answer with its own system call
// made writes a tenth of the generator's CPU. While the reader works
// through what it read, writes (its answers, and edits from other
// goroutines) are buffered; they go out in one write just before the
// reader next reads, which is also before it could block. A write while
// the reader waits for data goes out at once.
type holdConn struct {
	net.Conn

	mu      sync.Mutex
	waiting bool // the reader is in Read on the connection
	buf     []byte
	err     error // from a buffered write, reported by the next Write
}

// dialHold dials TCP and wraps the connection in a holdConn.
func dialHold(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &holdConn{Conn: c}, nil
}

func (c *holdConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if len(c.buf) > 0 {
		_, c.err = c.Conn.Write(c.buf)
		c.buf = c.buf[:0]
	}
	c.waiting = true
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.waiting = false
	c.mu.Unlock()
	return n, err
}

func (c *holdConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.waiting {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}
