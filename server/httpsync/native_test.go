package httpsync_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
)

const testAdmin = "test-admin-token"

func openBadger(t testing.TB, dir string) store.Store {
	t.Helper()
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// newEdge builds the whole edge handler on st, as one fresh Workers
// runtime would.
func newEdge(t testing.TB, st store.Store) *httpsync.Edge {
	t.Helper()
	acc := access.New(st)
	syncer := &httpsync.StoreSyncer{Store: st, Access: acc, Engine: crdtengine.New()}
	e, err := httpsync.NewEdge(httpsync.EdgeConfig{
		// Through SyncerFunc, as a relay method would be mounted.
		Handler:    httpsync.Config{Access: acc, Syncer: httpsync.SyncerFunc(syncer.Sync), PeerID: "relay-test", ExposeWorkspace: true},
		Store:      st,
		Syncer:     syncer,
		AdminToken: testAdmin,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// freshPerRequest serves every request with a handler built for it, so
// the scenarios prove that no state survives between requests.
func freshPerRequest(t testing.TB, st store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		newEdge(t, st).ServeHTTP(w, r)
	})
}

func startNative(t testing.TB) (target, store.Store, string) {
	dir := t.TempDir()
	st := openBadger(t, dir)
	srv := httptest.NewServer(freshPerRequest(t, st))
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return target{base: srv.URL, admin: testAdmin}, st, dir
}

func TestScenariosNative(t *testing.T) {
	tg, _, _ := startNative(t)
	runScenarios(t, tg)
}
