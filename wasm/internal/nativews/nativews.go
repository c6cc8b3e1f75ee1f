//go:build !js

// Package nativews is the repo.Conn of native builds, over gorilla
// websocket: tests and tools sync with a real relay through it the way the
// browser does through its WebSocket.
package nativews

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/commonplace/commonplace/wasm/repo"
)

// Dialer returns a repo.Dialer for url (ws://HOST/sync?token=T). A 401
// answer wraps repo.ErrUnauthorized.
func Dialer(url string) repo.Dialer {
	return func(ctx context.Context) (repo.Conn, error) {
		c, resp, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusUnauthorized {
				return nil, fmt.Errorf("dial: %w", repo.ErrUnauthorized)
			}
			return nil, fmt.Errorf("dial: %w", err)
		}
		return &conn{c: c}, nil
	}
}

type conn struct {
	mu sync.Mutex
	c  *websocket.Conn
}

func (c *conn) Send(_ context.Context, b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.c.WriteMessage(websocket.BinaryMessage, b)
}

func (c *conn) Recv(context.Context) ([]byte, error) {
	for {
		t, b, err := c.c.ReadMessage()
		if err != nil {
			return nil, err
		}
		if t == websocket.BinaryMessage {
			return b, nil
		}
	}
}

func (c *conn) Close() error { return c.c.Close() }
