package syncproto

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Message type bytes.
const (
	// TypeV1 is the original sync message: changes as separate chunks.
	TypeV1 byte = 0x42
	// TypeV2 carries its changes as one chunk (concatenated change chunks or
	// a whole, possibly compressed, document). Only sent to a peer whose
	// flags section advertised it.
	TypeV2 byte = 0x43
)

// Bits of the flags byte (the byte with the high bit set in the flags
// section).
const (
	FlagSyncReset         byte = 1 << 0 // receiver should forget which changes it sent
	FlagReadOnly          byte = 1 << 1 // sender will not apply changes
	FlagSupportsSyncReset byte = 1 << 2 // sender honours FlagSyncReset
	flagBitfieldMarker    byte = 0x80
	// legacyV2Byte is the capability byte of the first flags encoding
	// ("MessageV2"); it is still written first so older readers see it.
	legacyV2Byte byte = 0x02
)

// Have summarises what the sender has: the heads of its last sync with the
// receiver, and a bloom filter of every change it added since.
type Have struct {
	LastSync []format.ChangeHash
	Bloom    Bloom
}

// Message is a decoded sync message. Decode then Encode reproduces the
// input bytes for anything Automerge writes.
type Message struct {
	Type  byte // TypeV1 or TypeV2
	Heads []format.ChangeHash
	Need  []format.ChangeHash
	Have  []Have
	// Changes are raw chunks. A TypeV2 message carries them as one chunk,
	// their concatenation, so it decodes with at most one; Generate hands
	// them over unjoined, to be copied once, when encoded.
	Changes [][]byte
	// Flags is the content of the trailing flags section, nil when the
	// message has none (peers from before the section existed, such as
	// automerge-go).
	Flags []byte
}

// HasFlags reports whether the message carries a flags section, which is
// how a peer advertises that it understands TypeV2 messages.
func (m *Message) HasFlags() bool { return m.Flags != nil }

// FlagBits returns the OR of every bitfield byte in the flags section.
func (m *Message) FlagBits() byte {
	var bits byte
	for _, b := range m.Flags {
		if b&flagBitfieldMarker != 0 {
			bits |= b &^ flagBitfieldMarker
		}
	}
	return bits
}

// flagsSection builds the flags section this package writes: the legacy
// MessageV2 byte, then the bitfield byte.
func flagsSection(bits byte) []byte {
	return []byte{legacyV2Byte, flagBitfieldMarker | bits}
}

// Encode returns the message's wire form.
func (m *Message) Encode() []byte {
	return m.AppendTo(make([]byte, 0, m.Size()))
}

// Size returns the length of the message's wire form.
func (m *Message) Size() int {
	n := 1 + hashesLen(m.Heads) + hashesLen(m.Need) + format.UlebSize(uint64(len(m.Have)))
	for i := range m.Have {
		h := &m.Have[i]
		bl := h.Bloom.encodedLen()
		n += hashesLen(h.LastSync) + format.UlebSize(uint64(bl)) + bl
	}
	chunks, total := m.chunkCount()
	n += format.UlebSize(uint64(chunks))
	if m.joined() {
		n += format.UlebSize(uint64(total)) + total
	} else {
		for _, c := range m.Changes {
			n += format.UlebSize(uint64(len(c))) + len(c)
		}
	}
	if m.Flags != nil {
		n += format.UlebSize(uint64(len(m.Flags))) + len(m.Flags)
	}
	return n
}

// AppendTo appends the message's wire form to dst, so that a caller
// framing it (a relay's CBOR frame) writes its bytes once, in place.
func (m *Message) AppendTo(dst []byte) []byte {
	dst = append(dst, m.Type)
	dst = appendHashes(dst, m.Heads)
	dst = appendHashes(dst, m.Need)
	dst = format.AppendUleb(dst, uint64(len(m.Have)))
	for i := range m.Have {
		h := &m.Have[i]
		dst = appendHashes(dst, h.LastSync)
		dst = format.AppendUleb(dst, uint64(h.Bloom.encodedLen()))
		dst = h.Bloom.appendTo(dst)
	}
	chunks, total := m.chunkCount()
	dst = format.AppendUleb(dst, uint64(chunks))
	if m.joined() {
		dst = format.AppendUleb(dst, uint64(total))
		for _, c := range m.Changes {
			dst = append(dst, c...)
		}
	} else {
		for _, c := range m.Changes {
			dst = appendPrefixed(dst, c)
		}
	}
	if m.Flags != nil {
		dst = appendPrefixed(dst, m.Flags)
	}
	return dst
}

// joined reports whether Changes travel as one chunk, their
// concatenation: a TypeV2 message with more than one.
func (m *Message) joined() bool { return m.Type == TypeV2 && len(m.Changes) > 1 }

// chunkCount returns how many chunks the wire form holds and their total
// length.
func (m *Message) chunkCount() (chunks, total int) {
	for _, c := range m.Changes {
		total += len(c)
	}
	if m.joined() {
		return 1, total
	}
	return len(m.Changes), total
}

// DecodeMessage parses a sync message. Errors wrap ErrMalformed or
// ErrWrongType. The result does not alias raw. Bytes after the flags
// section are ignored, as Rust Automerge ignores them.
func DecodeMessage(raw []byte) (*Message, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("decode sync message: %w: empty input", ErrMalformed)
	}
	if raw[0] != TypeV1 && raw[0] != TypeV2 {
		return nil, fmt.Errorf("decode sync message: %w: 0x%02x, want 0x42 or 0x43", ErrWrongType, raw[0])
	}
	r := reader{buf: append([]byte(nil), raw...), off: 1}
	m := &Message{Type: raw[0]}
	var err error
	if m.Heads, err = r.hashes(); err != nil {
		return nil, fmt.Errorf("decode sync message heads: %w", err)
	}
	if m.Need, err = r.hashes(); err != nil {
		return nil, fmt.Errorf("decode sync message need: %w", err)
	}
	if m.Have, err = decodeHaves(&r); err != nil {
		return nil, fmt.Errorf("decode sync message have: %w", err)
	}
	if m.Changes, err = decodeChunks(&r); err != nil {
		return nil, fmt.Errorf("decode sync message changes: %w", err)
	}
	if !r.empty() {
		if m.Flags, err = r.prefixedBytes(); err != nil {
			return nil, fmt.Errorf("decode sync message flags: %w", err)
		}
	}
	return m, nil
}

func decodeHaves(r *reader) ([]Have, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	// Each have takes at least two bytes (two zero lengths).
	if n > uint64(r.remaining()/2) {
		return nil, fmt.Errorf("%w: %d haves announced, %d bytes left", ErrMalformed, n, r.remaining())
	}
	haves := make([]Have, n)
	for i := range haves {
		if haves[i].LastSync, err = r.hashes(); err != nil {
			return nil, fmt.Errorf("last sync %d: %w", i, err)
		}
		section, err := r.prefixedBytes()
		if err != nil {
			return nil, fmt.Errorf("bloom %d: %w", i, err)
		}
		if haves[i].Bloom, err = decodeBloom(section); err != nil {
			return nil, fmt.Errorf("have %d: %w", i, err)
		}
	}
	return haves, nil
}

func decodeChunks(r *reader) ([][]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(r.remaining()) {
		return nil, fmt.Errorf("%w: %d chunks announced, %d bytes left", ErrMalformed, n, r.remaining())
	}
	chunks := make([][]byte, n)
	for i := range chunks {
		if chunks[i], err = r.prefixedBytes(); err != nil {
			return nil, fmt.Errorf("chunk %d: %w", i, err)
		}
	}
	return chunks, nil
}
