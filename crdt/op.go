package crdt

import (
	"math"
	"unicode/utf8"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// scalar is a compact in-memory form of format.Value: numbers live in num
// (ints, counters and timestamps as two's complement, floats as IEEE bits),
// strings, bytes and the raw bytes of unknown types live in str.
type scalar struct {
	typ format.ValueType
	num uint64
	str string
}

func scalarFromFormat(v format.Value) scalar {
	switch v.Type {
	case format.ValueUint:
		return scalar{typ: v.Type, num: v.Uint}
	case format.ValueInt, format.ValueCounter, format.ValueTimestamp:
		return scalar{typ: v.Type, num: uint64(v.Int)}
	case format.ValueFloat:
		return scalar{typ: v.Type, num: math.Float64bits(v.Float)}
	case format.ValueString:
		return scalar{typ: v.Type, str: v.Str}
	case format.ValueBytes:
		return scalar{typ: v.Type, str: string(v.Bytes)}
	case format.ValueNull, format.ValueFalse, format.ValueTrue:
		return scalar{typ: v.Type}
	default:
		return scalar{typ: v.Type, str: string(v.Raw)}
	}
}

func (s scalar) toFormat() format.Value {
	var v format.Value
	s.fill(&v)
	return v
}

// fill sets v's type and the field that type names, leaving the others as
// they were (an encoder reads only that field), so that one Value can be
// refilled for op after op.
func (s scalar) fill(v *format.Value) {
	v.Type = s.typ
	switch s.typ {
	case format.ValueUint:
		v.Uint = s.num
	case format.ValueInt, format.ValueCounter, format.ValueTimestamp:
		v.Int = int64(s.num)
	case format.ValueFloat:
		v.Float = math.Float64frombits(s.num)
	case format.ValueString:
		v.Str = s.str
	case format.ValueBytes:
		v.Bytes = []byte(s.str)
	case format.ValueNull, format.ValueFalse, format.ValueTrue:
	default:
		v.Raw = []byte(s.str)
	}
}

// op is one operation in the op set. Delete operations are never stored:
// they only show up in the succ lists of the ops they removed, exactly as in
// Automerge's document format. Increments are stored (they have to be saved)
// but are never visible themselves.
type op struct {
	id     opID
	val    scalar
	succ   []opID
	elem   *elemData // set when this op is an insert op (a sequence element)
	ext    *opExt    // increments received and mark fields; usually nil
	act    uint8     // a format.Action; codes above maxAction are refused
	insert bool
}

// maxAction is the largest action code an op can hold.
const maxAction = 255

// opExt holds what few ops need. incs counts the increments among succ and
// incSum adds them up: a counter stays visible while every successor is an
// increment.
type opExt struct {
	incs   int
	incSum int64
	mark   *markData
}

func (o *op) action() format.Action { return format.Action(o.act) }

func (o *op) addInc(v int64) {
	if o.ext == nil {
		o.ext = &opExt{}
	}
	o.ext.incs++
	o.ext.incSum += v
}

func (o *op) incs() int {
	if o.ext == nil {
		return 0
	}
	return o.ext.incs
}

func (o *op) setMark(m *markData) {
	if o.ext == nil {
		o.ext = &opExt{}
	}
	o.ext.mark = m
}

func (o *op) markData() *markData {
	if o.ext == nil {
		return nil
	}
	return o.ext.mark
}

// elemData is what a sequence element needs beyond its insert op: the ops
// at it, once later ops target it (list overwrites, increments, marks), and
// its place in the sequence tree.
type elemData struct {
	ref   opID    // the element this one was inserted after (zero: the head)
	ops   *keyOps // nil while the insert op is the element's only op
	leaf  *seqNode
	width int32 // current visible width
}

// markData keeps the fields of a mark op so they can be written back.
type markData struct {
	name   string
	expand bool
}

func (o *op) isMake() bool {
	switch o.action() {
	case format.ActionMakeMap, format.ActionMakeList, format.ActionMakeText, format.ActionMakeTable:
		return true
	}
	return false
}

func (o *op) isCounter() bool {
	return o.action() == format.ActionSet && o.val.typ == format.ValueCounter
}

// visible reports whether the op currently contributes a value.
func (o *op) visible() bool {
	switch o.action() {
	case format.ActionSet, format.ActionMakeMap, format.ActionMakeList, format.ActionMakeText, format.ActionMakeTable:
	default:
		return false
	}
	if o.val.typ == format.ValueCounter && o.action() == format.ActionSet {
		return len(o.succ) <= o.incs()
	}
	return len(o.succ) == 0
}

// counterValue is the value of a counter op with its increments applied.
func (o *op) counterValue() int64 {
	v := int64(o.val.num)
	if o.ext != nil {
		v += o.ext.incSum
	}
	return v
}

// textWidth is how many positions an element occupies in a Text when
// visible: its length in Unicode code points (one for non-string values).
func textWidth(o *op) int32 {
	if o.action() == format.ActionSet && o.val.typ == format.ValueString {
		return int32(utf8.RuneCountInString(o.val.str))
	}
	return 1
}

// int returns the scalar as a signed integer (increments may be stored as
// int or uint).
func (s scalar) int() int64 { return int64(s.num) }
