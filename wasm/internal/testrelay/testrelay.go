//go:build !js

// Package testrelay starts a real relay on 127.0.0.1 for the app core's
// native tests, so sync is tested against the server it ships with.
package testrelay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// Relay is a running relay.
type Relay struct {
	Server *relay.Server
	HTTP   *httptest.Server
	Store  *memstore.Store
}

// Start starts a relay on a memory store, serving extra (if not nil) at
// /api/ too, and stops it when the test ends.
func Start(t testing.TB, extra func(*relay.Server, store.Store) http.Handler) *Relay {
	t.Helper()
	st := memstore.New()
	srv, err := relay.New(relay.Config{Store: st, DocIdleTimeout: time.Minute})
	if err != nil {
		t.Fatalf("relay: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	if extra != nil {
		mux.Handle("/api/", extra(srv, st))
	}
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
		hs.Close()
		_ = st.Close()
	})
	return &Relay{Server: srv, HTTP: hs, Store: st}
}

// Token creates a token for workspace and returns its secret.
func (r *Relay) Token(t testing.TB, workspace string) string {
	t.Helper()
	_, secret, err := r.Server.Access().CreateToken(context.Background(), workspace, "test")
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return secret
}

// SyncURL is the WebSocket URL for secret.
func (r *Relay) SyncURL(secret string) string {
	return "ws" + strings.TrimPrefix(r.HTTP.URL, "http") + "/sync?token=" + secret
}
