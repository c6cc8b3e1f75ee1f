//go:build cgo && !js && !wasip1

package format

import (
	"bytes"
	"slices"
	"testing"

	"github.com/automerge/automerge-go"
)

// TestDocumentsFromAutomerge decodes documents saved by automerge-go,
// rebuilds their changes (same hashes as automerge-go's), re-encodes them
// and loads the result back in automerge-go.
func TestDocumentsFromAutomerge(t *testing.T) {
	for name, doc := range map[string]*automerge.Doc{
		"empty": automerge.New(),
		"rich":  richDoc(t),
		"big":   bigDoc(t, 1500),
	} {
		t.Run(name, func(t *testing.T) {
			saved := doc.Save()
			d, err := DecodeDocument(saved)
			if err != nil {
				t.Fatal(err)
			}
			heads := doc.Heads()
			if len(d.Heads) != len(heads) {
				t.Fatalf("%d heads, want %d", len(d.Heads), len(heads))
			}
			for i := range heads {
				if d.Heads[i] != ChangeHash(heads[i]) {
					t.Fatalf("head %d differs", i)
				}
			}
			want, err := doc.Changes()
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReconstructChanges(d)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d changes, want %d", len(got), len(want))
			}
			byHash := map[ChangeHash][]byte{}
			for _, c := range want {
				byHash[ChangeHash(c.Hash())] = c.Save()
			}
			for i, c := range got {
				raw, ok := byHash[c.Hash]
				if !ok {
					t.Fatalf("rebuilt change %d has hash %x, not one of automerge-go's", i, c.Hash)
				}
				if !bytes.Equal(raw, c.Raw) {
					t.Fatalf("rebuilt change %d bytes differ", i)
				}
			}

			for _, compress := range []bool{true, false} {
				enc := EncodeDocumentUncompressed
				if compress {
					enc = EncodeDocument
				}
				out, err := enc(d)
				if err != nil {
					t.Fatal(err)
				}
				back, err := automerge.Load(out)
				if err != nil {
					t.Fatalf("automerge-go cannot load our document (compress=%v): %v", compress, err)
				}
				if !slices.Equal(back.Heads(), heads) {
					t.Fatalf("heads after load differ (compress=%v)", compress)
				}
				// Automerge saves the same state to the same bytes.
				if !bytes.Equal(back.Save(), saved) {
					t.Fatalf("automerge-go re-saves our document differently (compress=%v)", compress)
				}
				// And our own decoder reads our encoding back to the same document.
				d2, err := DecodeDocument(out)
				if err != nil {
					t.Fatal(err)
				}
				out2, err := enc(d2)
				if err != nil || !bytes.Equal(out, out2) {
					t.Fatalf("re-encoding our own document differs (compress=%v): %v", compress, err)
				}
			}
			// Without head indexes the encoder derives them.
			noIdx := *d
			noIdx.HeadIndexes = nil
			out, err := EncodeDocument(&noIdx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := automerge.Load(out); err != nil {
				t.Fatal(err)
			}
		})
	}
}
