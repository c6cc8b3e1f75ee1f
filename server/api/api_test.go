package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/api"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
	"github.com/commonplace/commonplace/server/store/memstore"
)

type fixture struct {
	url    string
	acc    *access.Service
	secret string
	tokID  string
}

func backends(t *testing.T) map[string]func() store.Store {
	return map[string]func() store.Store{
		"memstore": func() store.Store { return memstore.New() },
		"badgerstore": func() store.Store {
			s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func start(t *testing.T, open func() store.Store) *fixture {
	st := open()
	t.Cleanup(func() { st.Close() })
	acc := access.New(st)
	tok, secret, err := acc.CreateToken(context.Background(), "team", "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(acc, st, nil))
	t.Cleanup(srv.Close)
	return &fixture{url: srv.URL, acc: acc, secret: secret, tokID: tok.ID}
}

func (f *fixture) do(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, path, raw)
	}
	return resp.StatusCode, out
}

const docA, docB = "2v3rkia9QeE2R9cBqPSwB1RjJmDw", "4NMNnkMhL8jXrdJ9jamS58PAVdXu"

func TestAPI(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := start(t, open)
			steps := []struct {
				name, method, path, token, body string
				status                          int
				want                            map[string]any
			}{
				{"no token", "GET", "/api/session", "", "", 401, map[string]any{"code": "invalid"}},
				{"unknown token", "GET", "/api/session", "nope", "", 401, map[string]any{"code": "invalid"}},
				{"wrong method", "POST", "/api/session", f.secret, "", 405, map[string]any{"code": "method"}},
				{"unknown path", "GET", "/api/nothing", f.secret, "", 404, map[string]any{"code": "not-found"}},
				{"fresh session", "GET", "/api/session", f.secret, "", 200, map[string]any{
					"workspace": "team", "protocolVersion": "1", "apiVersion": float64(1), "workspaceDoc": nil, "personal": false}},
				{"bad body", "PUT", "/api/workspace-doc", f.secret, "{", 400, map[string]any{"code": "bad-request"}},
				{"bad doc id", "PUT", "/api/workspace-doc", f.secret, `{"workspaceDoc":"../x"}`, 400, map[string]any{"code": "bad-request"}},
				{"first writer", "PUT", "/api/workspace-doc", f.secret, `{"workspaceDoc":"` + docA + `"}`, 200, map[string]any{"workspaceDoc": docA}},
				{"second writer loses", "PUT", "/api/workspace-doc", f.secret, `{"workspaceDoc":"` + docB + `"}`, 200, map[string]any{"workspaceDoc": docA}},
				{"session names the doc", "GET", "/api/session", f.secret, "", 200, map[string]any{"workspaceDoc": docA}},
			}
			for _, s := range steps {
				status, body := f.do(t, s.method, s.path, s.token, s.body)
				if status != s.status {
					t.Fatalf("%s: status %d, want %d (%v)", s.name, status, s.status, body)
				}
				for k, v := range s.want {
					if body[k] != v {
						t.Fatalf("%s: %s = %#v, want %#v (%v)", s.name, k, body[k], v, body)
					}
				}
			}
		})
	}
}

func TestPersonalSpace(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := start(t, open)
			status, body := f.do(t, "POST", "/api/personal", f.secret, "")
			if status != 201 {
				t.Fatalf("status %d: %v", status, body)
			}
			ws, _ := body["workspace"].(string)
			tok, _ := body["token"].(string)
			if !strings.HasPrefix(ws, "personal-") || tok == "" {
				t.Fatalf("personal = %v", body)
			}
			status, sess := f.do(t, "GET", "/api/session", tok, "")
			if status != 200 || sess["workspace"] != ws || sess["personal"] != true || sess["workspaceDoc"] != nil {
				t.Fatalf("personal session %d %v", status, sess)
			}
			// Its workspace document is its own.
			f.do(t, "PUT", "/api/workspace-doc", tok, `{"workspaceDoc":"`+docB+`"}`)
			if _, s := f.do(t, "GET", "/api/session", f.secret, ""); s["workspaceDoc"] != nil {
				t.Fatalf("team sees the personal doc: %v", s)
			}
			// A second call makes a second space.
			_, again := f.do(t, "POST", "/api/personal", f.secret, "")
			if again["workspace"] == ws {
				t.Fatal("two personal spaces share a name")
			}
		})
	}
}

func TestRevokedToken(t *testing.T) {
	f := start(t, func() store.Store { return memstore.New() })
	if _, err := f.acc.RevokeToken(context.Background(), f.tokID); err != nil {
		t.Fatal(err)
	}
	status, body := f.do(t, "GET", "/api/session", f.secret, "")
	if status != 401 || body["code"] != "invalid" {
		t.Fatalf("revoked: %d %v", status, body)
	}
}

func Example() {
	st := memstore.New()
	defer st.Close()
	acc := access.New(st)
	_, secret, _ := acc.CreateToken(context.Background(), "team", "example")
	srv := httptest.NewServer(api.New(acc, st, nil))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/api/session", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Print(string(b))
	// Output: {"workspace":"team","protocolVersion":"1","apiVersion":1,"workspaceDoc":null,"personal":false}
}
