package crdt

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Value represents a dynamically typed value read from a document.
// It can hold any of the supported primitive types (bool, string, []byte, float64, int64, uint64, time.Time)
// the four mutable types (*Map, *List, *Text, *Counter), or it can be an explicit null,
// or a void to indicate that no value existed at all.
// You can convert from a Value to a go type using [As], or call accessor methods directly.
type Value struct {
	doc  *Doc
	kind Kind
	val  any
}

// valueOf converts the winning op of a key or element into a Value.
func (d *Doc) valueOf(o *op) *Value {
	if o == nil {
		return &Value{kind: KindVoid}
	}
	v := &Value{doc: d}
	switch o.action() {
	case format.ActionMakeMap, format.ActionMakeTable:
		v.kind, v.val = KindMap, &Map{doc: d, obj: o.id, bound: true}
		return v
	case format.ActionMakeList:
		v.kind, v.val = KindList, &List{doc: d, obj: o.id, bound: true}
		return v
	case format.ActionMakeText:
		v.kind, v.val = KindText, &Text{doc: d, obj: o.id, bound: true}
		return v
	}
	s := o.val
	switch s.typ {
	case format.ValueNull:
		v.kind = KindNull
	case format.ValueFalse, format.ValueTrue:
		v.kind, v.val = KindBool, s.typ == format.ValueTrue
	case format.ValueUint:
		v.kind, v.val = KindUint64, s.num
	case format.ValueInt:
		v.kind, v.val = KindInt64, int64(s.num)
	case format.ValueFloat:
		v.kind, v.val = KindFloat64, math.Float64frombits(s.num)
	case format.ValueString:
		v.kind, v.val = KindStr, s.str
	case format.ValueBytes:
		v.kind, v.val = KindBytes, []byte(s.str)
	case format.ValueCounter:
		v.kind, v.val = KindCounter, &Counter{val: o.counterValue()}
	case format.ValueTimestamp:
		v.kind, v.val = KindTime, time.UnixMilli(int64(s.num))
	default:
		v.kind = KindUnknown
	}
	return v
}

// Kind reports the kind of the value.
func (v *Value) Kind() Kind { return v.kind }

// IsVoid returns true if the value did not exist in the document.
func (v *Value) IsVoid() bool { return v.kind == KindVoid }

// IsNull returns true if the value is null.
func (v *Value) IsNull() bool { return v.kind == KindNull }

// IsUnknown returns true if the type of the value was unknown.
func (v *Value) IsUnknown() bool { return v.kind == KindUnknown }

// Bool returns the value as a bool, it panics if Kind() != KindBool.
func (v *Value) Bool() bool { v.assertKind(KindBool); return v.val.(bool) }

// Str returns the Value as a string, it panics if Kind() != KindStr.
func (v *Value) Str() string { v.assertKind(KindStr); return v.val.(string) }

// Bytes returns the Value as a []byte, it panics if Kind() != KindBytes.
func (v *Value) Bytes() []byte { v.assertKind(KindBytes); return v.val.([]byte) }

// Float64 returns the value as a float64, it panics if Kind() != KindFloat64.
func (v *Value) Float64() float64 { v.assertKind(KindFloat64); return v.val.(float64) }

// Int64 returns the value as a int64, it panics if Kind() != KindInt64.
func (v *Value) Int64() int64 { v.assertKind(KindInt64); return v.val.(int64) }

// Uint64 returns the value as a uint64, it panics if Kind() != KindUint64.
func (v *Value) Uint64() uint64 { v.assertKind(KindUint64); return v.val.(uint64) }

// Time returns the value as a time.Time, it panics if Kind() != KindTime.
func (v *Value) Time() time.Time { v.assertKind(KindTime); return v.val.(time.Time) }

// Map returns the value as a [*Map], it panics if Kind() != KindMap.
func (v *Value) Map() *Map { v.assertKind(KindMap); return v.val.(*Map) }

// List returns the value as a [*List], it panics if Kind() != KindList.
func (v *Value) List() *List { v.assertKind(KindList); return v.val.(*List) }

// Counter returns the value as a [*Counter], it panics if Kind() != KindCounter.
func (v *Value) Counter() *Counter { v.assertKind(KindCounter); return v.val.(*Counter) }

// Text returns the value as a [*Text], it panics if Kind() != KindText.
func (v *Value) Text() *Text { v.assertKind(KindText); return v.val.(*Text) }

func (v *Value) assertKind(k Kind) {
	if v.kind != k {
		panic(fmt.Errorf("crdt.Value: called .%s() on value of %v", strings.TrimPrefix(k.String(), "Kind"), v.kind))
	}
}

// Interface returns the value as a go interface.
// It recursively converts Map to map[string]any,
// List to []any, Text to string, and
// Counter to int64.
func (v *Value) Interface() any {
	switch v.kind {
	case KindMap:
		values, err := v.Map().Values()
		if err != nil {
			panic(err)
		}
		out := map[string]any{}
		for k, v := range values {
			out[k] = v.Interface()
		}
		return out
	case KindList:
		values, err := v.List().Values()
		if err != nil {
			panic(err)
		}
		out := []any{}
		for _, v := range values {
			out = append(out, v.Interface())
		}
		return out
	case KindText:
		s, err := v.Text().Get()
		if err != nil {
			panic(err)
		}
		return s
	case KindCounter:
		c := v.Counter()
		if c.m == nil && c.l == nil && c.path == nil {
			return c.val // a value read for a patch: not bound to a place
		}
		n, err := c.Get()
		if err != nil {
			panic(err)
		}
		return n
	default:
		return v.val
	}
}

// GoString returns a representation suitable for debugging.
func (v *Value) GoString() string {
	switch v.kind {
	case KindVoid:
		return "&crdt.Value(<void>)"
	case KindUnknown:
		return "&crdt.Value(<unknown>)"
	}
	return fmt.Sprintf("&crdt.Value(%#v)", v.val)
}

// String returns a representation suitable for debugging.
// Use [Value.Str] to get the underlying string.
func (v *Value) String() string { return v.GoString() }
