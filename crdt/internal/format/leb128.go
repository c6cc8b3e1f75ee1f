package format

import "fmt"

// LEB128 is how Automerge writes every integer: seven bits a byte, low bits
// first, the high bit set on all but the last byte. Signed numbers use two's
// complement with sign extension from bit 6 of the last byte.

// AppendUleb appends v as unsigned LEB128.
func AppendUleb(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// AppendSleb appends v as signed LEB128.
func AppendSleb(dst []byte, v int64) []byte {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
			return append(dst, b)
		}
		dst = append(dst, b|0x80)
	}
}

// UlebSize is the number of bytes AppendUleb writes for v.
func UlebSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// SlebSize is the number of bytes AppendSleb writes for v.
func SlebSize(v int64) int {
	n := 1
	for {
		b := v & 0x7f
		v >>= 7
		if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
			return n
		}
		n++
	}
}

// ReadUleb decodes an unsigned LEB128 number from the start of b and
// returns it with the number of bytes it took. It rejects numbers over 64
// bits (ErrOverflow), non-minimal encodings (ErrOverlong) and input that
// ends mid-number (ErrTruncated).
func ReadUleb(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < len(b); i++ {
		c := b[i]
		if i == 9 {
			// The tenth byte holds bit 63 only.
			if c > 1 {
				return 0, 0, ErrOverflow
			}
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, 0, ErrOverlong
			}
			return v, i + 1, nil
		}
	}
	return 0, 0, ErrTruncated
}

// ReadSleb decodes a signed LEB128 number like ReadUleb.
func ReadSleb(b []byte) (int64, int, error) {
	var v int64
	var prev byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		if i == 9 {
			// The tenth byte holds bit 63, which must equal the sign.
			if c != 0 && c != 0x7f {
				return 0, 0, ErrOverflow
			}
		}
		v |= int64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if i > 0 && ((c == 0 && prev&0x40 == 0) || (c == 0x7f && prev&0x40 != 0)) {
				return 0, 0, ErrOverlong
			}
			if shift := 7 * (i + 1); shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1, nil
		}
		prev = c
	}
	return 0, 0, ErrTruncated
}

// reader walks a byte slice. Its methods return wrapped sentinel errors
// and never read past the end.
type reader struct {
	b   []byte
	off int
}

func (r *reader) done() bool     { return r.off >= len(r.b) }
func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) uleb() (uint64, error) {
	v, n, err := ReadUleb(r.b[r.off:])
	if err != nil {
		return 0, fmt.Errorf("at offset %d: %w", r.off, err)
	}
	r.off += n
	return v, nil
}

func (r *reader) sleb() (int64, error) {
	v, n, err := ReadSleb(r.b[r.off:])
	if err != nil {
		return 0, fmt.Errorf("at offset %d: %w", r.off, err)
	}
	r.off += n
	return v, nil
}

// take returns the next n bytes (aliasing the input).
func (r *reader) take(n uint64) ([]byte, error) {
	if n > uint64(r.remaining()) {
		return nil, fmt.Errorf("need %d bytes at offset %d, have %d: %w", n, r.off, r.remaining(), ErrTruncated)
	}
	s := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// count reads a uleb element count and checks that at least minSize bytes
// per element remain, so callers can allocate for it safely.
func (r *reader) count(minSize int) (int, error) {
	n, err := r.uleb()
	if err != nil {
		return 0, err
	}
	if minSize < 1 {
		minSize = 1
	}
	if n > uint64(r.remaining()/minSize) {
		return 0, fmt.Errorf("count %d at offset %d exceeds remaining input: %w", n, r.off, ErrTruncated)
	}
	return int(n), nil
}
