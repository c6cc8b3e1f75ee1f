package httpsync_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// A relay serving HTTP sync on a store, and a peer that creates a
// document through it and then asks for one nobody has.
func ExampleClient_Sync() {
	ctx := context.Background()
	st := memstore.New()
	acc := access.New(st)
	h, err := httpsync.NewHandler(httpsync.Config{
		Access: acc,
		Syncer: &httpsync.StoreSyncer{Store: st, Access: acc, Engine: crdtengine.New()},
		PeerID: "relay",
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, secret, err := acc.CreateToken(ctx, "alpha", "example")
	if err != nil {
		panic(err)
	}

	doc := crdtengine.New().New().(*crdtengine.Doc)
	_ = doc.CRDT().RootMap().Set("title", "reading list")
	_, _ = doc.CRDT().Commit("")
	c := &httpsync.Client{URL: srv.URL, Token: secret, PeerID: "peer-1"}
	fmt.Println("create:", c.Sync(ctx, "4NMNnkMhL8jXrdJ9jamS2ANLh5Hx", doc))

	other := crdtengine.New().New()
	fmt.Println("find missing:", c.Sync(ctx, "2xbTtq5TU9Hp1Dey5qqyqJLrFyV6", other))
	// Output:
	// create: <nil>
	// find missing: httpsync: document unavailable: 2xbTtq5TU9Hp1Dey5qqyqJLrFyV6
}
