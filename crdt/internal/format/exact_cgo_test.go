//go:build cgo && !js && !wasip1

package format

import (
	"bytes"
	"testing"
)

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
