package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Bodies streamed from each kind of fs.FS answer ranges, HEAD and
// revalidation as the bytes would.
func TestStreamedBodies(t *testing.T) {
	wasm := builtFS(t)["app.wasm"].Data
	dir := t.TempDir()
	for name, f := range builtFS(t) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, sys := range []struct {
		name string
		fsys fs.FS
	}{{"MapFS", builtFS(t)}, {"DirFS", os.DirFS(dir)}, {"no Seek", countingFS{os.DirFS(dir), new(atomic.Int64)}}} {
		h, err := NewFS(sys.fsys)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, method string
			hdr          map[string]string
			status       int
			body         string
		}{
			{"whole", http.MethodGet, nil, 200, string(wasm)},
			{"range", http.MethodGet, map[string]string{"Range": "bytes=0-3"}, 206, "\x00asm"},
			{"head", http.MethodHead, nil, 200, ""},
			{"revalidate", http.MethodGet, map[string]string{"If-None-Match": etag(wasm)}, 304, ""},
		}
		for _, tc := range tests {
			t.Run(sys.name+"/"+tc.name, func(t *testing.T) {
				req := httptest.NewRequest(tc.method, "/app.wasm", nil)
				for k, v := range tc.hdr {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tc.status || rec.Body.String() != tc.body {
					t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body, tc.status, tc.body)
				}
				if tc.status == 200 && rec.Header().Get("Content-Length") != strconv.Itoa(len(wasm)) {
					t.Errorf("Content-Length %q", rec.Header().Get("Content-Length"))
				}
			})
		}
	}
}

// A file replaced after start no longer matches its ETag or the build
// stamped into sw.js: it is refused with a 503 that says to restart,
// rather than served under the old file's name for it.
func TestChangedFileIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(path string) error
	}{
		{"new size", func(p string) error { return os.WriteFile(p, []byte("export const changed = 1"), 0o644) }},
		{"same size, new time", func(p string) error {
			return os.Chtimes(p, time.Time{}, time.Now().Add(time.Hour))
		}},
		{"removed", os.Remove},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range map[string]string{"app.js": "export {}", "sw.js": buildPlaceholder} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			h, err := NewFS(os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.change(filepath.Join(dir, "app.js")); err != nil {
				t.Fatal(err)
			}
			resp := get(t, h, "/app.js", nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("ETag") != "" {
				t.Fatalf("changed app.js: %d ETag %q %s", resp.StatusCode, resp.Header.Get("ETag"), body)
			}
			if !strings.Contains(string(body), "restart") {
				t.Errorf("body does not say to restart: %s", body)
			}
			if resp := get(t, h, "/sw.js", nil); resp.StatusCode != 200 {
				t.Errorf("sw.js, kept in memory: %d", resp.StatusCode)
			}
		})
	}
}

// sw.js is the one body read into memory; a larger one is refused.
func TestHugeServiceWorkerRefused(t *testing.T) {
	fsys := builtFS(t)
	fsys["sw.js"].Data = bytes.Repeat([]byte("/"), maxStamped+1)
	if _, err := NewFS(fsys); err == nil || !strings.Contains(err.Error(), "sw.js") {
		t.Fatalf("NewFS with a %d-byte sw.js: %v", maxStamped+1, err)
	}
}

// The build hash is over every file's name, length and bytes, as it was
// when the files were read whole: a stamp does not change because the
// handler reads differently.
func TestBuildHashFormat(t *testing.T) {
	fsys := builtFS(t)
	h, err := NewFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	all := sha256.New()
	for _, p := range []string{"app.js", "app.wasm", "app.wasm.gz", "icons/a.png", "index.html", "manifest.webmanifest", "sw.js", "wasm_exec.js"} {
		fmt.Fprintf(all, "%s\x00%d\x00", p, len(fsys[p].Data))
		all.Write(fsys[p].Data)
	}
	if want := hex.EncodeToString(all.Sum(nil))[:16]; h.Build() != want {
		t.Fatalf("Build() = %s, want %s", h.Build(), want)
	}
}
