package relay_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/commonplace/commonplace/server/httpsync"
)

// httpClient serves the relay's SyncHTTP on its own test server, as
// `commonplace serve` mounts it at /sync/http, and returns a peer for it.
func (e *env) httpClient(secret, peerID string) *httpsync.Client {
	e.t.Helper()
	h, err := httpsync.NewHandler(httpsync.Config{Access: e.srv.Access(), Syncer: httpsync.SyncerFunc(e.srv.SyncHTTP), PeerID: e.srv.PeerID()})
	if err != nil {
		e.t.Fatalf("httpsync handler: %v", err)
	}
	hs := httptest.NewServer(h)
	e.t.Cleanup(hs.Close)
	return &httpsync.Client{URL: hs.URL, Token: secret, PeerID: peerID}
}

func TestHTTPSyncSharesLiveDocuments(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	ws := e.connect(tok, "peer-ws")
	id := newDocID()
	ws.edit(id, "title", "from the websocket")
	e.durable(ws, id)

	ctx := context.Background()
	ed := clientEditor()
	hc := e.httpClient(tok, "peer-http")
	doc := ed.engine.New()
	if err := hc.Sync(ctx, id, doc); err != nil {
		t.Fatalf("http find: %v", err)
	}
	if got := ed.get(doc, "title"); got != "from the websocket" {
		t.Fatalf("http peer read title %q", got)
	}

	if err := ed.put(doc, "title", "from http"); err != nil {
		t.Fatal(err)
	}
	if err := hc.Sync(ctx, id, doc); err != nil {
		t.Fatalf("http sync: %v", err)
	}
	// Durable before the reply: the store has the HTTP peer's heads the
	// moment Sync returns, with no waiting.
	if stored := e.storedHeads(id); !sameHeads(stored, doc.Heads()) {
		t.Fatalf("after the reply the store has %v, the HTTP peer %v", stored, doc.Heads())
	}
	// Live: the WebSocket peer that has the document open is pushed the
	// HTTP peer's change without asking.
	ws.until("the websocket peer sees the http edit", func() bool { return ws.get(id, "title") == "from http" })
}

func TestHTTPSyncAccess(t *testing.T) {
	e := newEnv(t, nil)
	owner := e.connect(e.token("w1"), "peer-owner")
	id := newDocID()
	owner.edit(id, "title", "secret")
	e.durable(owner, id)

	ctx := context.Background()
	ed := clientEditor()
	tests := []struct {
		name string
		ws   string
		doc  string
	}{
		{"missing document", "w1", newDocID()},
		{"another workspace's document", "w2", id},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hc := e.httpClient(e.token(tc.ws), "peer-"+tc.ws)
			err := hc.Sync(ctx, tc.doc, ed.engine.New())
			if !errors.Is(err, httpsync.ErrUnavailable) {
				t.Fatalf("Sync = %v, want ErrUnavailable", err)
			}
		})
	}
	// A request never creates: the missing document is still nobody's.
	if _, err := e.srv.Access().DocWorkspace(ctx, tests[0].doc); err == nil {
		t.Error("a request over HTTP claimed a document")
	}
}
