//go:build !js

package repo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/internal/nativews"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/repo"
)

// client is one repo syncing with the test relay while online.
type client struct {
	t      *testing.T
	r      *repo.Repo
	url    string
	cancel context.CancelFunc
	done   chan error
}

func newClient(t *testing.T, url string) *client {
	r, err := repo.Open(context.Background(), repo.NewMemory(), repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, r: r, url: url}
}

func (c *client) online() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan error, 1)
	go func() { c.done <- c.r.Run(ctx, repo.SyncOptions{Dial: nativews.Dialer(c.url)}) }()
	c.t.Cleanup(c.offline)
}

func (c *client) offline() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	<-c.done
	c.cancel = nil
}

func (c *client) waitUpToDate() {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := c.r.Status()
		if s.State == repo.UpToDate && s.Unconfirmed == 0 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("not up to date: %+v", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type note struct{ body, title, place string }

func read(t *testing.T, r *repo.Repo, id string) note {
	t.Helper()
	var n note
	err := r.Read(id, func(d *crdt.Doc) error {
		body, err := d.Path("body").Text().Get()
		if err != nil {
			return err
		}
		n.body = body
		m := d.RootMap()
		if v, _ := m.Get("title"); v != nil && !v.IsVoid() {
			n.title = v.Str()
		}
		if v, _ := m.Get("place"); v != nil && !v.IsVoid() {
			n.place = v.Str()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTwoClientsOfflineEditsConverge(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.Start(t, nil)
	url := rel.SyncURL(rel.Token(t, "team"))
	a, b := newClient(t, url), newClient(t, url)

	id, err := a.r.Create(ctx, "create", func(d *crdt.Doc) error {
		return d.RootMap().Set("body", crdt.NewText("hello world"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.r.Unconfirmed() != 1 {
		t.Fatalf("unconfirmed before sync = %d", a.r.Unconfirmed())
	}
	a.online()
	a.waitUpToDate()

	if err := b.r.Want(ctx, id); err != nil {
		t.Fatal(err)
	}
	b.online()
	waitFor(t, "b to fetch the note", func() bool { return b.r.Has(id) })
	b.waitUpToDate()

	a.offline()
	b.offline()
	if s := a.r.Status(); s.State != repo.Offline {
		t.Fatalf("a status offline: %+v", s)
	}
	edit := func(c *client, msg string, fn func(d *crdt.Doc) error) {
		if _, err := c.r.Change(ctx, id, msg, fn); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, "body", func(d *crdt.Doc) error { return d.Path("body").Text().Insert(0, "A: ") })
	edit(a, "title", func(d *crdt.Doc) error { return d.RootMap().Set("title", "from a") })
	edit(b, "body", func(d *crdt.Doc) error { return d.Path("body").Text().Append(" (b)") })
	edit(b, "place", func(d *crdt.Doc) error { return d.RootMap().Set("place", "Lusaka") })
	if a.r.Unconfirmed() != 2 || b.r.Unconfirmed() != 2 {
		t.Fatalf("unconfirmed offline: a=%d b=%d", a.r.Unconfirmed(), b.r.Unconfirmed())
	}

	a.online()
	b.online()
	a.waitUpToDate()
	b.waitUpToDate()
	want := note{body: "A: hello world (b)", title: "from a", place: "Lusaka"}
	waitFor(t, "convergence", func() bool { return read(t, a.r, id) == want && read(t, b.r, id) == want })
}

func TestRequestForUnknownDocIsUnavailable(t *testing.T) {
	rel := testrelay.Start(t, nil)
	c := newClient(t, rel.SyncURL(rel.Token(t, "team")))
	id, _ := repo.NewDocumentID()
	if err := c.r.Want(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	c.online()
	c.waitUpToDate()
	if c.r.Has(id) {
		t.Fatal("an unknown document appeared")
	}
}

func TestBadTokenEndsRun(t *testing.T) {
	rel := testrelay.Start(t, nil)
	r, err := repo.Open(context.Background(), repo.NewMemory(), repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = r.Run(ctx, repo.SyncOptions{Dial: nativews.Dialer(rel.SyncURL("nope"))})
	if !errors.Is(err, repo.ErrUnauthorized) {
		t.Fatalf("Run = %v, want ErrUnauthorized", err)
	}
	if s := r.Status(); s.State != repo.Offline || !errors.Is(s.Err, repo.ErrUnauthorized) {
		t.Fatalf("status %+v", s)
	}
}
