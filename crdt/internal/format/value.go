package format

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
)

// A value is stored in two columns: metadata (RLE of uleb (length<<4)|type)
// and raw bytes (the concatenated encodings, no separators).

// valueEncoder writes the value metadata and raw columns.
type valueEncoder struct {
	meta rleEncoder[uint64]
	raw  []byte
}

func newValueEncoder() *valueEncoder { return &valueEncoder{meta: rleEncoder[uint64]{put: putUleb}} }

func (e *valueEncoder) append(v *Value) error {
	start := len(e.raw)
	switch v.Type {
	case ValueNull, ValueFalse, ValueTrue:
	case ValueUint:
		e.raw = AppendUleb(e.raw, v.Uint)
	case ValueInt, ValueCounter, ValueTimestamp:
		e.raw = AppendSleb(e.raw, v.Int)
	case ValueFloat:
		e.raw = binary.LittleEndian.AppendUint64(e.raw, math.Float64bits(v.Float))
	case ValueString:
		e.raw = append(e.raw, v.Str...)
	case ValueBytes:
		e.raw = append(e.raw, v.Bytes...)
	default:
		if v.Type > 15 {
			return fmt.Errorf("value type %d: %w", v.Type, ErrInvalidChange)
		}
		e.raw = append(e.raw, v.Raw...)
	}
	e.meta.appendValue(uint64(len(e.raw)-start)<<4 | uint64(v.Type))
	return nil
}

func (e *valueEncoder) appendBytes(b []byte) {
	e.raw = append(e.raw, b...)
	e.meta.appendValue(uint64(len(b))<<4 | uint64(ValueBytes))
}

// valueDecoder reads values back. Strings and byte slices are copied out
// of the column so decoded values do not pin the input.
type valueDecoder struct {
	meta rleDecoder[uint64]
	raw  reader
}

func newValueDecoder(meta, raw []byte) *valueDecoder {
	return &valueDecoder{meta: rleDecoder[uint64]{r: reader{b: meta}, get: getUleb}, raw: reader{b: raw}}
}

// next decodes into v. A missing metadata entry is an error: every row has
// a value, even if it is null.
func (d *valueDecoder) next(v *Value) error {
	m, ok, err := d.meta.next()
	if err != nil {
		return fmt.Errorf("value metadata: %w", err)
	}
	if !ok {
		return fmt.Errorf("value metadata is null: %w", ErrCorrupt)
	}
	typ, n := ValueType(m&0xf), m>>4
	b, err := d.raw.take(n)
	if err != nil {
		return fmt.Errorf("value of type %d: %w", typ, err)
	}
	*v = Value{Type: typ}
	switch typ {
	case ValueNull, ValueFalse, ValueTrue:
		if n != 0 {
			return fmt.Errorf("value of type %d has length %d: %w", typ, n, ErrCorrupt)
		}
	case ValueUint:
		x, k, err := ReadUleb(b)
		if err == nil && k != len(b) {
			err = ErrTrailingData
		}
		if err != nil {
			return fmt.Errorf("uint value: %w", err)
		}
		v.Uint = x
	case ValueInt, ValueCounter, ValueTimestamp:
		x, k, err := ReadSleb(b)
		if err == nil && k != len(b) {
			err = ErrTrailingData
		}
		if err != nil {
			return fmt.Errorf("int value: %w", err)
		}
		v.Int = x
	case ValueFloat:
		if n != 8 {
			return fmt.Errorf("float has length %d: %w", n, ErrCorrupt)
		}
		v.Float = math.Float64frombits(binary.LittleEndian.Uint64(b))
	case ValueString:
		if !utf8.Valid(b) {
			return fmt.Errorf("string value is not UTF-8: %w", ErrCorrupt)
		}
		v.Str = string(b)
	case ValueBytes:
		v.Bytes = append([]byte{}, b...)
	default:
		v.Raw = append([]byte{}, b...)
	}
	return nil
}
