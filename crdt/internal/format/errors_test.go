package format

import (
	"bytes"
	"errors"
	"testing"
)

// reframe builds a chunk of type t around body with a correct checksum.
func reframe(t ChunkType, body []byte) []byte {
	h := chunkHash(t, body)
	var sum [4]byte
	copy(sum[:], h[:4])
	return appendChunk(nil, t, sum, body)
}

func TestDecodeErrors(t *testing.T) {
	change := readGolden(t, "change.bin")
	doc := readGolden(t, "doc_rich.bin")
	ch, _, err := ReadChunk(change)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x40; return b }

	// A change whose single column table entry claims the deflate bit.
	deflatedCol := reframe(ChunkChange, func() []byte {
		c, _ := DecodeChange(change)
		body := bytes.Clone(c.Raw[len(c.Raw)-len(ch.Data):])
		r := reader{b: body}
		n, _ := r.count(32)
		r.take(uint64(32 * n))
		readActor(&r)
		r.uleb()
		r.uleb()
		r.sleb()
		m, _ := r.uleb()
		r.take(m)
		k, _ := r.count(1)
		for i := 0; i < k; i++ {
			readActor(&r)
		}
		r.uleb()           // column count
		body[r.off] |= 0x8 // first column's spec
		return body
	}())

	for _, tc := range []struct {
		name string
		in   []byte
		dec  func([]byte) error
		want error
	}{
		{"change empty", nil, decChange, ErrTruncated},
		{"change bad magic", flip(change, 0), decChange, ErrBadMagic},
		{"change bad checksum", flip(change, 5), decChange, ErrBadChecksum},
		{"change body altered", flip(change, len(change)-3), decChange, ErrBadChecksum},
		{"change unknown type", func() []byte { b := bytes.Clone(change); b[8] = 7; return b }(), decChange, ErrUnknownChunkType},
		{"change truncated", change[:len(change)-1], decChange, ErrTruncated},
		{"change trailing", append(bytes.Clone(change), 0), decChange, ErrTrailingData},
		{"change given document", doc, decChange, ErrWrongChunkType},
		{"document given change", change, decDoc, ErrWrongChunkType},
		{"document truncated", doc[:20], decDoc, ErrTruncated},
		{"document bad checksum", flip(doc, 6), decDoc, ErrBadChecksum},
		{"change deflated column", deflatedCol, decChange, ErrCorrupt},
		{"compressed bad deflate", reframe(ChunkCompressed, []byte{0xff, 0xff, 0xff}), decChange, ErrCorrupt},
		{"compressed bad checksum", appendChunk(nil, ChunkCompressed, [4]byte{1, 2, 3, 4}, deflate(ch.Data)), decChange, ErrBadChecksum},
		{"change zero start op", reframe(ChunkChange, []byte{0, 1, 0xaa, 1, 0, 0, 0, 0, 0}), decChange, ErrCorrupt},
		{"change huge dep count", reframe(ChunkChange, []byte{0xff, 0xff, 0x03}), decChange, ErrTruncated},
		{"change columns out of order", reframe(ChunkChange, []byte{0, 1, 0xaa, 1, 1, 0, 0, 0, 2, 0x42, 0, 0x01, 0}), decChange, ErrCorrupt},
		{"change column longer than input", reframe(ChunkChange, []byte{0, 1, 0xaa, 1, 1, 0, 0, 0, 1, 0x42, 0x10}), decChange, ErrTruncated},
		{"change action run too long", reframe(ChunkChange, []byte{0, 1, 0xaa, 1, 1, 0, 0, 0, 1, 0x42, 6, 0x80, 0x80, 0x80, 0x80, 0x01, 1}), decChange, ErrTooLarge},
		{"change pred actor out of range", reframe(ChunkChange, []byte{0, 1, 0xaa, 1, 1, 0, 0, 0,
			6, 0x15, 3, 0x42, 2, 0x56, 2, 0x70, 2, 0x71, 2, 0x73, 2,
			0x7f, 1, 'k', 0x7f, 1, 0x7f, 0, 0x7f, 1, 0x7f, 5, 0x7f, 1}), decChange, ErrCorrupt},
	} {
		if err := tc.dec(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		} else if testing.Verbose() {
			t.Logf("%s: %v", tc.name, err)
		}
	}
}

func decChange(b []byte) error { _, err := DecodeChange(b); return err }
func decDoc(b []byte) error    { _, err := DecodeDocument(b); return err }

func TestSplitChunksStopsAtBadChunk(t *testing.T) {
	good := readGolden(t, "change.bin")
	in := append(bytes.Clone(good), 1, 2, 3)
	chunks, err := SplitChunks(in)
	if !errors.Is(err, ErrTruncated) || len(chunks) != 1 {
		t.Fatalf("got %d chunks, %v", len(chunks), err)
	}
}

func TestEncodeRejectsInvalid(t *testing.T) {
	for name, c := range map[string]*Change{
		"no author":     {StartOp: 1},
		"zero start op": {Actors: [][]byte{{1}}},
		"pred actor":    {Actors: [][]byte{{1}}, StartOp: 1, Ops: []Op{{Pred: []OpID{{Counter: 1, Actor: 1}}}}},
		"obj actor":     {Actors: [][]byte{{1}}, StartOp: 1, Ops: []Op{{Obj: OpID{Counter: 1, Actor: 2}}}},
		"value type":    {Actors: [][]byte{{1}}, StartOp: 1, Ops: []Op{{Key: Key{Prop: "a", IsProp: true}, Value: Value{Type: 16}}}},
	} {
		if _, err := EncodeChange(c); !errors.Is(err, ErrInvalidChange) {
			t.Errorf("%s: %v", name, err)
		}
	}
	d := &Document{Actors: [][]byte{{1}}, Ops: []Op{{ID: OpID{Counter: 1, Actor: 1}}}}
	if _, err := EncodeDocument(d); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("document op actor: %v", err)
	}
	if _, err := ReconstructChanges(d); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("reconstruct op actor: %v", err)
	}
}

// TestDeflatedPaddingBuysNoRows: a document of a few dozen bytes whose
// action column claims millions of rows, padded with a deflated column
// that inflates to kilobytes, is refused before any row is allocated.
func TestDeflatedPaddingBuysNoRows(t *testing.T) {
	run := AppendSleb(nil, 1<<22)
	run = AppendUleb(run, 1)
	padding := deflate(make([]byte, 1<<13))
	body := []byte{0, 0, 0, 2}
	body = append(body, byte(specAction))
	body = AppendUleb(body, uint64(len(run)))
	body = AppendUleb(body, uint64(specValRaw|deflateBit))
	body = AppendUleb(body, uint64(len(padding)))
	body = append(append(body, run...), padding...)
	if _, err := DecodeDocument(reframe(ChunkDocument, body)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%d-byte document claiming %d rows: %v", len(body), 1<<22, err)
	}
}
