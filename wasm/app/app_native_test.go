//go:build !js

package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/api"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/internal/nativews"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// httpFetch is the native Fetch.
func httpFetch(ctx context.Context, method, url, token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// network lets a test take a device offline: dials fail and open
// connections close.
type network struct {
	mu    sync.Mutex
	off   bool
	conns []repo.Conn
}

func (n *network) dial(url string) repo.Dialer {
	real := nativews.Dialer(url)
	return func(ctx context.Context) (repo.Conn, error) {
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.off {
			return nil, errors.New("network down")
		}
		c, err := real(ctx)
		if err == nil {
			n.conns = append(n.conns, c)
		}
		return c, err
	}
}

func (n *network) set(off bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.off = off
	if off {
		for _, c := range n.conns {
			c.Close()
		}
		n.conns = nil
	}
}

// fastClock waits a tenth of the asked time, so reconnects in tests are quick.
type fastClock struct{}

func (fastClock) After(d time.Duration) <-chan time.Time { return time.After(d / 10) }

type device struct {
	*app.App
	net *network
}

func newDevice(t *testing.T) *device {
	t.Helper()
	n := &network{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, app.Platform{Storage: repo.NewMemory(), Fetch: httpFetch, Dial: n.dial, Clock: fastClock{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Close() })
	return &device{App: a, net: n}
}

// newNote creates an interview titled title with body on d.
func newNote(t *testing.T, d *device, title, body string) string {
	t.Helper()
	ctx := context.Background()
	id, err := d.CreateNote(ctx, "interview", title, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.EditText(ctx, id, "body", 0, 0, body); err != nil {
		t.Fatal(err)
	}
	return id
}

func startRelay(t *testing.T) *testrelay.Relay {
	return testrelay.Start(t, func(s *relay.Server, st store.Store) http.Handler { return api.New(s.Access(), st, nil) })
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func upToDate(d *device) func() bool {
	return func() bool { s := d.Status(); return s.State == "up-to-date" && s.Unconfirmed == 0 }
}

func TestTwoDevicesEditOfflineAndConverge(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	invite := rel.HTTP.URL + "/#join=" + rel.Token(t, "riverside")
	ana, ben := newDevice(t), newDevice(t)

	j, err := ana.Join(ctx, invite)
	if err != nil {
		t.Fatal(err)
	}
	if j.Workspace != "riverside" || j.Server != rel.HTTP.URL {
		t.Fatalf("joined %+v", j)
	}
	if err := ana.SetProfile(ctx, app.Profile{Name: "Ana", Role: "practitioner"}); err != nil {
		t.Fatal(err)
	}
	id := newNote(t, ana, "Visit", "hello 😀 world")
	eventually(t, "ana up to date", upToDate(ana))

	if _, err := ben.Join(ctx, strings.Replace(invite, "#join=", "?join=", 1)); err != nil {
		t.Fatal(err)
	}
	if err := ben.SetProfile(ctx, app.Profile{Name: "Ben", Role: "academic"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ben sees the note", func() bool { n, err := ben.GetNote(id); return err == nil && n.Body == "hello 😀 world" })
	eventually(t, "ben up to date", upToDate(ben))
	eventually(t, "ana sees ben", func() bool { return len(ana.Members()) == 2 })

	ana.net.set(true)
	ben.net.set(true)
	eventually(t, "both offline", func() bool { return ana.Status().State == "offline" && ben.Status().State == "offline" })
	// UTF-16 index 9 is after "hello 😀 " (the emoji is two units).
	if err := ana.EditText(ctx, id, "body", 9, 5, "river"); err != nil {
		t.Fatal(err)
	}
	if err := ana.SetField(ctx, id, "tags", []any{"water"}); err != nil {
		t.Fatal(err)
	}
	if err := ben.EditText(ctx, id, "body", 0, 5, "HELLO"); err != nil {
		t.Fatal(err)
	}
	if err := ben.SetField(ctx, id, "place", "Kitwe"); err != nil {
		t.Fatal(err)
	}
	if err := ben.SetField(ctx, id, "tags", []any{"land"}); err != nil {
		t.Fatal(err)
	}
	if s := ana.Status(); s.Unconfirmed != 2 {
		t.Fatalf("ana unconfirmed offline = %d", s.Unconfirmed)
	}

	ana.net.set(false)
	ben.net.set(false)
	eventually(t, "ana up to date", upToDate(ana))
	eventually(t, "ben up to date", upToDate(ben))
	eventually(t, "convergence", func() bool {
		a, err1 := ana.GetNote(id)
		b, err2 := ben.GetNote(id)
		return err1 == nil && err2 == nil && a.Body == "HELLO 😀 river" && b.Body == a.Body &&
			b.Place != nil && a.Place != nil && *a.Place == "Kitwe" && len(a.Conflicts["tags"]) == 2 && len(b.Conflicts["tags"]) == 2
	})
	if err := ben.ResolveConflict(ctx, id, "tags", []any{"land", "water"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "resolved on ana", func() bool {
		n, _ := ana.GetNote(id)
		return len(n.Conflicts) == 0 && len(n.Tags) == 2
	})

	hist, err := ana.History(id)
	if err != nil {
		t.Fatal(err)
	}
	authors := map[string]bool{}
	for _, h := range hist {
		if h.Author != nil {
			authors[h.Author.Name] = true
		}
	}
	if !authors["Ana"] || !authors["Ben"] {
		t.Fatalf("history does not name both: %+v", hist)
	}
	old, err := ana.NoteAt(id, []string{hist[0].Hash})
	if err != nil {
		t.Fatal(err)
	}
	if old.Body != "" || old.Title != "Visit" {
		t.Fatalf("note at creation: %+v", old)
	}
	if got := ana.ListNotes(notesFilter("river")); len(got) != 1 || got[0].ID != id {
		t.Fatalf("search: %+v", got)
	}
}

func notesFilter(q string) notes.Filter { return notes.Filter{Query: q} }

// A note created while another device is online reaches it without a
// reconnect: the note is sent before the index entry naming it.
func TestLiveNoteReachesOnlineDevice(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	invite := rel.HTTP.URL + "/#join=" + rel.Token(t, "riverside")
	ana, ben := newDevice(t), newDevice(t)
	for _, d := range []*device{ana, ben} {
		if _, err := d.Join(ctx, invite); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "ben up to date", upToDate(ben))
	for i := range 5 {
		id, err := ana.CreateNote(ctx, "story", "live", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := ana.EditText(ctx, id, "body", 0, 0, "text"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "ben to see the new note", func() bool {
			n, err := ben.GetNote(id)
			return err == nil && n.Body == "text"
		})
		if got := len(ben.ListNotes(notes.Filter{Kind: "story"})); got != i+1 {
			t.Fatalf("ben lists %d notes, want %d", got, i+1)
		}
	}
}
