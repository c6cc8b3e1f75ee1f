package relay

import (
	"bytes"
	"io"
	"net"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// countingConn counts the writes that reach a real TCP connection.
type countingConn struct {
	net.Conn
	writes atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// tcpPair returns both ends of a TCP connection on 127.0.0.1.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestBatchConn: writes pass straight through unless held; held writes
// leave in one write, in order, at flush.
func TestBatchConn(t *testing.T) {
	tests := []struct {
		name       string
		hold       bool
		frames     []string
		wantWrites int64
	}{
		{"not held: one write per frame", false, []string{"a", "bb", "ccc"}, 3},
		{"held: one write for all", true, []string{"a", "bb", "ccc"}, 1},
		{"held, nothing written: no write", true, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, server := tcpPair(t)
			cc := &countingConn{Conn: server}
			bc := &batchConn{Conn: cc}
			if tc.hold {
				bc.hold()
			}
			var want bytes.Buffer
			for _, f := range tc.frames {
				if _, err := bc.Write([]byte(f)); err != nil {
					t.Fatal(err)
				}
				want.WriteString(f)
			}
			if tc.hold && cc.writes.Load() != 0 {
				t.Fatalf("%d writes reached the connection while held", cc.writes.Load())
			}
			if err := bc.flush(); err != nil {
				t.Fatal(err)
			}
			if got := cc.writes.Load(); got != tc.wantWrites {
				t.Fatalf("%d writes reached the connection, want %d", got, tc.wantWrites)
			}
			got := make([]byte, want.Len())
			client.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(client, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("peer read %q, want %q", got, want.Bytes())
			}
			// After a flush, writes pass straight through again.
			if _, err := bc.Write([]byte("z")); err != nil {
				t.Fatal(err)
			}
			if got := cc.writes.Load(); got != tc.wantWrites+1 {
				t.Fatalf("a write after flush was held (%d writes)", got)
			}
		})
	}
}

// TestBatchConnFlushError: a flush to a closed connection fails, and a
// large buffer is not kept.
func TestBatchConnFlushError(t *testing.T) {
	_, server := tcpPair(t)
	bc := &batchConn{Conn: server}
	bc.hold()
	if _, err := bc.Write(make([]byte, 3*maxBatchBytes)); err != nil {
		t.Fatal(err)
	}
	server.Close()
	if err := bc.flush(); err == nil {
		t.Fatal("flush to a closed connection succeeded")
	}
	if bc.buf != nil {
		t.Fatalf("kept a %d-byte buffer after a large batch", cap(bc.buf))
	}
}

// TestBatchWriterNeedsHijacker: a response writer that cannot hijack is
// an error, not a panic.
func TestBatchWriterNeedsHijacker(t *testing.T) {
	w := &batchWriter{ResponseWriter: httptest.NewRecorder()}
	if _, _, err := w.Hijack(); err == nil {
		t.Fatal("Hijack on a recorder succeeded")
	}
}
