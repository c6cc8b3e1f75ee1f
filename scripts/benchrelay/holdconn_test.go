package main

import (
	"io"
	"net"
	"testing"
	"time"
)

// TestHoldConn: writes made while the reader is working are held until
// its next read; a write while it waits for data goes out at once.
func TestHoldConn(t *testing.T) {
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
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	hc := &holdConn{Conn: nc}
	defer hc.Close()
	peer, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	defer peer.Close()

	// Not reading: held.
	if _, err := hc.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	peer.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := peer.Read(make([]byte, 8)); n != 0 || err == nil {
		t.Fatalf("peer read %d bytes before the client read again", n)
	}

	// The next read sends them first; a write while it waits goes at once.
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, 1)
		if _, err := io.ReadFull(hc, b); err != nil {
			got <- nil
			return
		}
		got <- b
	}()
	buf := make([]byte, 2)
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "ab" {
		t.Fatalf("peer read %q, %v; want the held \"ab\"", buf, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !func() bool { hc.mu.Lock(); defer hc.mu.Unlock(); return hc.waiting }() {
		if time.Now().After(deadline) {
			t.Fatal("reader never waited")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := hc.Write([]byte("c")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(peer, buf[:1]); err != nil || buf[0] != 'c' {
		t.Fatalf("peer read %q, %v; want \"c\" while the client waits", buf[:1], err)
	}
	if _, err := peer.Write([]byte("z")); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "z" {
		t.Fatalf("client read %q", b)
	}
}
