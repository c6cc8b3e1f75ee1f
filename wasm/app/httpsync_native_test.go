//go:build !js

package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/commonplace/commonplace/server/api"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/internal/nativehttp"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/repo"
)

// syncPost is the native SyncPost.
func syncPost(ctx context.Context, url, token string, body []byte) (int, []byte, error) {
	return nativehttp.Poster(url, token)(ctx, body)
}

// newHTTPDevice is a device whose WebSocket is refused until its network
// is turned on, with HTTP sync as the fallback.
func newHTTPDevice(t *testing.T) *device {
	t.Helper()
	n := &network{}
	n.set(true)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, app.Platform{Storage: repo.NewMemory(), Fetch: httpFetch, Dial: n.dial, SyncPost: syncPost, Clock: fastClock{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Close() })
	return &device{App: a, net: n}
}

func on(d *device, transport string) func() bool {
	return func() bool { s := d.Status(); return upToDate(d)() && s.Transport == transport && s.Error == nil }
}

// Two devices behind a proxy that refuses WebSocket upgrades join, write
// and read each other's notes over HTTP sync, then move to the WebSocket
// when it works.
func TestDevicesSyncOverHTTPWhenWebSocketFails(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(t, func(s *relay.Server, st store.Store) http.Handler { return api.New(s.Access(), st, nil) })
	invite := rel.HTTP.URL + "/#join=" + rel.Token(t, "riverside")
	ana, ben := newHTTPDevice(t), newHTTPDevice(t)

	if _, err := ana.Join(ctx, invite); err != nil {
		t.Fatal(err)
	}
	if err := ana.SetProfile(ctx, app.Profile{Name: "Ana", Role: "practitioner"}); err != nil {
		t.Fatal(err)
	}
	id := newNote(t, ana, "Visit", "by HTTP")
	eventually(t, "ana up to date over HTTP", on(ana, "http"))

	if _, err := ben.Join(ctx, invite); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ben sees the note", func() bool { n, err := ben.GetNote(id); return err == nil && n.Body == "by HTTP" })
	// The note is on ben's screen: his edit goes out at once and ana,
	// who watches it too, polls it in.
	changes := make(chan app.NoteChange, 16)
	defer ana.OnNoteChange(id, func(c app.NoteChange) { changes <- c })()
	defer ben.OnNoteChange(id, func(app.NoteChange) {})()
	if err := ben.EditText(ctx, id, "body", 7, 0, " and back"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ana gets ben's edit", func() bool { n, _ := ana.GetNote(id); return n.Body == "by HTTP and back" })
	eventually(t, "ben up to date over HTTP", on(ben, "http"))
	if c := <-changes; c.Origin != "remote" {
		t.Fatalf("ana's change event: %+v", c)
	}

	ana.net.set(false)
	ben.net.set(false)
	eventually(t, "ana back on the WebSocket", on(ana, "websocket"))
	eventually(t, "ben back on the WebSocket", on(ben, "websocket"))
	if err := ana.SetField(ctx, id, "place", "Kafue"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ben gets ana's edit", func() bool { n, _ := ben.GetNote(id); return n.Place != nil && *n.Place == "Kafue" })
}

// A token revoked while the device syncs over HTTP stops sync as it does
// on the WebSocket: status offline with "revoked", and onError.
func TestRevokedTokenStopsHTTPSync(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(t, func(s *relay.Server, st store.Store) http.Handler { return api.New(s.Access(), st, nil) })
	tok, secret, err := rel.Server.Access().CreateToken(ctx, "riverside", "ana")
	if err != nil {
		t.Fatal(err)
	}
	d := newHTTPDevice(t)
	errs := make(chan error, 10)
	defer d.OnError(func(err error) { errs <- err })()
	if _, err := d.Join(ctx, rel.HTTP.URL+"/#join="+secret); err != nil {
		t.Fatal(err)
	}
	eventually(t, "up to date over HTTP", on(d, "http"))
	if _, err := rel.Server.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	expectRevoked(t, d, errs)
}
