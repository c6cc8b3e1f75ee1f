// Package web serves the Commonplace field app: a plain ES-module PWA
// embedded in the binary so that `commonplace serve` is the only thing an
// operator runs.
//
// Why the serving rules look the way they do:
//   - Every response carries a strong ETag and "Cache-Control: no-cache", so
//     browsers revalidate cheaply (304) and the service worker never holds
//     on to a stale file the server has replaced.
//   - sw.js has the build's hash stamped into it: any change to any file
//     changes sw.js byte for byte, which is what makes browsers install the
//     new worker, which re-caches the shell under a new name.
//   - app.wasm is large; a precompressed app.wasm.gz is sent whenever the
//     client accepts gzip, with the wasm media type that streaming
//     compilation requires.
//   - The wasm build outputs are not committed. Without them the package
//     still compiles and "/" explains how to build the app.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed all:static
var embedded embed.FS

// buildPlaceholder is the text in sw.js replaced by the build hash.
const buildPlaceholder = "__COMMONPLACE_BUILD__"

// Required build outputs: without them the app cannot start.
var buildOutputs = []string{"app.wasm", "wasm_exec.js"}

// file is one servable file, read once at start-up.
type file struct {
	body     []byte
	gz       []byte // precompressed body, when one was built
	etag     string
	gzETag   string
	mimeType string
}

// Handler serves the embedded app.
type Handler struct {
	files   map[string]*file
	build   string
	missing []string
}

// New reads the embedded app into memory and returns its handler.
func New() (*Handler, error) {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return NewFS(sub)
}

// NewFS serves the app found in fsys (New uses the embedded copy; tests
// and `serve --web DIR` use others).
func NewFS(fsys fs.FS) (*Handler, error) {
	h := &Handler{files: map[string]*file{}}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: list files: %w", err)
	}
	sort.Strings(names)
	all := sha256.New()
	for _, p := range names {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("web: read %s: %w", p, err)
		}
		fmt.Fprintf(all, "%s\x00%d\x00", p, len(b))
		all.Write(b)
		if strings.HasSuffix(p, ".gz") {
			continue // attached to the plain file below
		}
		h.files[p] = &file{body: b, etag: etag(b), mimeType: mimeOf(p)}
	}
	for _, p := range names {
		if base, ok := strings.CutSuffix(p, ".gz"); ok {
			if f := h.files[base]; f != nil {
				b, err := fs.ReadFile(fsys, p)
				if err != nil {
					return nil, fmt.Errorf("web: read %s: %w", p, err)
				}
				f.gz, f.gzETag = b, etag(b)
			}
		}
	}
	h.build = hex.EncodeToString(all.Sum(nil))[:16]
	if sw := h.files["sw.js"]; sw != nil {
		sw.body = bytes.ReplaceAll(sw.body, []byte(buildPlaceholder), []byte(h.build))
		sw.etag = etag(sw.body)
	}
	for _, p := range buildOutputs {
		if h.files[p] == nil {
			h.missing = append(h.missing, p)
		}
	}
	return h, nil
}

// Build is the hash of every served file, as stamped into sw.js.
func (h *Handler) Build() string { return h.build }

// Built reports whether the wasm build outputs are present.
func (h *Handler) Built() bool { return len(h.missing) == 0 }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if !h.Built() && (name == "index.html" || !strings.Contains(path.Base(name), ".")) {
		h.notBuilt(w)
		return
	}
	f := h.files[name]
	if f == nil {
		if strings.Contains(path.Base(name), ".") {
			http.Error(w, "not found: "+name, http.StatusNotFound)
			return
		}
		// A client-side route such as /notes: the app shell handles it.
		f = h.files["index.html"]
		if f == nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
	}
	body, tag := f.body, f.etag
	hd := w.Header()
	hd.Set("Content-Type", f.mimeType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	if f.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, tag = f.gz, f.gzETag
			hd.Set("Content-Encoding", "gzip")
		}
	}
	if name == "sw.js" {
		hd.Set("Service-Worker-Allowed", "/")
	}
	hd.Set("ETag", tag)
	// ServeContent handles If-None-Match, ranges and HEAD.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (h *Handler) notBuilt(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// 200, not 503: the server is healthy, only the app is missing, and
	// the page says how to add it.
	fmt.Fprintf(w, notBuiltPage, strings.Join(h.missing, ", "))
}

const notBuiltPage = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Commonplace — app not built</title>
<body style="font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>App not built</h1>
<p>This server was compiled without the field app (missing: %s).</p>
<p>Run <code>make web build</code> (or <code>make run</code>) in the source tree and start the server again.
The relay itself is running: clients can still sync at <code>/sync</code>.</p>
</body></html>`

func etag(b []byte) string {
	s := sha256.Sum256(b)
	return `"` + hex.EncodeToString(s[:12]) + `"`
}

func mimeOf(p string) string {
	switch path.Ext(p) {
	case ".wasm":
		return "application/wasm"
	case ".webmanifest":
		return "application/manifest+json"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}
