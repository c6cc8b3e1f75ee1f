package format

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// goldenFiles are real automerge-go output (regenerate with
// go test -run TestWriteGolden -update).
var goldenFiles = []struct{ name, kind string }{
	{"change.bin", "change"},
	{"change_compressed.bin", "change"},
	{"changes.bin", "changes"},
	{"doc_rich.bin", "doc"},
	{"doc_deflate.bin", "doc"},
	{"doc_empty.bin", "doc"},
	{"mixed.bin", "mixed"},
}

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenChanges re-encodes every golden change to its exact bytes.
func TestGoldenChanges(t *testing.T) {
	for _, g := range goldenFiles {
		b := readGolden(t, g.name)
		chunks, err := SplitChunks(b)
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		for i, ch := range chunks {
			if ch.Type == ChunkDocument {
				continue
			}
			c, err := ChangeFromChunk(ch)
			if err != nil {
				t.Fatalf("%s chunk %d: %v", g.name, i, err)
			}
			again := *c
			again.Raw = nil
			out, err := EncodeChange(&again)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, c.Raw) || again.Hash != c.Hash {
				t.Fatalf("%s chunk %d: re-encoding differs", g.name, i)
			}
			if ch.Type == ChunkCompressed && bytes.Equal(c.Raw, ch.Bytes) {
				t.Fatalf("%s chunk %d: Raw should be the inflated change", g.name, i)
			}
		}
	}
}

// TestGoldenDocuments decodes golden documents, rebuilds their changes
// and checks the heads, and round-trips them through our encoder.
func TestGoldenDocuments(t *testing.T) {
	for _, g := range goldenFiles {
		if g.kind != "doc" {
			continue
		}
		d, err := DecodeDocument(readGolden(t, g.name))
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		chs, err := ReconstructChanges(d)
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		if len(chs) != len(d.Changes) {
			t.Fatalf("%s: %d changes rebuilt, %d recorded", g.name, len(chs), len(d.Changes))
		}
		out, err := EncodeDocument(d)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := DecodeDocument(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReconstructChanges(d2); err != nil {
			t.Fatalf("%s: our encoding: %v", g.name, err)
		}

		// Tampering with a head is detected.
		if len(d.Heads) > 0 {
			bad := *d
			bad.Heads = append([]ChangeHash{}, d.Heads...)
			bad.Heads[0][0] ^= 1
			if _, err := ReconstructChanges(&bad); !errors.Is(err, ErrHeadsMismatch) {
				t.Fatalf("%s: tampered head: %v", g.name, err)
			}
		}
	}
}

// TestGoldenMixed splits a document followed by changes.
func TestGoldenMixed(t *testing.T) {
	chunks, err := SplitChunks(readGolden(t, "mixed.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 2 || chunks[0].Type != ChunkDocument || chunks[1].Type != ChunkChange {
		t.Fatalf("unexpected chunks: %d", len(chunks))
	}
	if _, err := DocumentFromChunk(chunks[0]); err != nil {
		t.Fatal(err)
	}
}
