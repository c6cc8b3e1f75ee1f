//go:build cgo && !js && !wasip1

package format

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/automerge/automerge-go"
)

var update = flag.Bool("update", false, "rewrite testdata/*.bin from automerge-go")

// TestWriteGolden regenerates the golden files from automerge-go when run
// with -update; otherwise it checks that they still decode the way
// automerge-go reads them.
func TestWriteGolden(t *testing.T) {
	if !*update {
		for _, g := range goldenFiles {
			b, err := os.ReadFile(filepath.Join("testdata", g.name))
			if err != nil {
				t.Fatal(err)
			}
			// Single changes depend on others, so only whole sets and
			// documents are loaded here.
			switch g.kind {
			case "doc", "mixed":
				_, err = automerge.Load(b)
			case "changes":
				_, err = automerge.LoadChanges(b)
			}
			if err != nil {
				t.Errorf("%s: automerge-go: %v", g.name, err)
			}
		}
		return
	}
	rich := richDoc(t)
	chs, err := rich.Changes()
	if err != nil {
		t.Fatal(err)
	}
	big := bigDoc(t, 1500)
	bigChs, err := big.Changes()
	if err != nil {
		t.Fatal(err)
	}
	largest := bigChs[0].Save()
	for _, c := range bigChs {
		if raw := c.Save(); len(raw) > len(largest) {
			largest = raw
		}
	}
	compressed, err := CompressChange(largest)
	if err != nil {
		t.Fatal(err)
	}
	half := automerge.New()
	if err := half.Apply(chs[:2]...); err != nil {
		t.Fatal(err)
	}
	mixed := append(half.Save(), automerge.SaveChanges(chs[2:])...)
	files := map[string][]byte{
		"change.bin":            chs[2].Save(),
		"change_compressed.bin": compressed,
		"changes.bin":           automerge.SaveChanges(chs),
		"doc_rich.bin":          rich.Save(),
		"doc_deflate.bin":       big.Save(),
		"mixed.bin":             mixed,
		"doc_empty.bin":         automerge.New().Save(),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
