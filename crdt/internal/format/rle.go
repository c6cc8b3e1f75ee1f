package format

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// Run-length encoding as Automerge writes it. A column is a sequence of
// records, each starting with a signed LEB128 count:
//
//	n > 0: a run, followed by one value repeated n times
//	n < 0: a literal run, followed by -n distinct values
//	n = 0: a null run, followed by an unsigned LEB128 number of nulls
//
// The encoder reproduces Rust's choices exactly, because change hashes are
// computed over these bytes: a single value is written as a literal of
// length one, two equal neighbours end a literal and start a run, and a
// column that holds only nulls is written as no bytes at all.

// rleState is the encoder's state machine, mirroring Automerge's.
type rleState uint8

const (
	rleEmpty rleState = iota
	rleInitialNulls
	rleNulls
	rleLone
	rleRun
	rleLiteral
)

// rleEncoder writes an RLE column of T. put appends one value's encoding.
type rleEncoder[T comparable] struct {
	buf   []byte
	put   func([]byte, T) []byte
	state rleState
	n     uint64 // null run or run length
	last  T      // the lone value, the run value, or the literal's newest value
	lit   []T    // literal values before last
}

func (e *rleEncoder[T]) flushLiteral(vals []T, last T) {
	e.buf = AppendSleb(e.buf, -int64(len(vals)+1))
	for _, v := range vals {
		e.buf = e.put(e.buf, v)
	}
	e.buf = e.put(e.buf, last)
}

func (e *rleEncoder[T]) flushRun(v T, n uint64) {
	e.buf = AppendSleb(e.buf, int64(n))
	e.buf = e.put(e.buf, v)
}

func (e *rleEncoder[T]) flushNulls(n uint64) {
	e.buf = append(e.buf, 0)
	e.buf = AppendUleb(e.buf, n)
}

// flushValues writes a pending lone value, run or literal.
func (e *rleEncoder[T]) flushValues() {
	switch e.state {
	case rleLone:
		e.flushLiteral(nil, e.last)
	case rleRun:
		e.flushRun(e.last, e.n)
	case rleLiteral:
		e.flushLiteral(e.lit, e.last)
		e.lit = e.lit[:0]
	}
}

// appendNull appends a null. Extending a run of nulls is the common case
// and is kept small enough to inline.
func (e *rleEncoder[T]) appendNull() {
	if e.state == rleNulls || e.state == rleInitialNulls {
		e.n++
		return
	}
	e.appendNullSlow()
}

func (e *rleEncoder[T]) appendNullSlow() {
	switch e.state {
	case rleEmpty:
		e.state, e.n = rleInitialNulls, 1
	case rleInitialNulls, rleNulls:
		e.n++
	default:
		e.flushValues()
		e.state, e.n = rleNulls, 1
	}
}

// appendValue appends a non-null value. Extending a run is the common
// case and is kept small enough to inline.
func (e *rleEncoder[T]) appendValue(v T) {
	if e.state == rleRun && e.last == v {
		e.n++
		return
	}
	e.appendValueSlow(v)
}

func (e *rleEncoder[T]) appendValueSlow(v T) {
	switch e.state {
	case rleEmpty:
		e.state, e.last = rleLone, v
	case rleLone:
		if e.last == v {
			e.state, e.n = rleRun, 2
		} else {
			e.lit = append(e.lit[:0], e.last)
			e.state, e.last = rleLiteral, v
		}
	case rleRun:
		if e.last == v {
			e.n++
		} else {
			e.flushRun(e.last, e.n)
			e.state, e.last = rleLone, v
		}
	case rleLiteral:
		if e.last == v {
			e.buf = AppendSleb(e.buf, -int64(len(e.lit)))
			for _, x := range e.lit {
				e.buf = e.put(e.buf, x)
			}
			e.lit = e.lit[:0]
			e.state, e.n = rleRun, 2
		} else {
			e.lit = append(e.lit, e.last)
			e.last = v
		}
	case rleInitialNulls, rleNulls:
		e.flushNulls(e.n)
		e.state, e.last = rleLone, v
	}
}

// appendOrNull appends v, or a null for T's zero value (Automerge writes
// absent messages and mark names as nulls).
func (e *rleEncoder[T]) appendOrNull(v T) {
	var zero T
	if v == zero {
		e.appendNull()
	} else {
		e.appendValue(v)
	}
}

// finish flushes pending state and returns the column bytes. A column of
// nothing but nulls yields no bytes.
func (e *rleEncoder[T]) finish() []byte {
	if e.state == rleNulls {
		e.flushNulls(e.n)
	} else {
		e.flushValues()
	}
	e.state = rleEmpty
	return e.buf
}

func putUleb(b []byte, v uint64) []byte { return AppendUleb(b, v) }
func putSleb(b []byte, v int64) []byte  { return AppendSleb(b, v) }
func putStr(b []byte, s string) []byte {
	b = AppendUleb(b, uint64(len(s)))
	return append(b, s...)
}

func newUintEncoder() *rleEncoder[uint64] { return &rleEncoder[uint64]{put: putUleb} }
func newIntEncoder() *rleEncoder[int64]   { return &rleEncoder[int64]{put: putSleb} }
func newStrEncoder() *rleEncoder[string]  { return &rleEncoder[string]{put: putStr} }

// deltaEncoder writes each value as its difference from the previous
// non-null value (starting from 0), run-length encoded.
type deltaEncoder struct {
	rle  rleEncoder[int64]
	prev int64
}

func newDeltaEncoder() *deltaEncoder { return &deltaEncoder{rle: rleEncoder[int64]{put: putSleb}} }

func (e *deltaEncoder) appendValue(v int64) {
	d := v - e.prev
	if (v^e.prev)&(v^d) < 0 { // the subtraction overflowed
		d = saturatingAdd(v, -e.prev, e.prev == math.MinInt64)
	}
	e.prev = v
	e.rle.appendValue(d)
}

// saturatingAdd returns a+b clamped to the int64 range, as Automerge's
// delta columns compute (with saturating arithmetic, not wrapping). negMin
// says b stands for -MinInt64, which does not fit an int64.
func saturatingAdd(a, b int64, negMin bool) int64 {
	if negMin {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - math.MinInt64
	}
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}
func (e *deltaEncoder) appendNull()    { e.rle.appendNull() }
func (e *deltaEncoder) finish() []byte { return e.rle.finish() }

// rleDecoder reads an RLE column. An exhausted column yields nulls, which
// is how Automerge treats absent columns.
type rleDecoder[T any] struct {
	r       reader
	get     func(*reader) (T, error)
	count   uint64
	literal bool
	null    bool
	val     T
}

// next returns the next value; ok is false for a null.
func (d *rleDecoder[T]) next() (v T, ok bool, err error) {
	for d.count == 0 {
		if d.r.done() {
			return v, false, nil
		}
		n, err := d.r.sleb()
		if err != nil {
			return v, false, err
		}
		switch {
		case n > 0:
			d.count, d.literal, d.null = uint64(n), false, false
			if d.val, err = d.get(&d.r); err != nil {
				return v, false, err
			}
		case n < 0:
			d.count, d.literal, d.null = uint64(-n), true, false
			if n == -1<<63 {
				return v, false, fmt.Errorf("literal run length: %w", ErrCorrupt)
			}
		default:
			c, err := d.r.uleb()
			if err != nil {
				return v, false, err
			}
			d.count, d.literal, d.null = c, false, true
		}
	}
	d.count--
	if d.null {
		return v, false, nil
	}
	if d.literal {
		v, err = d.get(&d.r)
		return v, err == nil, err
	}
	return d.val, true, nil
}

func getUleb(r *reader) (uint64, error) { return r.uleb() }
func getSleb(r *reader) (int64, error)  { return r.sleb() }
func getStr(r *reader) (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	b, err := r.take(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("string is not UTF-8: %w", ErrCorrupt)
	}
	return string(b), nil
}

func newUintDecoder(b []byte) *rleDecoder[uint64] {
	return &rleDecoder[uint64]{r: reader{b: b}, get: getUleb}
}
func newIntDecoder(b []byte) *rleDecoder[int64] {
	return &rleDecoder[int64]{r: reader{b: b}, get: getSleb}
}
func newStrDecoder(b []byte) *rleDecoder[string] {
	return &rleDecoder[string]{r: reader{b: b}, get: getStr}
}

// deltaDecoder undoes deltaEncoder.
type deltaDecoder struct {
	rle rleDecoder[int64]
	abs int64
}

func newDeltaDecoder(b []byte) *deltaDecoder {
	return &deltaDecoder{rle: rleDecoder[int64]{r: reader{b: b}, get: getSleb}}
}

func (d *deltaDecoder) next() (int64, bool, error) {
	v, ok, err := d.rle.next()
	if err != nil || !ok {
		return 0, ok, err
	}
	d.abs = saturatingAdd(d.abs, v, false)
	return d.abs, true, nil
}

// boolEncoder writes alternating run lengths, starting with false.
type boolEncoder struct {
	buf   []byte
	last  bool
	count uint64
	// maybe makes an all-false column empty (Automerge's
	// MaybeBooleanEncoder, used for the expand column).
	maybe   bool
	anyTrue bool
}

func (e *boolEncoder) append(v bool) {
	if v {
		e.anyTrue = true
	}
	if v == e.last {
		e.count++
		return
	}
	e.buf = AppendUleb(e.buf, e.count)
	e.last, e.count = v, 1
}

func (e *boolEncoder) finish() []byte {
	if e.maybe && !e.anyTrue {
		return e.buf[:0]
	}
	if e.count > 0 {
		e.buf = AppendUleb(e.buf, e.count)
	}
	return e.buf
}

// boolDecoder undoes boolEncoder; an exhausted column yields false.
type boolDecoder struct {
	r     reader
	last  bool
	count uint64
}

func newBoolDecoder(b []byte) *boolDecoder { return &boolDecoder{r: reader{b: b}, last: true} }

func (d *boolDecoder) next() (bool, error) {
	for d.count == 0 {
		if d.r.done() {
			return false, nil
		}
		n, err := d.r.uleb()
		if err != nil {
			return false, err
		}
		d.count, d.last = n, !d.last
	}
	d.count--
	return d.last, nil
}
