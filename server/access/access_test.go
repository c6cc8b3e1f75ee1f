package access

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
	"github.com/commonplace/commonplace/server/store/memstore"
)

// backends runs f against each real store backend.
func backends(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Run("memstore", func(t *testing.T) {
		st := memstore.New()
		defer st.Close()
		f(t, st)
	})
	t.Run("badgerstore", func(t *testing.T) {
		st := openBadger(t, t.TempDir())
		defer st.Close()
		f(t, st)
	})
}

func openBadger(t testing.TB, dir string) *badgerstore.Store {
	t.Helper()
	st, err := badgerstore.Open(dir, badgerstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustCreate(t *testing.T, s *Service, ws, label string) (Token, string) {
	t.Helper()
	tok, secret, err := s.CreateToken(t.Context(), ws, label)
	if err != nil {
		t.Fatalf("CreateToken(%q, %q): %v", ws, label, err)
	}
	return tok, secret
}

func TestCreateToken(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		s.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
		tok, secret := mustCreate(t, s, "study-group", "ana's laptop")
		if !strings.HasPrefix(secret, "cp_") || len(secret) != 3+43 {
			t.Errorf("secret %q: want cp_ and 43 base64url characters", secret)
		}
		want := Token{ID: tok.ID, Workspace: "study-group", Label: "ana's laptop", Created: s.now()}
		if tok != want || len(tok.ID) != 12 {
			t.Errorf("token = %+v, want %+v with a 12-character ID", tok, want)
		}
		_, secret2 := mustCreate(t, s, "study-group", "")
		if secret2 == secret {
			t.Error("two tokens share a secret")
		}
		mustCreate(t, s, "A.b_c-9", "")
		ws, err := s.Workspaces(t.Context())
		if err != nil || strings.Join(ws, ",") != "A.b_c-9,study-group" {
			t.Errorf("Workspaces() = %q, %v", ws, err)
		}
	})
}

func TestSecretIsNotStored(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		_, secret := mustCreate(t, New(st), "w", "")
		raw, err := secretEncoding.DecodeString(strings.TrimPrefix(secret, "cp_"))
		if err != nil {
			t.Fatal(err)
		}
		entries, err := st.LoadRange(t.Context(), nil)
		if err != nil || len(entries) == 0 {
			t.Fatalf("LoadRange: %d, %v", len(entries), err)
		}
		for _, e := range entries {
			if bytes.Contains(e.Value, []byte(secret[3:])) || bytes.Contains(e.Value, raw) ||
				strings.Contains(strings.Join(e.Key, "/"), secret[3:]) {
				t.Errorf("entry %v holds the secret", e.Key)
			}
			if e.Key[0] != "access" {
				t.Errorf("entry %v outside {access}", e.Key)
			}
		}
	})
}

func TestInvalidArguments(t *testing.T) {
	s := New(memstore.New())
	for _, ws := range []string{"", ".hidden", "-x", "a b", "a/b", "é", "a\x00", strings.Repeat("a", 65)} {
		if _, _, err := s.CreateToken(t.Context(), ws, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateToken(%q) = %v, want ErrInvalid", ws, err)
		}
		if _, err := s.ClaimDoc(t.Context(), "doc", ws); !errors.Is(err, ErrInvalid) {
			t.Errorf("ClaimDoc(doc, %q) = %v, want ErrInvalid", ws, err)
		}
	}
	if ws := strings.Repeat("a", 64); ValidWorkspace(ws) != nil {
		t.Errorf("64-character name rejected")
	}
	for _, label := range []string{strings.Repeat("x", 201), "\xff"} {
		if _, _, err := s.CreateToken(t.Context(), "w", label); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateToken label %q = %v, want ErrInvalid", label, err)
		}
	}
	for _, doc := range []string{"", "a/b", "a b", "a\x00", strings.Repeat("d", 129)} {
		if _, err := s.DocWorkspace(t.Context(), doc); !errors.Is(err, ErrInvalid) {
			t.Errorf("DocWorkspace(%q) = %v, want ErrInvalid", doc, err)
		}
		if _, err := s.ClaimDoc(t.Context(), doc, "w"); !errors.Is(err, ErrInvalid) {
			t.Errorf("ClaimDoc(%q) = %v, want ErrInvalid", doc, err)
		}
	}
	if _, err := s.ListTokens(t.Context(), "bad name"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ListTokens(bad name) = %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		tok, secret := mustCreate(t, s, "w", "phone")
		revoked, revokedSecret := mustCreate(t, s, "w", "old")
		if _, err := s.RevokeToken(t.Context(), revoked.ID); err != nil {
			t.Fatal(err)
		}
		unknown, _, _ := newSecret() // well-formed, never stored

		got, err := s.Authenticate(t.Context(), secret)
		if err != nil || got != tok {
			t.Fatalf("Authenticate(valid) = %+v, %v; want %+v", got, err, tok)
		}
		flip := []byte(secret)
		flip[len(flip)-2] ^= 'A' ^ 'B'
		bad := map[string]string{
			"empty":          "",
			"prefix only":    "cp_",
			"no prefix":      secret[3:],
			"other prefix":   "xx_" + secret[3:],
			"short":          secret[:len(secret)-1],
			"long":           secret + "A",
			"not base64url":  "cp_" + strings.Repeat("+", 43),
			"padded":         secret + "=",
			"one char off":   string(flip),
			"unknown":        unknown,
			"revoked":        revokedSecret,
			"with spaces":    " " + secret,
			"NUL":            "cp_" + strings.Repeat("\x00", 43),
			"last char off":  secret[:len(secret)-1] + string(secret[len(secret)-1]^1),
			"upper case tag": "CP_" + secret[3:],
		}
		for name, sec := range bad {
			if got, err := s.Authenticate(t.Context(), sec); !errors.Is(err, ErrBadToken) {
				t.Errorf("%s: Authenticate = %+v, %v; want ErrBadToken", name, got, err)
			}
		}
	})
}

func TestListAndRevoke(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
		a1, _ := mustCreate(t, s, "a", "1")
		b1, _ := mustCreate(t, s, "b", "1")
		a2, secret := mustCreate(t, s, "a", "2")

		ids := func(ws string) string {
			toks, err := s.ListTokens(t.Context(), ws)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, tok := range toks {
				out = append(out, fmt.Sprintf("%s:%v", tok.ID, tok.Revoked))
			}
			return strings.Join(out, " ")
		}
		if got, want := ids(""), fmt.Sprintf("%s:false %s:false %s:false", a1.ID, b1.ID, a2.ID); got != want {
			t.Errorf("ListTokens(all) = %s, want %s", got, want)
		}
		if got, want := ids("a"), fmt.Sprintf("%s:false %s:false", a1.ID, a2.ID); got != want {
			t.Errorf("ListTokens(a) = %s, want %s", got, want)
		}
		if got := ids("nobody"); got != "" {
			t.Errorf("ListTokens(nobody) = %s", got)
		}

		for range 2 { // revoking twice is fine
			tok, err := s.RevokeToken(t.Context(), a2.ID)
			if err != nil || !tok.Revoked || tok.ID != a2.ID {
				t.Fatalf("RevokeToken = %+v, %v", tok, err)
			}
		}
		if got, want := ids("a"), fmt.Sprintf("%s:false %s:true", a1.ID, a2.ID); got != want {
			t.Errorf("after revoke ListTokens(a) = %s, want %s", got, want)
		}
		if _, err := s.Authenticate(t.Context(), secret); !errors.Is(err, ErrBadToken) {
			t.Errorf("revoked secret authenticates: %v", err)
		}
		// A second Service on the same store sees the revocation at once.
		if _, err := New(st).Authenticate(t.Context(), secret); !errors.Is(err, ErrBadToken) {
			t.Errorf("revoked secret authenticates through another Service: %v", err)
		}
		for _, id := range []string{"", "000000000000", "x\x00y", a1.ID + "0"} {
			if _, err := s.RevokeToken(t.Context(), id); !errors.Is(err, ErrUnknownToken) {
				t.Errorf("RevokeToken(%q) = %v, want ErrUnknownToken", id, err)
			}
		}
	})
}

func TestClaimDoc(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		const doc = "2v3rkia9QeE2R9cBqPSwB1RjJmDw"
		if _, err := s.DocWorkspace(t.Context(), doc); !errors.Is(err, ErrNotFound) {
			t.Fatalf("DocWorkspace(unclaimed) = %v, want ErrNotFound", err)
		}
		steps := []struct{ ws, wantOwner string }{
			{"alpha", "alpha"},
			{"beta", "alpha"},
			{"alpha", "alpha"},
		}
		for _, st := range steps {
			owner, err := s.ClaimDoc(t.Context(), doc, st.ws)
			if err != nil || owner != st.wantOwner {
				t.Errorf("ClaimDoc(%s) = %q, %v; want %q", st.ws, owner, err, st.wantOwner)
			}
		}
		if owner, err := s.DocWorkspace(t.Context(), doc); err != nil || owner != "alpha" {
			t.Errorf("DocWorkspace = %q, %v", owner, err)
		}
		if ws, _ := s.Workspaces(t.Context()); strings.Join(ws, ",") != "alpha" {
			t.Errorf("Workspaces after claims = %q; the losing claim must not create beta", ws)
		}
	})
}

func TestClaimDocRace(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		const docs, claimants = 20, 8
		for d := range docs {
			doc := fmt.Sprintf("doc%d", d)
			owners := make([]string, claimants)
			var wg sync.WaitGroup
			for c := range claimants {
				wg.Go(func() {
					owner, err := s.ClaimDoc(t.Context(), doc, fmt.Sprintf("ws%d", c))
					if err != nil {
						t.Error(err)
					}
					owners[c] = owner
				})
			}
			wg.Wait()
			winners := 0
			for c, owner := range owners {
				if owner != owners[0] {
					t.Errorf("%s: claimant %d told owner %q, claimant 0 told %q", doc, c, owner, owners[0])
				}
				if owner == fmt.Sprintf("ws%d", c) {
					winners++
				}
			}
			if winners != 1 {
				t.Errorf("%s: %d claimants won", doc, winners)
			}
		}
	})
}

func TestPersists(t *testing.T) {
	dir := t.TempDir()
	st := openBadger(t, dir)
	s := New(st)
	tok, secret := mustCreate(t, s, "w", "l")
	revoked, revokedSecret := mustCreate(t, s, "w", "r")
	if _, err := s.RevokeToken(t.Context(), revoked.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimDoc(t.Context(), "d", "w"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = openBadger(t, dir)
	defer st.Close()
	s = New(st)
	if got, err := s.Authenticate(t.Context(), secret); err != nil || got != tok {
		t.Errorf("after reopen Authenticate = %+v, %v", got, err)
	}
	if _, err := s.Authenticate(t.Context(), revokedSecret); !errors.Is(err, ErrBadToken) {
		t.Errorf("after reopen revoked token authenticates: %v", err)
	}
	if owner, err := s.DocWorkspace(t.Context(), "d"); err != nil || owner != "w" {
		t.Errorf("after reopen DocWorkspace = %q, %v", owner, err)
	}
}

func TestStoreErrorsPropagate(t *testing.T) {
	st := memstore.New()
	s := New(st)
	_, secret := mustCreate(t, s, "w", "")
	st.Close()
	if _, err := s.Authenticate(t.Context(), secret); !errors.Is(err, store.ErrClosed) || errors.Is(err, ErrBadToken) {
		t.Errorf("Authenticate on a closed store = %v; want ErrClosed, not ErrBadToken", err)
	}
	if _, _, err := s.CreateToken(t.Context(), "w", ""); !errors.Is(err, store.ErrClosed) {
		t.Errorf("CreateToken on a closed store = %v", err)
	}
	if _, err := s.ClaimDoc(t.Context(), "d", "w"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("ClaimDoc on a closed store = %v", err)
	}
	if _, err := s.DocWorkspace(t.Context(), "d"); !errors.Is(err, store.ErrClosed) || errors.Is(err, ErrNotFound) {
		t.Errorf("DocWorkspace on a closed store = %v", err)
	}
}
