package httpsync_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
)

// target is a relay that serves HTTP sync: a native one on 127.0.0.1 or
// the Workers build under wrangler dev.
type target struct {
	base  string // e.g. http://127.0.0.1:8787
	admin string // the relay's admin token
}

// token creates a token of workspace ws through the admin route.
func (tg target) token(t testing.TB, ws string) string {
	t.Helper()
	body := fmt.Sprintf(`{"workspace":%q,"label":"test"}`, ws)
	req, err := http.NewRequest(http.MethodPost, tg.base+"/admin/tokens", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tg.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.Token == "" {
		t.Fatalf("create token: status %d, %v", resp.StatusCode, err)
	}
	return out.Token
}

// peer is one client: a document, its sync state for the relay, and an
// HTTP sync client.
type peer struct {
	c   *httpsync.Client
	doc *crdtengine.Doc
}

func (tg target) peer(t testing.TB, token, name string) *peer {
	d := crdtengine.New().New().(*crdtengine.Doc)
	return &peer{
		c:   &httpsync.Client{URL: tg.base + "/sync/http", Token: token, PeerID: name + "-" + randomID(t)[:6]},
		doc: d,
	}
}

func (p *peer) sync(t testing.TB, id string) error {
	t.Helper()
	return p.c.Sync(context.Background(), id, p.doc)
}

func (p *peer) set(t testing.TB, k, v string) {
	t.Helper()
	if err := p.doc.CRDT().RootMap().Set(k, v); err != nil {
		t.Fatal(err)
	}
	if _, err := p.doc.CRDT().Commit(""); err != nil {
		t.Fatal(err)
	}
}

func (p *peer) get(t testing.TB, k string) string {
	t.Helper()
	v, err := p.doc.CRDT().RootMap().Get(k)
	if err != nil {
		t.Fatalf("get %s: %v", k, err)
	}
	if v.Kind() != crdt.KindStr {
		return ""
	}
	return v.Str()
}

// randomID returns a document ID of the shape automerge-repo makes.
func randomID(t testing.TB) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	var b [28]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// runScenarios is the relay interop test's scenario list over HTTP sync.
func runScenarios(t *testing.T, tg target) {
	t.Run("CreateThenFind", func(t *testing.T) {
		tok := tg.token(t, "alpha")
		a, b := tg.peer(t, tok, "a"), tg.peer(t, tok, "b")
		id := randomID(t)
		a.set(t, "title", "first note")
		if err := a.sync(t, id); err != nil {
			t.Fatalf("create: %v", err)
		}
		if err := b.sync(t, id); err != nil {
			t.Fatalf("find: %v", err)
		}
		if got := b.get(t, "title"); got != "first note" {
			t.Fatalf("found title %q", got)
		}
	})
	t.Run("ConcurrentOfflineEditsConverge", func(t *testing.T) {
		tok := tg.token(t, "alpha")
		a, b := tg.peer(t, tok, "a"), tg.peer(t, tok, "b")
		id := randomID(t)
		a.set(t, "base", "0")
		mustSync(t, a, id)
		mustSync(t, b, id)
		// Both edit while offline, including the same key.
		a.set(t, "fromA", "a")
		a.set(t, "both", "a")
		b.set(t, "fromB", "b")
		b.set(t, "both", "b")
		mustSync(t, a, id)
		mustSync(t, b, id)
		mustSync(t, a, id)
		if !slices.Equal(a.doc.Heads(), b.doc.Heads()) {
			t.Fatalf("heads differ: %v vs %v", a.doc.Heads(), b.doc.Heads())
		}
		for _, p := range []*peer{a, b} {
			if p.get(t, "fromA") != "a" || p.get(t, "fromB") != "b" || p.get(t, "base") != "0" {
				t.Fatalf("missing edits: %q %q", p.get(t, "fromA"), p.get(t, "fromB"))
			}
		}
		if a.get(t, "both") != b.get(t, "both") {
			t.Fatalf("conflict resolved differently: %q vs %q", a.get(t, "both"), b.get(t, "both"))
		}
	})
	t.Run("UnavailableDocument", func(t *testing.T) {
		p := tg.peer(t, tg.token(t, "alpha"), "a")
		if err := p.sync(t, randomID(t)); !errors.Is(err, httpsync.ErrUnavailable) {
			t.Fatalf("find of a missing document: %v, want ErrUnavailable", err)
		}
	})
	t.Run("OtherWorkspaceRefused", func(t *testing.T) {
		a := tg.peer(t, tg.token(t, "alpha"), "a")
		id := randomID(t)
		a.set(t, "secret", "alpha only")
		mustSync(t, a, id)
		intruder := tg.peer(t, tg.token(t, "beta"), "x")
		if err := intruder.sync(t, id); !errors.Is(err, httpsync.ErrUnavailable) {
			t.Fatalf("other workspace's find: %v, want ErrUnavailable", err)
		}
		// Pushing changes to it is refused the same way and changes nothing.
		intruder.set(t, "secret", "overwritten")
		if err := intruder.sync(t, id); !errors.Is(err, httpsync.ErrUnavailable) {
			t.Fatalf("other workspace's push: %v, want ErrUnavailable", err)
		}
		check := tg.peer(t, tg.token(t, "alpha"), "c")
		mustSync(t, check, id)
		if got := check.get(t, "secret"); got != "alpha only" {
			t.Fatalf("alpha's document now says %q", got)
		}
	})
	t.Run("BadTokenRefused", func(t *testing.T) {
		p := tg.peer(t, "cp_not-a-real-token", "a")
		p.set(t, "k", "v")
		if err := p.sync(t, randomID(t)); !errors.Is(err, httpsync.ErrUnauthorized) {
			t.Fatalf("bad token: %v, want ErrUnauthorized", err)
		}
	})
	t.Run("LargeDocument", func(t *testing.T) {
		// Over sqlstore.PartSize once stored, so on D1 the change is split
		// across rows and read back through the Go D1 driver.
		tok := tg.token(t, "alpha")
		a, b := tg.peer(t, tok, "a"), tg.peer(t, tok, "b")
		id := randomID(t)
		raw := make([]byte, 1200<<10)
		if _, err := rand.Read(raw); err != nil {
			t.Fatal(err)
		}
		big := base64.StdEncoding.EncodeToString(raw)
		a.set(t, "attachment", big)
		mustSync(t, a, id)
		mustSync(t, b, id)
		if b.get(t, "attachment") != big {
			t.Fatal("the large value came back different")
		}
	})
	t.Run("ManyRoundsOfEdits", func(t *testing.T) {
		tok := tg.token(t, "alpha")
		a, b := tg.peer(t, tok, "a"), tg.peer(t, tok, "b")
		id := randomID(t)
		a.set(t, "n", "0")
		mustSync(t, a, id)
		for i := range 12 {
			w, r := a, b
			if i%2 == 1 {
				w, r = b, a
			}
			w.set(t, "n", fmt.Sprint(i+1))
			mustSync(t, w, id)
			mustSync(t, r, id)
			if got := r.get(t, "n"); got != fmt.Sprint(i+1) {
				t.Fatalf("round %d: reader sees %q", i, got)
			}
		}
	})
}

func mustSync(t testing.TB, p *peer, id string) {
	t.Helper()
	if err := p.sync(t, id); err != nil {
		t.Fatalf("sync %s: %v", id, err)
	}
}
