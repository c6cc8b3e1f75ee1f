package syncproto

import (
	"encoding/binary"
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Automerge's bloom filter parameters: about a 1% false-positive rate. The
// parameters travel with each filter, so a peer may use others.
const (
	bloomBitsPerEntry = 10
	bloomProbes       = 7
	// maxBloomProbes bounds the work a received filter can ask of us per
	// lookup. Rust Automerge accepts any count; nothing produces more than 7.
	maxBloomProbes = 64
)

// Bloom is Automerge's bloom filter over change hashes. The zero value is
// the empty filter, which contains nothing and encodes as zero bytes.
type Bloom struct {
	Entries      uint32
	BitsPerEntry uint32
	Probes       uint32
	Bits         []byte
}

// NewBloom returns a filter holding hashes, with Automerge's parameters.
func NewBloom(hashes []format.ChangeHash) Bloom {
	b := Bloom{
		Entries:      uint32(len(hashes)),
		BitsPerEntry: bloomBitsPerEntry,
		Probes:       bloomProbes,
	}
	if len(hashes) == 0 {
		return b
	}
	b.Bits = make([]byte, bloomBytes(b.Entries, b.BitsPerEntry))
	for i := range hashes {
		b.probe(&hashes[i], func(bit uint32) bool {
			b.Bits[bit>>3] |= 1 << (bit & 7)
			return true
		})
	}
	return b
}

// bloomBytes is the size of the bit array: ceil(entries*bitsPerEntry/8).
func bloomBytes(entries, bitsPerEntry uint32) uint64 {
	return (uint64(entries)*uint64(bitsPerEntry) + 7) / 8
}

// probe calls visit with each bit position for h until visit returns false.
// Positions come from the first twelve bytes of the hash, read as three
// little-endian uint32s, combined by enhanced double hashing.
func (b *Bloom) probe(h *format.ChangeHash, visit func(bit uint32) bool) {
	m := uint64(len(b.Bits)) * 8
	x := uint64(binary.LittleEndian.Uint32(h[0:4])) % m
	y := uint64(binary.LittleEndian.Uint32(h[4:8])) % m
	z := uint64(binary.LittleEndian.Uint32(h[8:12])) % m
	if !visit(uint32(x)) {
		return
	}
	for i := uint32(1); i < b.Probes; i++ {
		x = (x + y) % m
		y = (y + z) % m
		if !visit(uint32(x)) {
			return
		}
	}
}

// Contains reports whether h may be in the filter. False positives happen
// (about 1%); false negatives never do.
func (b *Bloom) Contains(h format.ChangeHash) bool {
	if b.Entries == 0 || len(b.Bits) == 0 {
		return false
	}
	found := true
	b.probe(&h, func(bit uint32) bool {
		if b.Bits[bit>>3]&(1<<(bit&7)) == 0 {
			found = false
		}
		return found
	})
	return found
}

// appendTo appends the filter's encoding: nothing for an empty filter,
// otherwise entries, bits per entry and probes as LEB128 and the bit array.
func (b *Bloom) appendTo(dst []byte) []byte {
	if b.Entries == 0 {
		return dst
	}
	dst = format.AppendUleb(dst, uint64(b.Entries))
	dst = format.AppendUleb(dst, uint64(b.BitsPerEntry))
	dst = format.AppendUleb(dst, uint64(b.Probes))
	return append(dst, b.Bits...)
}

// encodedLen is the length of appendTo's output.
func (b *Bloom) encodedLen() int {
	if b.Entries == 0 {
		return 0
	}
	return format.UlebSize(uint64(b.Entries)) + format.UlebSize(uint64(b.BitsPerEntry)) +
		format.UlebSize(uint64(b.Probes)) + len(b.Bits)
}

// decodeBloom reads a filter from its own length-delimited section. Bytes
// after the bit array are ignored, as Rust Automerge ignores them.
func decodeBloom(section []byte) (Bloom, error) {
	if len(section) == 0 {
		return Bloom{}, nil
	}
	r := reader{buf: section}
	var b Bloom
	var err error
	if b.Entries, err = r.uvarint32(); err != nil {
		return Bloom{}, fmt.Errorf("bloom entries: %w", err)
	}
	if b.BitsPerEntry, err = r.uvarint32(); err != nil {
		return Bloom{}, fmt.Errorf("bloom bits per entry: %w", err)
	}
	if b.Probes, err = r.uvarint32(); err != nil {
		return Bloom{}, fmt.Errorf("bloom probes: %w", err)
	}
	if b.Probes > maxBloomProbes {
		return Bloom{}, fmt.Errorf("%w: bloom filter asks for %d probes, at most %d allowed", ErrMalformed, b.Probes, maxBloomProbes)
	}
	bits, err := r.bytes(bloomBytes(b.Entries, b.BitsPerEntry))
	if err != nil {
		return Bloom{}, fmt.Errorf("bloom bits: %w", err)
	}
	b.Bits = bits
	return b, nil
}
