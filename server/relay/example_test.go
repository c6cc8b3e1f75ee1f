package relay_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// Example starts a relay on an in-memory store, issues a token for a
// workspace and checks the health endpoint. Clients would connect to
// ws://HOST/sync?token=SECRET.
func Example() {
	st := memstore.New()
	defer st.Close()
	srv, err := relay.New(relay.Config{
		Store:  st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close(context.Background())

	_, secret, err := srv.Access().CreateToken(context.Background(), "household", "laptop")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.StatusCode, " ", string(body))
	fmt.Println(len(secret) > 0)
	// Output:
	// 200 ok
	// true
}
