//go:build cgo && !js && !wasip1

package format

import (
	"bytes"
	"testing"
)

// inflateDocument rewrites a document chunk with every column inflated,
// which is what Automerge would have written without compression.
func inflateDocument(t *testing.T, b []byte) (out []byte, deflated int) {
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

// TestDocumentColumnsExact checks that re-encoding a decoded automerge-go
// document gives Automerge's exact column bytes (compared uncompressed,
// since Go's deflate output differs from Rust's), and that large
// documents do use deflated columns.
func TestDocumentColumnsExact(t *testing.T) {
	for name, doc := range map[string][]byte{"rich": richDoc(t).Save(), "big": bigDoc(t, 1500).Save()} {
		t.Run(name, func(t *testing.T) {
			plain, deflated := inflateDocument(t, doc)
			if name == "big" && deflated == 0 {
				t.Fatal("expected automerge-go to deflate some columns of a large document")
			}
			d, err := DecodeDocument(doc)
			if err != nil {
				t.Fatal(err)
			}
			out, err := EncodeDocumentUncompressed(d)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, plain) {
				t.Fatalf("uncompressed re-encoding differs from automerge-go's columns\n got %x\nwant %x", out, plain)
			}
			comp, err := EncodeDocument(d)
			if err != nil {
				t.Fatal(err)
			}
			back, n := inflateDocument(t, comp)
			if n != deflated || !bytes.Equal(back, plain) {
				t.Fatalf("our compressed document deflates %d columns (automerge-go %d) or inflates differently", n, deflated)
			}
		})
	}
}
