package format

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// Every chunk starts with the magic bytes, a 4-byte checksum, a type byte
// and the uleb length of its contents. The checksum is the first four bytes
// of SHA-256 over type, length and contents; for a change chunk the whole
// digest is the change's hash.

// magic is the four bytes every Automerge chunk starts with.
var magic = [4]byte{0x85, 0x6f, 0x4a, 0x83}

// ChunkType is the byte after a chunk's checksum.
type ChunkType uint8

// Chunk types.
const (
	ChunkDocument   ChunkType = 0
	ChunkChange     ChunkType = 1
	ChunkCompressed ChunkType = 2 // a deflate-compressed change
)

func (t ChunkType) String() string {
	switch t {
	case ChunkDocument:
		return "document"
	case ChunkChange:
		return "change"
	case ChunkCompressed:
		return "compressed change"
	}
	return fmt.Sprintf("chunk type %d", uint8(t))
}

// Chunk is one framed chunk of a byte stream. Bytes and Data alias the
// input.
type Chunk struct {
	Type     ChunkType
	Checksum [4]byte
	Data     []byte // contents after the header (deflated for ChunkCompressed)
	Bytes    []byte // the whole chunk, header included
	// hash is the chunk's full hash when ReadChunk computed it to check
	// the checksum (hashed): a change's hash, which decoding it would
	// otherwise compute a second time.
	hash   ChangeHash
	hashed bool
}

// chunkHash hashes a chunk's type, length and contents.
func chunkHash(t ChunkType, data []byte) ChangeHash {
	h := sha256.New()
	var hdr [11]byte
	b := append(hdr[:0], byte(t))
	b = AppendUleb(b, uint64(len(data)))
	h.Write(b)
	h.Write(data)
	var out ChangeHash
	h.Sum(out[:0])
	return out
}

// appendChunk frames data as a chunk of type t with the given checksum.
func appendChunk(dst []byte, t ChunkType, checksum [4]byte, data []byte) []byte {
	dst = append(dst, magic[:]...)
	dst = append(dst, checksum[:]...)
	dst = append(dst, byte(t))
	dst = AppendUleb(dst, uint64(len(data)))
	return append(dst, data...)
}

// ReadChunk reads the chunk at the start of b and returns it with the bytes
// after it. It checks the magic bytes, the type and the length; for
// document and change chunks it also checks the checksum (a compressed
// change's checksum covers the inflated change and is checked by
// DecodeChange).
func ReadChunk(b []byte) (Chunk, []byte, error) {
	if len(b) < 9 {
		if len(b) >= 4 && !bytes.Equal(b[:4], magic[:]) {
			return Chunk{}, nil, ErrBadMagic
		}
		return Chunk{}, nil, fmt.Errorf("chunk header: %w", ErrTruncated)
	}
	if !bytes.Equal(b[:4], magic[:]) {
		return Chunk{}, nil, ErrBadMagic
	}
	var c Chunk
	copy(c.Checksum[:], b[4:8])
	c.Type = ChunkType(b[8])
	if c.Type > ChunkCompressed {
		return Chunk{}, nil, fmt.Errorf("%w %d", ErrUnknownChunkType, b[8])
	}
	r := reader{b: b, off: 9}
	n, err := r.uleb()
	if err != nil {
		return Chunk{}, nil, fmt.Errorf("chunk length: %w", err)
	}
	if c.Data, err = r.take(n); err != nil {
		return Chunk{}, nil, fmt.Errorf("%s chunk: %w", c.Type, err)
	}
	c.Bytes = b[:r.off:r.off]
	if c.Type != ChunkCompressed {
		h := chunkHash(c.Type, c.Data)
		if !bytes.Equal(h[:4], c.Checksum[:]) {
			return Chunk{}, nil, fmt.Errorf("%s chunk: %w", c.Type, ErrBadChecksum)
		}
		c.hash, c.hashed = h, true
	}
	return c, b[r.off:], nil
}

// SplitChunks splits concatenated chunks (documents and changes, plain or
// compressed, in any mix, as Automerge's load and loadIncremental accept).
// It fails on the first malformed chunk.
func SplitChunks(b []byte) ([]Chunk, error) {
	var out []Chunk
	for off := 0; len(b) > 0; {
		c, rest, err := ReadChunk(b)
		if err != nil {
			return out, fmt.Errorf("chunk %d at offset %d: %w", len(out), off, err)
		}
		off += len(c.Bytes)
		out = append(out, c)
		b = rest
	}
	return out, nil
}
