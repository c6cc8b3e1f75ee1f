package crdt

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// object returns the object with the given ID, checking it is a map (or
// table) or a sequence as wanted.
func (d *Doc) object(id opID, seq bool) (*object, error) {
	obj := d.objs[id]
	if obj == nil {
		return nil, ErrMissingObject
	}
	if obj.typ.isSeq() != seq {
		return nil, fmt.Errorf("crdt: object has the wrong type")
	}
	return obj, nil
}

// slot is a place a value can be written to: a map key, or a list index
// (to overwrite, or to insert before; idx == -1 appends).
type slot struct {
	obj    *object
	key    string
	idx    int
	insert bool
	parent any // the *Map or *List, for binding counters
}

func (d *Doc) put(s slot, action format.Action, val scalar) (*op, error) {
	if !s.obj.typ.isSeq() {
		return d.mapPut(s.obj, s.key, action, val)
	}
	idx := s.idx
	if idx < 0 {
		idx = s.obj.seq.root.width
	}
	if s.insert {
		return d.listInsert(s.obj, idx, action, val)
	}
	return d.listSet(s.obj, idx, action, val)
}

// writeValue writes a Go value (after normalize) into slot s, creating
// nested objects as needed. The caller holds d.mu.
func (d *Doc) writeValue(s slot, value any) error {
	value, err := normalize(value)
	if err != nil {
		return err
	}
	if !s.obj.typ.isSeq() && !utf8.ValidString(s.key) {
		return fmt.Errorf("key %q: %w", s.key, ErrInvalidUTF8)
	}
	where := "crdt.Map"
	if s.obj.typ.isSeq() {
		where = "crdt.List"
	}
	var sc scalar
	switch v := value.(type) {
	case nil:
		sc = scalar{typ: format.ValueNull}
	case bool:
		sc = scalar{typ: format.ValueFalse}
		if v {
			sc.typ = format.ValueTrue
		}
	case string:
		if !utf8.ValidString(v) {
			return fmt.Errorf("%q: %w", v, ErrInvalidUTF8)
		}
		sc = scalar{typ: format.ValueString, str: v}
	case []byte:
		sc = scalar{typ: format.ValueBytes, str: string(v)}
	case int64:
		sc = scalar{typ: format.ValueInt, num: uint64(v)}
	case uint64:
		sc = scalar{typ: format.ValueUint, num: v}
	case float64:
		sc = scalar{typ: format.ValueFloat, num: math.Float64bits(v)}
	case time.Time:
		sc = scalar{typ: format.ValueTimestamp, num: uint64(v.UnixMilli())}
	case []any:
		o, err := d.put(s, format.ActionMakeList, scalar{})
		if err != nil {
			return err
		}
		l := &List{doc: d, obj: o.id, bound: true}
		for _, x := range v {
			if err := d.writeValue(slot{obj: d.objs[o.id], idx: -1, insert: true, parent: l}, x); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		o, err := d.put(s, format.ActionMakeMap, scalar{})
		if err != nil {
			return err
		}
		m := &Map{doc: d, obj: o.id, bound: true}
		// Sorted keys make the change (and its hash) deterministic.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := d.writeValue(slot{obj: d.objs[o.id], key: k, parent: m}, v[k]); err != nil {
				return err
			}
		}
		return nil
	case *Map:
		_, err := d.makeObject(s, where, "Map", format.ActionMakeMap, v.bound, func(id opID) { v.doc, v.obj, v.bound = d, id, true })
		return err
	case *List:
		_, err := d.makeObject(s, where, "List", format.ActionMakeList, v.bound, func(id opID) { v.doc, v.obj, v.bound = d, id, true })
		return err
	case *Text:
		o, err := d.makeObject(s, where, "Text", format.ActionMakeText, v.bound, func(id opID) { v.doc, v.obj, v.bound = d, id, true })
		if err != nil {
			return err
		}
		return d.splice(d.objs[o.id], 0, 0, v.val)
	case *Counter:
		if v.m != nil || v.l != nil {
			return fmt.Errorf("%s: tried to move an existing *crdt.Counter", where)
		}
		if _, err := d.put(s, format.ActionSet, scalar{typ: format.ValueCounter, num: uint64(v.val)}); err != nil {
			return err
		}
		switch p := s.parent.(type) {
		case *Map:
			v.m, v.key = p, s.key
		case *List:
			v.l, v.idx = p, s.idx
			if s.idx < 0 {
				v.idx = s.obj.seq.root.width - 1
			}
		}
		return nil
	default:
		return fmt.Errorf("%s: tried to write unsupported value %#v", where, value)
	}
	_, err = d.put(s, format.ActionSet, sc)
	return err
}

// makeObject creates a new object in slot s for a detached *Map, *List or
// *Text and binds the Go value to it.
func (d *Doc) makeObject(s slot, where, typ string, action format.Action, bound bool, bind func(opID)) (*op, error) {
	if bound {
		return nil, fmt.Errorf("%s: tried to move an existing *crdt.%s", where, typ)
	}
	o, err := d.put(s, action, scalar{})
	if err != nil {
		return nil, err
	}
	bind(o.id)
	return o, nil
}
