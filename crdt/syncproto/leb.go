package syncproto

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// hashSize is the length of a change hash on the wire.
const hashSize = len(format.ChangeHash{})

// reader walks a byte slice; every read checks bounds, so a hostile length
// can never make a decoder allocate more than the input it was given.
type reader struct {
	buf []byte
	off int
}

func (r *reader) empty() bool { return r.off >= len(r.buf) }

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) byte() (byte, error) {
	if r.empty() {
		return 0, fmt.Errorf("%w: unexpected end of input at byte %d", ErrMalformed, r.off)
	}
	b := r.buf[r.off]
	r.off++
	return b, nil
}

// uvarint reads an unsigned LEB128 integer with Automerge's rules: at most
// 64 bits and no redundant trailing zero groups.
func (r *reader) uvarint() (uint64, error) {
	start := r.off
	var v uint64
	for shift := uint(0); ; shift += 7 {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift == 63 && b > 1 {
			return 0, fmt.Errorf("%w: integer at byte %d overflows 64 bits", ErrMalformed, start)
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			if b == 0 && shift > 0 {
				return 0, fmt.Errorf("%w: overlong integer at byte %d", ErrMalformed, start)
			}
			return v, nil
		}
		if shift >= 63 {
			return 0, fmt.Errorf("%w: integer at byte %d overflows 64 bits", ErrMalformed, start)
		}
	}
}

func (r *reader) uvarint32() (uint32, error) {
	v, err := r.uvarint()
	if err != nil {
		return 0, err
	}
	if v > 1<<32-1 {
		return 0, fmt.Errorf("%w: integer %d overflows 32 bits", ErrMalformed, v)
	}
	return uint32(v), nil
}

// bytes reads n bytes without copying.
func (r *reader) bytes(n uint64) ([]byte, error) {
	if n > uint64(r.remaining()) {
		return nil, fmt.Errorf("%w: %d bytes wanted at byte %d, %d left", ErrMalformed, n, r.off, r.remaining())
	}
	b := r.buf[r.off : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// prefixedBytes reads a length-prefixed byte string.
func (r *reader) prefixedBytes() ([]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	return r.bytes(n)
}

// hashes reads a length-prefixed list of change hashes. The count is checked
// against the bytes left before anything is allocated.
func (r *reader) hashes() ([]format.ChangeHash, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(r.remaining()/hashSize) {
		return nil, fmt.Errorf("%w: %d hashes announced, room for %d", ErrMalformed, n, r.remaining()/hashSize)
	}
	out := make([]format.ChangeHash, n)
	for i := range out {
		r.off += copy(out[i][:], r.buf[r.off:])
	}
	return out, nil
}

// hashesLen is the length of appendHashes' output for hs.
func hashesLen(hs []format.ChangeHash) int {
	return format.UlebSize(uint64(len(hs))) + hashSize*len(hs)
}

func appendHashes(dst []byte, hs []format.ChangeHash) []byte {
	dst = format.AppendUleb(dst, uint64(len(hs)))
	for i := range hs {
		dst = append(dst, hs[i][:]...)
	}
	return dst
}

func appendPrefixed(dst, b []byte) []byte {
	return append(format.AppendUleb(dst, uint64(len(b))), b...)
}
