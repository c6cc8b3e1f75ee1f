package format

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestUleb(t *testing.T) {
	for _, tc := range []struct {
		v   uint64
		enc []byte
	}{
		{0, []byte{0}},
		{1, []byte{1}},
		{127, []byte{0x7f}},
		{128, []byte{0x80, 0x01}},
		{300, []byte{0xac, 0x02}},
		{1 << 63, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{math.MaxUint64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	} {
		if got := AppendUleb(nil, tc.v); !bytes.Equal(got, tc.enc) {
			t.Errorf("AppendUleb(%d) = %x, want %x", tc.v, got, tc.enc)
		}
		if UlebSize(tc.v) != len(tc.enc) {
			t.Errorf("UlebSize(%d) = %d", tc.v, UlebSize(tc.v))
		}
		v, n, err := ReadUleb(append(tc.enc, 0x55))
		if err != nil || v != tc.v || n != len(tc.enc) {
			t.Errorf("ReadUleb(%x) = %d, %d, %v", tc.enc, v, n, err)
		}
	}
}

func TestSleb(t *testing.T) {
	for _, tc := range []struct {
		v   int64
		enc []byte
	}{
		{0, []byte{0}},
		{1, []byte{1}},
		{-1, []byte{0x7f}},
		{63, []byte{0x3f}},
		{64, []byte{0xc0, 0x00}},
		{-64, []byte{0x40}},
		{-65, []byte{0xbf, 0x7f}},
		{-123456, []byte{0xc0, 0xbb, 0x78}},
		{math.MaxInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}},
		{math.MinInt64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}},
	} {
		if got := AppendSleb(nil, tc.v); !bytes.Equal(got, tc.enc) {
			t.Errorf("AppendSleb(%d) = %x, want %x", tc.v, got, tc.enc)
		}
		if SlebSize(tc.v) != len(tc.enc) {
			t.Errorf("SlebSize(%d) = %d", tc.v, SlebSize(tc.v))
		}
		v, n, err := ReadSleb(tc.enc)
		if err != nil || v != tc.v || n != len(tc.enc) {
			t.Errorf("ReadSleb(%x) = %d, %d, %v", tc.enc, v, n, err)
		}
	}
}

func TestLebErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     []byte
		signed bool
		want   error
	}{
		{"empty", nil, false, ErrTruncated},
		{"unterminated", []byte{0x80, 0x80}, false, ErrTruncated},
		{"overlong zero", []byte{0x80, 0x00}, false, ErrOverlong},
		{"overlong one", []byte{0x81, 0x00}, false, ErrOverlong},
		{"tenth byte too big", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, false, ErrOverflow},
		{"eleven bytes", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00}, false, ErrOverflow},
		{"signed empty", nil, true, ErrTruncated},
		{"signed overlong positive", []byte{0x80, 0x00}, true, ErrOverlong},
		{"signed overlong negative", []byte{0xff, 0x7f}, true, ErrOverlong},
		{"signed tenth byte", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, true, ErrOverflow},
	} {
		var err error
		if tc.signed {
			_, _, err = ReadSleb(tc.in)
		} else {
			_, _, err = ReadUleb(tc.in)
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}
