package format

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
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
	{"js_doc_marks.bin", "doc"},         // @automerge/automerge 3.5, testdata/gen_js.cjs
	{"js_changes_marks.bin", "changes"}, // the same document's changes
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
		hdrs, err := ReconstructChangeHeaders(d)
		if err != nil {
			t.Fatalf("%s: headers: %v", g.name, err)
		}
		for i := range hdrs {
			if hdrs[i].Ops != nil || hdrs[i].Hash != chs[i].Hash || !bytes.Equal(hdrs[i].Raw, chs[i].Raw) {
				t.Fatalf("%s: change %d header-only rebuild differs", g.name, i)
			}
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

// inflateDocument rewrites a document chunk with every column inflated,
// which is what Automerge would have written without compression.
func inflateDocument(t testing.TB, b []byte) (out []byte, deflated int) {
	t.Helper()
	ch, _, err := ReadChunk(b)
	if err != nil {
		t.Fatal(err)
	}
	r := reader{b: ch.Data}
	n, _ := r.count(1)
	for i := 0; i < n; i++ {
		if _, err := readActor(&r); err != nil {
			t.Fatal(err)
		}
	}
	n, _ = r.count(32)
	_, _ = r.take(uint64(32 * n))
	prefix := ch.Data[:r.off]
	chHdr, err := readColumnHeaders(&r)
	if err != nil {
		t.Fatal(err)
	}
	opHdr, err := readColumnHeaders(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range append(append([]columnHeader{}, chHdr...), opHdr...) {
		if h.spec&deflateBit != 0 {
			deflated++
		}
	}
	budget := maxInflated
	chCols, err := readColumnData(&r, chHdr, true, &budget)
	if err != nil {
		t.Fatal(err)
	}
	opCols, err := readColumnData(&r, opHdr, true, &budget)
	if err != nil {
		t.Fatal(err)
	}
	body := append([]byte{}, prefix...)
	body = appendColumnTable(body, chCols)
	body = appendColumnTable(body, opCols)
	body = appendColumnData(body, chCols)
	body = appendColumnData(body, opCols)
	body = append(body, ch.Data[r.off:]...)
	h := chunkHash(ChunkDocument, body)
	var sum [4]byte
	copy(sum[:], h[:4])
	return appendChunk(nil, ChunkDocument, sum, body), deflated
}

// TestGoldenJS checks documents and changes written by @automerge/automerge
// 3.5 (marks, unmarks, counters, deletes, two actors): changes re-encode
// exactly, the document's changes rebuild to the same bytes, and our
// document encoding has the same column bytes.
func TestGoldenJS(t *testing.T) {
	heads := strings.Fields(string(readGolden(t, "js_heads.txt")))
	chunks, err := SplitChunks(readGolden(t, "js_changes_marks.bin"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[ChangeHash][]byte{}
	marks := 0
	for _, ch := range chunks {
		c, err := ChangeFromChunk(ch)
		if err != nil {
			t.Fatal(err)
		}
		want[c.Hash] = c.Raw
		for _, op := range c.Ops {
			if op.Action == ActionMark {
				marks++
			}
		}
	}
	if marks == 0 {
		t.Fatal("expected mark ops in the JS changes")
	}
	saved := readGolden(t, "js_doc_marks.bin")
	d, err := DecodeDocument(saved)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Heads) != len(heads) {
		t.Fatalf("%d heads, want %d", len(d.Heads), len(heads))
	}
	for i, h := range heads {
		if hex.EncodeToString(d.Heads[i][:]) != h {
			t.Fatalf("head %d = %x, want %s", i, d.Heads[i], h)
		}
	}
	chs, err := ReconstructChanges(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != len(want) {
		t.Fatalf("%d changes rebuilt, %d saved", len(chs), len(want))
	}
	for i, c := range chs {
		if !bytes.Equal(want[c.Hash], c.Raw) {
			t.Fatalf("rebuilt change %d differs from the JS change", i)
		}
	}
	plain, _ := inflateDocument(t, saved)
	out, err := EncodeDocumentUncompressed(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, plain) {
		t.Fatalf("our document encoding differs from JS's columns\n got %x\nwant %x", out, plain)
	}
}

// TestDocumentWithoutHeadIndexes: documents from before Automerge recorded
// head indexes decode with HeadIndexes nil, and the encoder derives the
// same indexes from the changes.
func TestDocumentWithoutHeadIndexes(t *testing.T) {
	saved := readGolden(t, "doc_rich.bin")
	d, err := DecodeDocument(saved)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.HeadIndexes) != len(d.Heads) || len(d.Heads) == 0 {
		t.Fatalf("golden document has %d head indexes for %d heads", len(d.HeadIndexes), len(d.Heads))
	}
	withIdx, err := EncodeDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	// Strip the trailing indexes (one byte each here) and refresh the checksum.
	ch, _, err := ReadChunk(saved)
	if err != nil {
		t.Fatal(err)
	}
	old := reframe(ChunkDocument, ch.Data[:len(ch.Data)-len(d.Heads)])
	d2, err := DecodeDocument(old)
	if err != nil {
		t.Fatal(err)
	}
	if d2.HeadIndexes != nil {
		t.Fatalf("head indexes %v from a document without them", d2.HeadIndexes)
	}
	derived, err := EncodeDocument(d2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(derived, withIdx) {
		t.Fatal("derived head indexes differ from the recorded ones")
	}
}
