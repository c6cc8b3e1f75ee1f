package syncproto

import (
	"bytes"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// TestEncodeJoinsV2Changes pins how Encode writes Changes: one chunk each
// in TypeV1, one joined chunk in TypeV2 (what Generate relies on to send
// a graph's changes without concatenating them first), and Size always
// the length of the result.
func TestEncodeJoinsV2Changes(t *testing.T) {
	a := synthChange([]byte("alice"), 1, 1, nil)
	b := synthChange([]byte("bob"), 1, 1, nil)
	c := synthChange([]byte("carol"), 1, 1, nil)
	heads := []format.ChangeHash{{1}, {2}}
	have := []Have{{LastSync: []format.ChangeHash{{3}}, Bloom: NewBloom([]format.ChangeHash{{4}, {5}})}}
	tests := []struct {
		name       string
		msg        Message
		wantChunks [][]byte // what decoding the encoding gives
	}{
		{"v1 keeps chunks apart", Message{Type: TypeV1, Heads: heads, Changes: [][]byte{a, b}}, [][]byte{a, b}},
		{"v2 joins several", Message{Type: TypeV2, Heads: heads, Have: have, Changes: [][]byte{a, b, c}, Flags: flagsSection(0)}, [][]byte{slices.Concat(a, b, c)}},
		{"v2 with one", Message{Type: TypeV2, Changes: [][]byte{b}}, [][]byte{b}},
		{"v2 with none", Message{Type: TypeV2, Need: heads}, nil},
		{"v1 with an empty chunk", Message{Type: TypeV1, Changes: [][]byte{{}}}, [][]byte{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := tt.msg.Encode()
			if got := tt.msg.Size(); got != len(enc) {
				t.Errorf("Size %d, Encode wrote %d bytes", got, len(enc))
			}
			prefix := []byte("frame:")
			if got := tt.msg.AppendTo(slices.Clone(prefix)); !bytes.Equal(got, append(prefix, enc...)) {
				t.Errorf("AppendTo did not append the encoding")
			}
			dec, err := DecodeMessage(enc)
			if err != nil {
				t.Fatal(err)
			}
			if len(dec.Changes) != len(tt.wantChunks) {
				t.Fatalf("decoded %d chunks, want %d", len(dec.Changes), len(tt.wantChunks))
			}
			for i := range dec.Changes {
				if !bytes.Equal(dec.Changes[i], tt.wantChunks[i]) {
					t.Errorf("chunk %d differs", i)
				}
			}
			if !bytes.Equal(dec.Encode(), enc) {
				t.Error("decoding and encoding again changes the bytes")
			}
		})
	}
}
