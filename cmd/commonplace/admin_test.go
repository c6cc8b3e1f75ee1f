package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// The admin socket is private to the server's user.
func TestAdminSocketPermissions(t *testing.T) {
	data := filepath.Join(t.TempDir(), "fresh")
	startServer(t, data)
	st, err := os.Stat(adminSocketPath(data))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket mode %v, want a socket with 0600", st.Mode())
	}
	dir, err := os.Stat(data)
	if err != nil {
		t.Fatal(err)
	}
	if dir.Mode().Perm()&0o077 != 0 {
		t.Fatalf("data directory mode %v lets others in", dir.Mode().Perm())
	}
}

// A socket file left by a killed server neither blocks the next start nor
// fools the maintenance commands into waiting on it.
func TestAdminStaleSocket(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	s.kill(t)
	if _, err := os.Stat(adminSocketPath(data)); err != nil {
		// Nothing stale to test against: make one the way a killed
		// server leaves it.
		ln, err := net.Listen("unix", adminSocketPath(data))
		if err != nil {
			t.Fatal(err)
		}
		ln.(*net.UnixListener).SetUnlinkOnClose(false)
		ln.Close()
	}
	if out := mustCLI(t, "token", "list", "--data", data); !strings.Contains(out, firstWorkspace) {
		t.Fatalf("token list with a stale socket:\n%s", out)
	}
	startServer(t, data)
	mustCLI(t, "token", "create", "--data", data, "--workspace", "after-restart")
}

// newAdminPair serves a local operator on a memory store over a real unix
// socket and returns a client for it: the admin protocol without a
// process in between.
func newAdminPair(t *testing.T) (*local, *adminClient) {
	t.Helper()
	dir := t.TempDir()
	st := memstore.New()
	op := newLocal(st, access.New(st))
	a, err := listenAdmin(context.Background(), dir, op, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.Close(context.Background())
		st.Close()
	})
	c, ok := dialAdmin(context.Background(), dir)
	if !ok {
		t.Fatal("admin socket does not answer")
	}
	t.Cleanup(func() { c.Close() })
	return op, c
}

func TestAdminRoundTrip(t *testing.T) {
	ctx := context.Background()
	op, c := newAdminPair(t)
	tok, secret, err := c.CreateToken(ctx, "ws", "label")
	if err != nil || secret == "" || tok.Workspace != "ws" || tok.Label != "label" {
		t.Fatalf("CreateToken: %+v %q %v", tok, secret, err)
	}
	if _, err := op.access.Authenticate(ctx, secret); err != nil {
		t.Fatalf("secret from the socket does not authenticate: %v", err)
	}
	toks, err := c.ListTokens(ctx, "ws")
	if err != nil || len(toks) != 1 || toks[0].ID != tok.ID {
		t.Fatalf("ListTokens: %+v %v", toks, err)
	}
	if _, err := c.RevokeToken(ctx, "nope"); !errors.Is(err, access.ErrUnknownToken) {
		t.Fatalf("RevokeToken of an unknown ID: %v, want ErrUnknownToken", err)
	}
	if got, err := c.RevokeToken(ctx, tok.ID); err != nil || got.ID != tok.ID {
		t.Fatalf("RevokeToken: %+v %v", got, err)
	}
	if _, err := op.access.Authenticate(ctx, secret); !errors.Is(err, access.ErrBadToken) {
		t.Fatalf("revoked secret authenticates: %v", err)
	}
	if _, err := c.Document(ctx, "no-such-doc"); !errors.Is(err, errNoDocument) {
		t.Fatalf("Document of a missing doc: %v, want errNoDocument", err)
	}
	ids, err := c.DocumentIDs(ctx, "ws")
	if err != nil || len(ids) != 0 {
		t.Fatalf("DocumentIDs of an empty workspace: %v %v", ids, err)
	}
	var buf bytes.Buffer
	if err := c.Backup(ctx, &buf); err == nil || !strings.Contains(err.Error(), "cannot back up") {
		t.Fatalf("Backup of a memory store: %v, want the server's error", err)
	}
}

// FuzzAdminCreateToken feeds arbitrary request bodies to the admin
// socket's one JSON decoder: it answers 201 or 400, never panics.
func FuzzAdminCreateToken(f *testing.F) {
	f.Add([]byte(`{"workspace":"w","label":"l"}`))
	f.Add([]byte(`{"workspace":""}`))
	f.Add([]byte(`[1,2`))
	f.Add([]byte(`{"workspace":"a\u0000b"}`))
	st := memstore.New()
	h := adminHandler(newLocal(st, access.New(st)), slog.New(slog.DiscardHandler))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/tokens", bytes.NewReader(body)))
		if rec.Code != http.StatusCreated && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
