//go:build !js

package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// restart starts an app on st with the network down, so nothing arrives
// from the relay, and loadDelay before deferred documents load.
func restart(t *testing.T, st repo.Storage, loadDelay time.Duration) *app.App {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	down := func(string) repo.Dialer {
		return func(context.Context) (repo.Conn, error) { return nil, errors.New("network down") }
	}
	a, err := app.Start(ctx, app.Platform{Storage: st, Fetch: httpFetch, Dial: down, Clock: fastClock{}, LoadDelay: loadDelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Close() })
	return a
}

// TestStartDefersNotes: a restarted app lists, searches and opens a note
// from the note cache without loading its document; editing loads it; the
// deferred documents load after the load delay; and a cache entry whose
// heads are not the document's is not used.
func TestStartDefersNotes(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	st := repo.NewMemory()
	n := &network{}
	runCtx, cancel := context.WithCancel(ctx)
	a, err := app.Start(runCtx, app.Platform{Storage: st, Fetch: httpFetch, Dial: n.dial, Clock: fastClock{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Join(ctx, rel.HTTP.URL+"/#join="+rel.Token(t, "riverside")); err != nil {
		t.Fatal(err)
	}
	if err := a.SetProfile(ctx, app.Profile{Name: "Ana", Role: "practitioner"}); err != nil {
		t.Fatal(err)
	}
	id := newNote(t, &device{App: a, net: n}, "Long interview", "")
	for i := range 200 {
		if err := a.EditText(ctx, id, "body", i, 0, string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "up to date", upToDate(&device{App: a, net: n}))
	want, err := a.GetNote(id)
	if err != nil {
		t.Fatal(err)
	}
	cacheKey := "team/notes/" + id
	cached := func() bool {
		es, _ := st.List(ctx, cacheKey)
		return len(es) == 1 && strings.Contains(string(es[0].Value), want.Heads[0])
	}
	eventually(t, "note cache written", cached)
	cancel()
	a.Close()

	b := restart(t, st, time.Hour)
	deferred := app.Deferred(b)
	if deferred == 0 {
		t.Fatal("start loaded every document")
	}
	list := b.ListNotes(notes.Filter{Query: "abc"})
	if len(list) != 1 || list[0].Title != "Long interview" || list[0].Changed.By == nil || *list[0].Changed.By != "Ana" {
		t.Fatalf("list = %+v", list)
	}
	got, err := b.GetNote(id)
	if err != nil || got.Body != want.Body || strings.Join(got.Heads, ",") != strings.Join(want.Heads, ",") {
		t.Fatalf("GetNote = %q %v, %v; want %q %v", got.Body, got.Heads, err, want.Body, want.Heads)
	}
	if app.Deferred(b) != deferred {
		t.Fatal("listing or opening the note loaded its document")
	}
	if err := b.EditText(ctx, id, "body", 0, 0, "Z"); err != nil {
		t.Fatal(err)
	}
	if app.Deferred(b) >= deferred {
		t.Fatal("editing did not load the note")
	}
	if got, _ := b.GetNote(id); got.Body != "Z"+want.Body {
		t.Fatalf("body after edit = %q", got.Body)
	}

	// A cache entry read at other heads is ignored.
	b.Close()
	stale := want
	stale.Title = "stale"
	raw, err := json.Marshal(stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, []repo.Op{{Key: cacheKey, Value: raw}}); err != nil {
		t.Fatal(err)
	}
	c := restart(t, st, 10*time.Millisecond)
	if got, err := c.GetNote(id); err != nil || got.Title != "Long interview" || got.Body != "Z"+want.Body {
		t.Fatalf("with a stale cache entry: %q %q, %v", got.Title, got.Body, err)
	}
	eventually(t, "deferred documents loaded", func() bool { return app.Deferred(c) == 0 })
}
