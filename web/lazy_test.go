package web

import (
	"bytes"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
	"testing"
)

// countingFS counts the bytes read from its files, which (like those of
// an fs.FS of streams) cannot seek.
type countingFS struct {
	fs.FS
	n *atomic.Int64
}

type countingFile struct {
	fs.File
	n *atomic.Int64
}

func (c countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return countingFile{f, c.n}, nil
}

func (c countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.FS, name) }

func (c countingFile) Read(b []byte) (int, error) {
	n, err := c.File.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// A lazy handler reads nothing until a response needs a body, then hashes
// every file exactly once, however many requests arrive together.
func TestLazyHashesOnceOnFirstUse(t *testing.T) {
	fsys := builtFS(t)
	var total int64
	for _, f := range fsys {
		total += int64(len(f.Data))
	}
	appJS := int64(len(fsys["app.js"].Data))
	read := new(atomic.Int64)
	h, err := newHandler(countingFS{fsys, read}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Built() {
		t.Fatal("Built() false with the build outputs listed")
	}
	get(t, h, "/nope.js", nil)
	get(t, h, "/app.wasm.gz", nil)
	if n := read.Load(); n != 0 {
		t.Fatalf("%d bytes read before any body was served", n)
	}
	const clients = 8
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			if resp := get(t, h, "/app.js", nil); resp.StatusCode != 200 {
				t.Errorf("GET /app.js: %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	// app.js is not a ReadSeeker in this wrapper, so each response reads
	// it whole; the hash pass reads every file once.
	if n, want := read.Load(), total+clients*appJS; n != want {
		t.Fatalf("%d bytes read, want %d (every file once, then app.js %d times)", n, want, clients)
	}
}

// Made lazily or at once, a handler answers every request alike.
func TestLazyServesLikeEager(t *testing.T) {
	eager, err := newHandler(builtFS(t), true)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := newHandler(builtFS(t), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/notes", "/sw.js", "/app.js", "/app.wasm", "/icons/a.png", "/nope.css"} {
		for _, enc := range []string{"", "gzip"} {
			hdr := map[string]string{"Accept-Encoding": enc}
			a, b := get(t, lazy, path, hdr), get(t, eager, path, hdr)
			ab, _ := io.ReadAll(a.Body)
			bb, _ := io.ReadAll(b.Body)
			if a.StatusCode != b.StatusCode || !bytes.Equal(ab, bb) {
				t.Errorf("%s %q: lazy %d %q, eager %d %q", path, enc, a.StatusCode, ab, b.StatusCode, bb)
			}
			for _, k := range []string{"ETag", "Content-Type", "Content-Encoding", "Vary", "Cache-Control", "Service-Worker-Allowed"} {
				if a.Header.Get(k) != b.Header.Get(k) {
					t.Errorf("%s %q %s: lazy %q, eager %q", path, enc, k, a.Header.Get(k), b.Header.Get(k))
				}
			}
		}
	}
	if lazy.Build() != eager.Build() {
		t.Errorf("Build(): lazy %s, eager %s", lazy.Build(), eager.Build())
	}
}
