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
//   - No body is kept in the Go heap: each response streams its file from
//     the fs.FS (sw.js, rewritten with the stamp, is the one exception).
//     The embedded app is not even hashed until a request needs it: its
//     bytes are mapped from the binary, and reading them would make ~9 MB
//     of it resident in a relay nobody loads the app from.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed all:static
var embedded embed.FS

// buildPlaceholder is the text in sw.js replaced by the build hash.
const buildPlaceholder = "__COMMONPLACE_BUILD__"

// maxStamped bounds the one file kept in memory (sw.js, which is rewritten).
const maxStamped = 1 << 20

// Required build outputs: without them the app cannot start.
var buildOutputs = []string{"app.wasm", "wasm_exec.js"}

// ErrChanged is returned (and answered with 503) when a file differs from
// what the build hash and ETags were computed over: a directory given to
// `serve --web` was rebuilt while the server ran.
var ErrChanged = errors.New("web: file changed since the server started; restart it")

// file is one servable name, known from the listing alone.
type file struct {
	name     string // path in the fs.FS
	gz       string // its precompressed sibling, when one was built
	mimeType string
}

// body is one file as it was when it was hashed. Only its identity is
// kept; the bytes stay in the fs.FS until a response streams them.
type body struct {
	size    int64
	modTime time.Time
	etag    string
}

// index is what reading every file once yields.
type index struct {
	build   string
	bodies  map[string]body // by path, .gz files included
	stamped []byte          // sw.js with the build hash stamped in
}

// Handler serves the embedded app.
type Handler struct {
	fsys    fs.FS
	names   []string // every file, sorted
	files   map[string]*file
	missing []string
	index   func() (*index, error)
}

// New returns the handler for the app embedded in the binary. It hashes
// the app on the first request that needs a body (the embedded bytes can
// neither change nor fail to read, so nothing is learnt by doing it now).
func New() (*Handler, error) {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return newHandler(sub, false)
}

// NewFS serves the app found in fsys (tests and `serve --web DIR` use it).
// It reads every file once now, so that an unreadable file is an error at
// start, and keeps none of the bytes but sw.js's.
func NewFS(fsys fs.FS) (*Handler, error) {
	return newHandler(fsys, true)
}

// newHandler lists fsys and hashes it now (eager) or on first use.
func newHandler(fsys fs.FS, eager bool) (*Handler, error) {
	h := &Handler{fsys: fsys, files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		h.names = append(h.names, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: list files: %w", err)
	}
	slices.Sort(h.names)
	for _, p := range h.names {
		if !strings.HasSuffix(p, ".gz") {
			h.files[p] = &file{name: p, mimeType: mimeOf(p)}
		}
	}
	for _, p := range h.names {
		if base, ok := strings.CutSuffix(p, ".gz"); ok && h.files[base] != nil {
			h.files[base].gz = p
		}
	}
	for _, p := range buildOutputs {
		if h.files[p] == nil {
			h.missing = append(h.missing, p)
		}
	}
	if !eager {
		h.index = sync.OnceValues(h.read)
		return h, nil
	}
	idx, err := h.read()
	if err != nil {
		return nil, err
	}
	h.index = func() (*index, error) { return idx, nil }
	return h, nil
}

// read hashes every file: the build hash over each one's name, length and
// bytes, and each one's ETag.
func (h *Handler) read() (*index, error) {
	idx := &index{bodies: make(map[string]body, len(h.names))}
	all := sha256.New()
	var sw bytes.Buffer
	for _, p := range h.names {
		var keep *bytes.Buffer
		if p == "sw.js" {
			keep = &sw
		}
		b, err := scan(h.fsys, p, all, keep)
		if err != nil {
			return nil, err
		}
		idx.bodies[p] = b
	}
	idx.build = hex.EncodeToString(all.Sum(nil))[:16]
	if b, ok := idx.bodies["sw.js"]; ok {
		idx.stamped = bytes.ReplaceAll(sw.Bytes(), []byte(buildPlaceholder), []byte(idx.build))
		b.etag = etag(idx.stamped)
		idx.bodies["sw.js"] = b
	}
	return idx, nil
}

// scan reads p once, writing its name, length and bytes to the build hash
// and (when keep is not nil, for sw.js) its bytes to keep.
func scan(fsys fs.FS, p string, build hash.Hash, keep *bytes.Buffer) (body, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return body{}, fmt.Errorf("web: read %s: %w", p, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return body{}, fmt.Errorf("web: read %s: %w", p, err)
	}
	if keep != nil && info.Size() > maxStamped {
		return body{}, fmt.Errorf("web: %s is %d bytes, more than %d", p, info.Size(), maxStamped)
	}
	fmt.Fprintf(build, "%s\x00%d\x00", p, info.Size())
	sum := sha256.New()
	w := io.MultiWriter(build, sum)
	if keep != nil {
		w = io.MultiWriter(build, sum, keep)
	}
	n, err := io.Copy(w, f)
	if err != nil {
		return body{}, fmt.Errorf("web: read %s: %w", p, err)
	}
	if n != info.Size() {
		return body{}, fmt.Errorf("web: read %s: %d bytes, its size says %d: %w", p, n, info.Size(), ErrChanged)
	}
	return body{size: n, modTime: info.ModTime(), etag: quote(sum.Sum(nil))}, nil
}

// noClose is the close function of a body served from memory.
func noClose() error { return nil }

// open opens p (hashed as b) for one response, checking it is still the
// file hashed. An fs.File that cannot seek (no standard fs.FS makes one)
// is read into memory for this response only.
func (h *Handler) open(idx *index, p string, b body) (io.ReadSeeker, func() error, error) {
	if p == "sw.js" && idx.stamped != nil {
		return bytes.NewReader(idx.stamped), noClose, nil
	}
	fh, err := h.fsys.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("web: %s: %w (%w)", p, ErrChanged, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("web: open %s: %w", p, err)
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, nil, fmt.Errorf("web: open %s: %w", p, err)
	}
	if info.Size() != b.size || !info.ModTime().Equal(b.modTime) {
		fh.Close()
		return nil, nil, fmt.Errorf("web: %s: %w", p, ErrChanged)
	}
	if rs, ok := fh.(io.ReadSeeker); ok {
		return rs, fh.Close, nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, b.size+1))
	if err != nil {
		return nil, nil, fmt.Errorf("web: read %s: %w", p, err)
	}
	if int64(len(data)) != b.size {
		return nil, nil, fmt.Errorf("web: %s: %w", p, ErrChanged)
	}
	return bytes.NewReader(data), noClose, nil
}

// Build is the hash of every served file, as stamped into sw.js, or ""
// if the files could not be read (only the embedded app, which cannot
// fail to read, is read after the handler is made).
func (h *Handler) Build() string {
	idx, err := h.index()
	if err != nil {
		return ""
	}
	return idx.build
}

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
	p, hd := f.name, w.Header()
	if f.gz != "" {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			p = f.gz
		}
	}
	idx, err := h.index()
	var content io.ReadSeeker
	closeContent := noClose
	if err == nil {
		content, closeContent, err = h.open(idx, p, idx.bodies[p])
	}
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrChanged) {
			status = http.StatusServiceUnavailable
		}
		http.Error(w, err.Error(), status)
		return
	}
	defer closeContent()
	if p != f.name {
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Type", f.mimeType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	if name == "sw.js" {
		hd.Set("Service-Worker-Allowed", "/")
	}
	hd.Set("ETag", idx.bodies[p].etag)
	// ServeContent handles If-None-Match, ranges and HEAD, and streams
	// the body (with sendfile for a directory's files).
	http.ServeContent(w, r, "", time.Time{}, content)
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
	return quote(s[:])
}

// quote makes a strong ETag from a SHA-256 sum.
func quote(sum []byte) string {
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// mimeOf is the media type of p, from a fixed list of the types a web app
// ships: mime.TypeByExtension would load the system's tables (about 600 KB
// of heap for the life of the relay) to answer these few.
func mimeOf(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".wasm":
		return "application/wasm"
	case ".webmanifest":
		return "application/manifest+json"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".gif":
		return "image/gif"
	case ".ico":
		return "image/vnd.microsoft.icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
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
