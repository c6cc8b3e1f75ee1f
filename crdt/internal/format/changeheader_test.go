package format

import (
	"bytes"
	"testing"
)

// TestReadChangeHeaderOwnership checks that a header copies a plain
// chunk's bytes unless it owns them, and reads every golden change as
// the full header decode does, compressed ones included.
func TestReadChangeHeaderOwnership(t *testing.T) {
	for _, name := range []string{"change.bin", "change_compressed.bin", "changes.bin", "js_changes_marks.bin"} {
		t.Run(name, func(t *testing.T) {
			chunks, err := SplitChunks(readGolden(t, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range chunks {
				checkChangeHeader(t, ch)
				copied, err := ReadChangeHeader(ch, false)
				if err != nil {
					t.Fatal(err)
				}
				owned, err := ReadChangeHeader(ch, true)
				if err != nil {
					t.Fatal(err)
				}
				if ch.Type != ChunkChange {
					continue // inflated: new bytes either way
				}
				if &owned.Raw[0] != &ch.Bytes[0] {
					t.Error("an owned chunk's bytes were copied")
				}
				if &copied.Raw[0] == &ch.Bytes[0] || !bytes.Equal(copied.Raw, ch.Bytes) {
					t.Error("a chunk's bytes were not copied")
				}
			}
		})
	}
}
