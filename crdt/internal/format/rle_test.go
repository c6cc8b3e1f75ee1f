package format

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"testing"
)

// opt is a nullable test value.
type opt[T any] struct {
	v  T
	ok bool
}

func some[T any](v T) opt[T] { return opt[T]{v, true} }
func null[T any]() opt[T]    { return opt[T]{} }

// feed appends each value or null to an encoder.
func feed[T any](in []opt[T], value func(T), null func()) {
	for _, v := range in {
		if v.ok {
			value(v.v)
		} else {
			null()
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUintRLE pins the exact bytes Automerge writes: a lone value is a
// literal of one, equal neighbours make a run, leading all-null columns are
// empty, trailing nulls are a null run.
func TestUintRLE(t *testing.T) {
	n := null[uint64]()
	for _, tc := range []struct {
		name string
		in   []opt[uint64]
		want string
	}{
		{"empty", nil, ""},
		{"only nulls", []opt[uint64]{n, n}, ""},
		{"lone value", []opt[uint64]{some[uint64](1)}, "7f01"},
		{"run of two", []opt[uint64]{some[uint64](1), some[uint64](1)}, "0201"},
		{"literal of two", []opt[uint64]{some[uint64](1), some[uint64](2)}, "7e0102"},
		{"literal then run", []opt[uint64]{some[uint64](1), some[uint64](2), some[uint64](2)}, "7f010202"},
		{"literal run literal", []opt[uint64]{some[uint64](1), some[uint64](2), some[uint64](3), some[uint64](3), some[uint64](3), some[uint64](4)}, "7e010203037f04"},
		{"leading null", []opt[uint64]{n, some[uint64](1)}, "00017f01"},
		{"trailing nulls", []opt[uint64]{some[uint64](1), n, n}, "7f010002"},
		{"run then null", []opt[uint64]{some[uint64](1), some[uint64](1), n}, "02010001"},
		{"run null lone", []opt[uint64]{some[uint64](5), some[uint64](5), some[uint64](5), n, some[uint64](5)}, "030500017f05"},
		{"big value", []opt[uint64]{some[uint64](300), some[uint64](300)}, "02ac02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newUintEncoder()
			feed(tc.in, e.appendValue, e.appendNull)
			got := e.finish()
			if hex.EncodeToString(got) != tc.want {
				t.Fatalf("encoded %x, want %s", got, tc.want)
			}
			d := newUintDecoder(got)
			for i, want := range tc.in {
				v, ok, err := d.next()
				if err != nil || ok != want.ok || (ok && v != want.v) {
					t.Fatalf("value %d: %d %v %v, want %v", i, v, ok, err, want)
				}
			}
			if !d.r.done() {
				t.Fatal("decoder left bytes")
			}
		})
	}
}

func TestStringAndIntRLE(t *testing.T) {
	s := newStrEncoder()
	feed([]opt[string]{some("a"), some("a"), null[string](), some("b")}, s.appendValue, s.appendNull)
	if got := hex.EncodeToString(s.finish()); got != "0201610001"+"7f0162" {
		t.Errorf("string RLE %s", got)
	}
	i := newIntEncoder()
	i.appendValue(-1)
	i.appendValue(-1)
	i.appendValue(64)
	if got := hex.EncodeToString(i.finish()); got != "027f7fc000" {
		t.Errorf("int RLE %s", got)
	}
}

func TestDelta(t *testing.T) {
	for _, tc := range []struct {
		in   []opt[int64]
		want string
	}{
		{[]opt[int64]{some[int64](1), some[int64](2), some[int64](3), some[int64](4)}, "0401"},
		{[]opt[int64]{some[int64](10), some[int64](11), some[int64](13)}, "7d0a0102"},
		{[]opt[int64]{some[int64](5), null[int64](), some[int64](6)}, "7f0500017f01"},
		{[]opt[int64]{some[int64](3), some[int64](1)}, "7e037e"},
	} {
		e := newDeltaEncoder()
		feed(tc.in, e.appendValue, e.appendNull)
		got := e.finish()
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("%v: encoded %x, want %s", tc.in, got, tc.want)
		}
		d := newDeltaDecoder(got)
		for i, want := range tc.in {
			v, ok, err := d.next()
			if err != nil || ok != want.ok || (ok && v != want.v) {
				t.Errorf("%v: value %d: %d %v %v", tc.in, i, v, ok, err)
			}
		}
	}
}

func TestBoolean(t *testing.T) {
	for _, tc := range []struct {
		in    []bool
		maybe bool
		want  string
	}{
		{nil, false, ""},
		{[]bool{false, false, true}, false, "0201"},
		{[]bool{true}, false, "0001"},
		{[]bool{true, true, false}, false, "000201"},
		{[]bool{false, false}, false, "02"},
		{[]bool{false, false}, true, ""},
		{[]bool{false, true}, true, "0101"},
	} {
		e := &boolEncoder{maybe: tc.maybe}
		for _, v := range tc.in {
			e.append(v)
		}
		got := e.finish()
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("%v maybe=%v: %x, want %s", tc.in, tc.maybe, got, tc.want)
		}
		d := newBoolDecoder(got)
		for i, want := range tc.in {
			if v, err := d.next(); err != nil || v != want {
				t.Errorf("%v: value %d = %v %v", tc.in, i, v, err)
			}
		}
	}
}

func TestValueColumns(t *testing.T) {
	vals := []Value{
		{Type: ValueNull},
		{Type: ValueTrue},
		{Type: ValueUint, Uint: 300},
		{Type: ValueString, Str: "hi"},
		{Type: ValueFloat, Float: 1.5},
		{Type: ValueCounter, Int: -1},
		{Type: ValueBytes, Bytes: []byte{1}},
		{Type: 12, Raw: []byte{9, 9}},
	}
	e := newValueEncoder()
	for i := range vals {
		if err := e.append(&vals[i]); err != nil {
			t.Fatal(err)
		}
	}
	meta := e.meta.finish()
	if got, want := hex.EncodeToString(meta), "78"+"00"+"02"+"23"+"26"+"8501"+"18"+"17"+"2c"; got != want {
		t.Errorf("meta %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(e.raw), "ac02"+"6869"+"000000000000f83f"+"7f"+"01"+"0909"; got != want {
		t.Errorf("raw %s, want %s", got, want)
	}
	d := newValueDecoder(meta, e.raw)
	for i, want := range vals {
		var v Value
		if err := d.next(&v); err != nil {
			t.Fatal(err)
		}
		if v.Type != want.Type || v.Uint != want.Uint || v.Int != want.Int || v.Float != want.Float ||
			v.Str != want.Str || !bytes.Equal(v.Bytes, want.Bytes) || !bytes.Equal(v.Raw, want.Raw) {
			t.Errorf("value %d = %+v, want %+v", i, v, want)
		}
	}
}

func TestColumnDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"literal truncated", func() error { _, _, err := newUintDecoder(mustHex(t, "7e01")).nextN(2); return err }, ErrTruncated},
		{"run without value", func() error { _, _, err := newUintDecoder(mustHex(t, "05")).next(); return err }, ErrTruncated},
		{"null run without count", func() error { _, _, err := newUintDecoder(mustHex(t, "00")).next(); return err }, ErrTruncated},
		{"string not utf8", func() error { _, _, err := newStrDecoder(mustHex(t, "7f01ff")).next(); return err }, ErrCorrupt},
		{"string too long", func() error { _, _, err := newStrDecoder(mustHex(t, "7f0561")).next(); return err }, ErrTruncated},
		{"value raw missing", func() error { var v Value; return newValueDecoder(mustHex(t, "7f26"), nil).next(&v) }, ErrTruncated},
		{"float short", func() error { var v Value; return newValueDecoder(mustHex(t, "7f15"), []byte{1}).next(&v) }, ErrCorrupt},
		{"uint with slack", func() error { var v Value; return newValueDecoder(mustHex(t, "7f23"), []byte{1, 1}).next(&v) }, ErrTrailingData},
		{"null meta", func() error { var v Value; return newValueDecoder(mustHex(t, "0001"), nil).next(&v) }, ErrCorrupt},
		{"too many rows", func() error { _, err := countRows(mustHex(t, "808080808001"+"01"), 1000); return err }, ErrTooLarge},
		{"huge literal", func() error { _, err := countRows(mustHex(t, "8080807f"), 1<<40); return err }, ErrTruncated},
	} {
		if err := tc.run(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// nextN reads n values, returning the first error.
func (d *rleDecoder[T]) nextN(n int) (T, bool, error) {
	var v T
	var ok bool
	var err error
	for i := 0; i < n && err == nil; i++ {
		v, ok, err = d.next()
	}
	return v, ok, err
}

func TestSaturatingAdd(t *testing.T) {
	for _, tc := range []struct {
		a, b   int64
		negMin bool
		want   int64
	}{
		{1, 2, false, 3},
		{math.MaxInt64, 1, false, math.MaxInt64},
		{math.MinInt64, -1, false, math.MinInt64},
		{-5, 0, true, -5 - math.MinInt64},
		{0, 0, true, math.MaxInt64},
	} {
		if got := saturatingAdd(tc.a, tc.b, tc.negMin); got != tc.want {
			t.Errorf("saturatingAdd(%d, %d, %v) = %d, want %d", tc.a, tc.b, tc.negMin, got, tc.want)
		}
	}
	// Deltas saturate like Automerge's, so MinInt64 after MaxInt64 is
	// stored as the delta MinInt64 and reads back as -1, in Rust as here.
	e := newDeltaEncoder()
	e.appendValue(math.MaxInt64)
	e.appendValue(math.MinInt64)
	d := newDeltaDecoder(e.finish())
	d.next()
	if v, _, _ := d.next(); v != -1 {
		t.Errorf("decoded %d", v)
	}
}

// TestDeltaEncoderEdges: the encoder's fast subtraction gives the delta
// saturatingAdd defines for every pair of edge values, overflowing or not.
func TestDeltaEncoderEdges(t *testing.T) {
	edges := []int64{math.MinInt64, math.MinInt64 + 1, -1 << 62, -2, -1, 0, 1, 2, 1 << 62, math.MaxInt64 - 1, math.MaxInt64}
	for _, prev := range edges {
		for _, v := range edges {
			e := newDeltaEncoder()
			e.appendValue(prev)
			e.appendValue(v)
			raw := newIntDecoder(e.finish())
			first, _, _ := raw.next()
			got, ok, err := raw.next()
			want := saturatingAdd(v, -prev, prev == math.MinInt64)
			if first != prev || !ok || err != nil || got != want {
				t.Errorf("deltas of %d then %d: %d, %d (%v, %v), want %d, %d", prev, v, first, got, ok, err, prev, want)
			}
		}
	}
}
