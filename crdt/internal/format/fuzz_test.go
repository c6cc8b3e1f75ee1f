package format

import (
	"bytes"
	"slices"
	"testing"
)

func addGoldenSeeds(f *testing.F) {
	for _, g := range goldenFiles {
		b := readGolden(f, g.name)
		f.Add(b)
		if chunks, err := SplitChunks(b); err == nil {
			for _, c := range chunks {
				f.Add(c.Bytes)
			}
		}
	}
}

// fixChecksum returns b with the checksum of its first chunk recomputed,
// so that mutations inside a chunk reach the decoders behind the checksum.
func fixChecksum(b []byte) []byte {
	if len(b) < 10 || !bytes.Equal(b[:4], magic[:]) || b[8] > byte(ChunkChange) {
		return b
	}
	n, k, err := ReadUleb(b[9:])
	if err != nil || n > uint64(len(b)-9-k) {
		return b
	}
	out := bytes.Clone(b)
	h := chunkHash(ChunkType(b[8]), b[9+k:9+k+int(n)])
	copy(out[4:8], h[:4])
	return out
}

// FuzzDecodeChange checks that decoding never panics and that whatever
// decodes re-encodes to a fixed point.
func FuzzDecodeChange(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		b = fixChecksum(b)
		if ch, _, err := ReadChunk(b); err == nil {
			checkChangeHeader(t, ch)
		}
		c, err := DecodeChange(b)
		if err != nil {
			return
		}
		if c2, err := DecodeChangeHeader(b); err != nil || c2.Hash != c.Hash {
			t.Fatalf("header decode disagrees: %v", err)
		}
		if ch, _, err := ReadChunk(b); err != nil {
			t.Fatalf("chunk of a decoded change does not read: %v", err)
		} else if c3, err := ReadChangeHeader(ch, false); err != nil || c3.Hash != c.Hash || c3.Seq != c.Seq || c3.NumDeps() != len(c.Deps) {
			t.Fatalf("header decode from the read chunk disagrees: %v", err)
		}
		c.Raw = nil
		enc, err := EncodeChange(c)
		if err != nil {
			t.Fatalf("decoded change does not encode: %v", err)
		}
		c2, err := DecodeChange(enc)
		if err != nil {
			t.Fatalf("our encoding does not decode: %v", err)
		}
		enc2, err := EncodeChange(c2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not a fixed point: %v", err)
		}
	})
}

// checkChangeHeader checks that ReadChangeHeader, owning the chunk's
// bytes or not, accepts what the full header decode (DecodeChangeHeader's,
// changeFromChunk without ops) accepts and reads the same header.
func checkChangeHeader(t *testing.T, ch Chunk) {
	t.Helper()
	want, wantErr := changeFromChunk(ch, false)
	for _, owned := range []bool{false, true} {
		got, err := ReadChangeHeader(ch, owned)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("owned %v: ReadChangeHeader says %v, changeFromChunk %v", owned, err, wantErr)
		}
		if err != nil {
			continue
		}
		if got.Hash != want.Hash || got.Seq != want.Seq || !bytes.Equal(got.Author, want.Actors[0]) ||
			!bytes.Equal(got.Raw, want.Raw) || !slices.Equal(got.AppendDeps(nil), want.Deps) || got.NumDeps() != len(want.Deps) {
			t.Fatalf("owned %v: ReadChangeHeader read %+v, changeFromChunk %+v", owned, got, want)
		}
		for i := range got.NumDeps() {
			if got.Dep(i) != want.Deps[i] {
				t.Fatalf("dependency %d differs", i)
			}
		}
	}
}

// FuzzDecodeDocument checks that decoding and rebuilding changes never
// panic and that decoded documents re-encode to a fixed point.
func FuzzDecodeDocument(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		b = fixChecksum(b)
		d, err := DecodeDocument(b)
		if err != nil {
			return
		}
		_, _ = ReconstructChanges(d)
		if len(d.HeadIndexes) != len(d.Heads) {
			return // encoding would need consistent changes to derive them
		}
		enc, err := EncodeDocumentUncompressed(d)
		if err != nil {
			t.Fatalf("decoded document does not encode: %v", err)
		}
		d2, err := DecodeDocument(enc)
		if err != nil {
			t.Fatalf("our encoding does not decode: %v", err)
		}
		enc2, err := EncodeDocumentUncompressed(d2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not a fixed point: %v", err)
		}
	})
}

// FuzzSplitChunks feeds arbitrary streams through the chunk splitter and
// the per-type decoders.
func FuzzSplitChunks(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		chunks, _ := SplitChunks(b)
		n := 0
		for _, c := range chunks {
			n += len(c.Bytes)
			if c.Type == ChunkDocument {
				_, _ = DocumentFromChunk(c)
			} else {
				_, _ = ChangeFromChunk(c)
			}
		}
		if n > len(b) {
			t.Fatalf("chunks cover %d bytes of %d", n, len(b))
		}
	})
}
