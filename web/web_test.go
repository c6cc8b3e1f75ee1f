package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func builtFS(t *testing.T) fstest.MapFS {
	wasm := []byte("\x00asm\x01\x00\x00\x00 pretend core")
	return fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>app</title>")},
		"sw.js":                {Data: []byte(`const BUILD = "` + buildPlaceholder + `"`)},
		"app.js":               {Data: []byte("export {}")},
		"wasm_exec.js":         {Data: []byte("// go")},
		"app.wasm":             {Data: wasm},
		"app.wasm.gz":          {Data: gz(t, wasm)},
		"icons/a.png":          {Data: []byte("\x89PNG")},
		"manifest.webmanifest": {Data: []byte("{}")},
	}
}

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestServe(t *testing.T) {
	h, err := NewFS(builtFS(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		hdr        map[string]string
		status     int
		ctype      string
		encoding   string
		bodyHas    string
	}{
		{"root is the shell", "/", nil, 200, "text/html; charset=utf-8", "", "<title>app</title>"},
		{"client route falls back to the shell", "/notes/abc", nil, 200, "text/html; charset=utf-8", "", "<title>app</title>"},
		{"missing asset is 404", "/nope.js", nil, 404, "", "", "not found"},
		{"module", "/app.js", nil, 200, "text/javascript; charset=utf-8", "", "export"},
		{"manifest", "/manifest.webmanifest", nil, 200, "application/manifest+json", "", "{}"},
		{"wasm gzip", "/app.wasm", map[string]string{"Accept-Encoding": "br, gzip"}, 200, "application/wasm", "gzip", ""},
		{"wasm identity", "/app.wasm", nil, 200, "application/wasm", "", "pretend core"},
		{"wasm gzip refused", "/app.wasm", map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, "application/wasm", "", "pretend core"},
		{"gz file is not served on its own", "/app.wasm.gz", nil, 404, "", "", ""},
		{"dot-dot stays inside", "/../../etc/hosts.txt", nil, 404, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := get(t, h, tc.path, tc.hdr)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tc.ctype)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			if tc.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(zr)
				if !bytes.Contains(body, []byte("pretend core")) {
					t.Errorf("gunzipped body %q", body)
				}
			}
			if !bytes.Contains(body, []byte(tc.bodyHas)) {
				t.Errorf("body %q lacks %q", body, tc.bodyHas)
			}
			if tc.status == 200 && resp.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestETagRevalidates(t *testing.T) {
	h, _ := NewFS(builtFS(t))
	first := get(t, h, "/app.js", nil)
	tag := first.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	if again := get(t, h, "/app.js", map[string]string{"If-None-Match": tag}); again.StatusCode != http.StatusNotModified {
		t.Fatalf("status %d, want 304", again.StatusCode)
	}
	zipped := get(t, h, "/app.wasm", map[string]string{"Accept-Encoding": "gzip"}).Header.Get("ETag")
	plain := get(t, h, "/app.wasm", nil).Header.Get("ETag")
	if zipped == plain {
		t.Error("gzip and identity bodies share an ETag")
	}
}

func TestBuildStampChangesWithContent(t *testing.T) {
	a := builtFS(t)
	ha, _ := NewFS(a)
	b := builtFS(t)
	b["app.js"] = &fstest.MapFile{Data: []byte("export const x = 1")}
	hb, _ := NewFS(b)
	if ha.Build() == hb.Build() {
		t.Fatal("build hash did not change with app.js")
	}
	body, _ := io.ReadAll(get(t, ha, "/sw.js", nil).Body)
	if !strings.Contains(string(body), ha.Build()) || strings.Contains(string(body), buildPlaceholder) {
		t.Fatalf("sw.js not stamped: %s", body)
	}
}

func TestNotBuilt(t *testing.T) {
	fsys := builtFS(t)
	delete(fsys, "app.wasm")
	delete(fsys, "app.wasm.gz")
	h, err := NewFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if h.Built() {
		t.Fatal("Built() with no app.wasm")
	}
	for _, p := range []string{"/", "/index.html", "/notes"} {
		resp := get(t, h, p, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "App not built") || !strings.Contains(string(body), "app.wasm") {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	if resp := get(t, h, "/app.js", nil); resp.StatusCode != 200 {
		t.Errorf("static files still served: %d", resp.StatusCode)
	}
}

func TestMethod(t *testing.T) {
	h, _ := NewFS(builtFS(t))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}

// The service worker must cache every file the app needs offline: each
// embedded file (except build inputs) is in its SHELL list, and each
// listed file exists.
func TestServiceWorkerCachesTheShell(t *testing.T) {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		t.Fatal(err)
	}
	sw, err := fs.ReadFile(sub, "sw.js")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(/[^"]*)",?\n`).FindAllStringSubmatch(string(sw), -1) {
		listed[m[1]] = true
	}
	built := map[string]bool{"/app.wasm": true, "/wasm_exec.js": true}
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "sw.js" || strings.HasSuffix(p, ".gz") {
			return err
		}
		if !listed["/"+p] {
			t.Errorf("sw.js does not cache /%s", p)
		}
		return nil
	})
	for p := range listed {
		if p == "/" || built[p] {
			continue
		}
		if _, err := fs.Stat(sub, strings.TrimPrefix(p, "/")); err != nil {
			t.Errorf("sw.js caches %s, which does not exist", p)
		}
	}
}

func TestEmbeddedAppServes(t *testing.T) {
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	resp := get(t, h, "/manifest.webmanifest", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("manifest: %d", resp.StatusCode)
	}
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"", "gzip", "br, gzip;q=0.5", "gzip;q=0", "*", "identity", "GZIP ; q=0.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := acceptsGzip(s)
		if !strings.Contains(strings.ToLower(s), "gzip") && !strings.Contains(s, "*") && got {
			t.Fatalf("acceptsGzip(%q) = true without gzip or *", s)
		}
	})
}
