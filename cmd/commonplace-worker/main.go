//go:build js && wasm

// Command commonplace-worker is the Commonplace relay built for Cloudflare
// Workers: the pure-Go CRDT engine, D1 for documents, workspaces and
// hashed tokens (package sqlstore), and the stateless HTTP sync of package
// httpsync. WebSockets are held by the JavaScript Durable Object in
// worker.mjs, which calls this handler for every sync message. Each
// request runs in a fresh Go runtime, so nothing here keeps state.
package main

import (
	"database/sql"
	"fmt"
	"net/http"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	_ "github.com/syumai/workers/cloudflare/d1" // registers the "d1" driver

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/store/sqlstore"
)

// defaultPeerID is the relay's automerge-repo peerId unless the PEER_ID
// variable names another.
const defaultPeerID = "commonplace-edge"

func main() {
	h, err := handler()
	if err != nil {
		workers.Serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "relay misconfigured: "+err.Error(), http.StatusInternalServerError)
		}))
		return
	}
	workers.Serve(h)
}

func handler() (http.Handler, error) {
	db, err := sql.Open("d1", "DB")
	if err != nil {
		return nil, fmt.Errorf("open D1 binding DB: %w", err)
	}
	st := sqlstore.New(sqlstore.FromSQL(db))
	acc := access.New(st)
	syncer := &httpsync.StoreSyncer{Store: st, Access: acc, Engine: crdtengine.New()}
	peer := cloudflare.Getenv("PEER_ID")
	if peer == "" {
		peer = defaultPeerID
	}
	return httpsync.NewEdge(httpsync.EdgeConfig{
		Handler:    httpsync.Config{Access: acc, Syncer: syncer, PeerID: peer, ExposeWorkspace: true},
		Store:      st,
		Syncer:     syncer,
		AdminToken: cloudflare.Getenv("ADMIN_TOKEN"),
	})
}
