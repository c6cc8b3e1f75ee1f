package crdt

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// ErrIndexOutOfRange is returned when a list or text position is outside
// the object.
var ErrIndexOutOfRange = errors.New("crdt: index out of range")

// ErrNotCounter is returned when incrementing something that is not a
// counter.
var ErrNotCounter = errors.New("crdt: cannot increment a value that is not a counter")

// ErrInvalidUTF8 is returned when text to insert is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("crdt: invalid UTF-8")

// applyLocal gives in the next op ID, applies it and records it in the
// transaction.
func (d *Doc) applyLocal(in *incomingOp) (*op, error) {
	in.id = d.nextOpID()
	o, err := d.apply(in)
	if err != nil {
		return nil, err
	}
	d.record(in, o)
	return o, nil
}

// mapPut sets key in a map object to a scalar (action Set) or a new object.
func (d *Doc) mapPut(obj *object, key string, action format.Action, val scalar) (*op, error) {
	var pred []opID
	if k := obj.props[key]; k != nil {
		if isNoop(k, action, val) {
			return nil, nil
		}
		pred = k.visibleIDs(false)
	}
	in := &incomingOp{obj: obj.id, prop: key, isProp: true, action: action, val: val, pred: pred}
	return d.applyLocal(in)
}

// isNoop reports whether putting val over k would change nothing: one
// visible value, equal to val. Automerge makes no op then, so neither do we
// (it keeps change hashes identical to automerge-go's).
func isNoop(k *keyOps, action format.Action, val scalar) bool {
	if action != format.ActionSet || len(k.vis) != 1 {
		return false
	}
	cur := k.vis[0]
	if cur.action() != format.ActionSet || cur.val.typ != val.typ {
		return false
	}
	switch val.typ {
	case format.ValueFloat:
		return math.Float64frombits(cur.val.num) == math.Float64frombits(val.num)
	case format.ValueCounter:
		return cur.counterValue() == int64(val.num)
	}
	return cur.val.num == val.num && cur.val.str == val.str
}

// incPred returns the pred of an increment at k: every visible op, as in
// Automerge, provided one of them is a counter.
func incPred(k *keyOps) []opID {
	if k == nil || len(k.visibleIDs(true)) == 0 {
		return nil
	}
	return k.visibleIDs(false)
}

// mapDelete removes key; deleting a missing key does nothing.
func (d *Doc) mapDelete(obj *object, key string) error {
	var pred []opID
	if k := obj.props[key]; k != nil {
		pred = k.visibleIDs(false)
	}
	if len(pred) == 0 {
		return nil
	}
	_, err := d.applyLocal(&incomingOp{obj: obj.id, prop: key, isProp: true, action: format.ActionDelete, pred: pred})
	return err
}

// mapInc increments the counter at key.
func (d *Doc) mapInc(obj *object, key string, delta int64) error {
	pred := incPred(obj.props[key])
	if len(pred) == 0 {
		return fmt.Errorf("increment %q: %w", key, ErrNotCounter)
	}
	_, err := d.applyLocal(&incomingOp{obj: obj.id, prop: key, isProp: true, action: format.ActionIncrement,
		val: scalar{typ: format.ValueInt, num: uint64(delta)}, pred: pred})
	return err
}

// elemAt returns the element at visible index i of a sequence.
func (obj *object) elemAt(i int) (*op, bool) {
	leaf, idx, _, ok := obj.seq.find(i)
	if !ok {
		return nil, false
	}
	return leaf.elems[idx], true
}

// listInsert inserts a value (or new object) before index i.
func (d *Doc) listInsert(obj *object, i int, action format.Action, val scalar) (*op, error) {
	in := &incomingOp{obj: obj.id, insert: true, action: action, val: val}
	if i > 0 {
		ref, ok := obj.elemAt(i - 1)
		if !ok {
			return nil, fmt.Errorf("insert at %d: %w", i, ErrIndexOutOfRange)
		}
		in.elem = ref.id
	}
	return d.applyLocal(in)
}

// listSet overwrites the element at index i.
func (d *Doc) listSet(obj *object, i int, action format.Action, val scalar) (*op, error) {
	e, ok := obj.elemAt(i)
	if !ok {
		return nil, fmt.Errorf("set %d: %w", i, ErrIndexOutOfRange)
	}
	k := elemOps(e)
	if isNoop(k, action, val) {
		return nil, nil
	}
	in := &incomingOp{obj: obj.id, elem: e.id, action: action, val: val, pred: k.visibleIDs(false)}
	return d.applyLocal(in)
}

// listDelete removes the element at index i.
func (d *Doc) listDelete(obj *object, i int) error {
	e, ok := obj.elemAt(i)
	if !ok {
		return fmt.Errorf("delete %d: %w", i, ErrIndexOutOfRange)
	}
	_, err := d.applyLocal(&incomingOp{obj: obj.id, elem: e.id, action: format.ActionDelete, pred: elemOps(e).visibleIDs(false)})
	return err
}

// listInc increments the counter at index i.
func (d *Doc) listInc(obj *object, i int, delta int64) error {
	e, ok := obj.elemAt(i)
	if !ok {
		return fmt.Errorf("increment %d: %w", i, ErrIndexOutOfRange)
	}
	pred := incPred(elemOps(e))
	if len(pred) == 0 {
		return fmt.Errorf("increment %d: %w", i, ErrNotCounter)
	}
	_, err := d.applyLocal(&incomingOp{obj: obj.id, elem: e.id, action: format.ActionIncrement,
		val: scalar{typ: format.ValueInt, num: uint64(delta)}, pred: pred})
	return err
}

// splice deletes del positions at pos in a text object and inserts s there,
// one element per code point. It is the hot path of text editing, so it
// works on the sequence tree directly instead of going through apply.
func (d *Doc) splice(obj *object, pos, del int, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("splice: invalid UTF-8 in text: %w", ErrInvalidUTF8)
	}
	width := obj.seq.root.width
	if pos < 0 || pos > width {
		return fmt.Errorf("splice at %d of %d: %w", pos, width, ErrIndexOutOfRange)
	}
	if del < 0 {
		return fmt.Errorf("splice: negative delete count %d: %w", del, ErrIndexOutOfRange)
	}
	if del > width-pos {
		del = width - pos
	}
	for del > 0 {
		e, _ := obj.elemAt(pos)
		w := int(e.elem.width)
		id := d.nextOpID()
		var pred []opID
		if k := e.elem.ops; k == nil {
			pred = []opID{e.id} // the element is visible: it covers pos
			d.addSucc(e, id, nil)
		} else {
			pred = k.visibleIDs(false)
			d.supersede(k, pred, id, nil)
		}
		obj.seq.setWidth(e, d.elemWidth(obj, e))
		d.maxOp = id.counter
		d.tx.ops.add(pendingOp{obj: obj.id, key: e.id, action: uint8(format.ActionDelete), more: &pendingMore{pred: pred}})
		del -= w
	}
	if s == "" {
		return nil
	}
	var leaf *seqNode
	idx := 0
	if pos > 0 {
		l, i, _, ok := obj.seq.find(pos - 1)
		if !ok {
			return fmt.Errorf("splice at %d: %w", pos, ErrIndexOutOfRange)
		}
		leaf, idx = l, i+1
	} else {
		leaf = obj.seq.first
	}
	var ref opID
	if idx > 0 {
		ref = leaf.elems[idx-1].id
	}
	for i, r := range s {
		n := utf8.RuneLen(r)
		id := d.nextOpID()
		e := d.slab.op(op{id: id, act: uint8(format.ActionSet), insert: true,
			val: scalar{typ: format.ValueString, str: s[i : i+n]}, elem: d.slab.elem(elemData{ref: ref, width: 1})})
		obj.seq.insertAt(leaf, idx, e)
		obj.indexElem(e)
		d.maxOp = id.counter
		d.tx.ops.add(pendingOp{o: e, obj: obj.id, key: ref, insert: true, action: uint8(format.ActionSet)})
		ref = id
		if e.elem.leaf == leaf {
			idx++
		} else {
			leaf = e.elem.leaf
			idx = leaf.indexOf(e) + 1
		}
	}
	return nil
}
