//go:build !js

// Package testrelay starts a real relay on 127.0.0.1 for the app core's
// native tests, so sync is tested against the server it ships with.
package testrelay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// Relay is a running relay.
type Relay struct {
	Server *relay.Server
	HTTP   *httptest.Server
	Store  store.Store
	// HTTPSyncRequests counts requests to /sync/http (StartHTTP only).
	HTTPSyncRequests atomic.Int64
}

// Start starts a relay on a memory store, serving extra (if not nil) at
// /api/ too, and stops it when the test ends.
func Start(t testing.TB, extra func(*relay.Server, store.Store) http.Handler) *Relay {
	t.Helper()
	return start(t, memstore.New(), extra, false)
}

// StartHTTP starts a relay on Badger in a temporary directory that also
// serves HTTP sync at /sync/http: the stateless httpsync handler over the
// same store and tokens, as the relay and the Workers build serve it.
func StartHTTP(t testing.TB, extra func(*relay.Server, store.Store) http.Handler) *Relay {
	t.Helper()
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatalf("badger: %v", err)
	}
	return start(t, st, extra, true)
}

func start(t testing.TB, st store.Store, extra func(*relay.Server, store.Store) http.Handler, withHTTP bool) *Relay {
	srv, err := relay.New(relay.Config{Store: st, DocIdleTimeout: time.Minute})
	if err != nil {
		t.Fatalf("relay: %v", err)
	}
	r := &Relay{Server: srv, Store: st}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	if extra != nil {
		mux.Handle("/api/", extra(srv, st))
	}
	if withHTTP {
		acc := srv.Access()
		h, err := httpsync.NewHandler(httpsync.Config{
			Access: acc,
			Syncer: &httpsync.StoreSyncer{Store: st, Access: acc, Engine: crdtengine.New()},
			PeerID: "test-relay-http",
		})
		if err != nil {
			t.Fatalf("httpsync: %v", err)
		}
		mux.Handle("/sync/http", http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.HTTPSyncRequests.Add(1)
			h.ServeHTTP(w, req)
		}))
	}
	r.HTTP = httptest.NewServer(mux)
	t.Cleanup(func() {
		r.HTTP.CloseClientConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
		r.HTTP.Close()
		_ = st.Close()
	})
	return r
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

// HTTPSyncURL is the HTTP sync endpoint.
func (r *Relay) HTTPSyncURL() string { return r.HTTP.URL + "/sync/http" }
