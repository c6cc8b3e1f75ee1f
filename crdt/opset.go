package crdt

import (
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// objType is the type of a mutable object in the document.
type objType uint8

const (
	objMap objType = iota
	objList
	objText
	objTable
)

func objTypeOf(a format.Action) objType {
	switch a {
	case format.ActionMakeList:
		return objList
	case format.ActionMakeText:
		return objText
	case format.ActionMakeTable:
		return objTable
	}
	return objMap
}

func (t objType) isSeq() bool { return t == objList || t == objText }

// object is a map, table, list or text. Maps keep, per key, the ops that
// target the key (see keyOps); sequences keep their elements in a seqTree
// and an index from element ID to insert op.
type object struct {
	id     opID
	typ    objType
	parent opID
	maker  *op // the op that created it; nil for the root
	props  map[string]*keyOps
	seq    *seqTree
	// elems maps element IDs to insert ops. It is built on first use:
	// local editing finds elements by position and never needs it.
	elems map[opID]*op
}

// elem returns the element with the given ID, or nil.
func (obj *object) elem(id opID) *op {
	if obj.elems == nil {
		obj.elems = make(map[opID]*op, obj.seq.root.count)
		obj.seq.each(func(e *op) bool {
			obj.elems[e.id] = e
			return true
		})
	}
	return obj.elems[id]
}

// indexElem adds a new element to elems if that index exists.
func (obj *object) indexElem(e *op) {
	if obj.elems != nil {
		obj.elems[e.id] = e
	}
}

func newObject(id opID, typ objType, parent opID, maker *op) *object {
	o := &object{id: id, typ: typ, parent: parent, maker: maker}
	if typ.isSeq() {
		o.seq = newSeqTree()
	} else {
		o.props = make(map[string]*keyOps)
	}
	return o
}

// Errors returned when an operation refers to something that does not exist.
var (
	// ErrMissingObject means an op targets an object the document does not
	// have.
	ErrMissingObject = errors.New("crdt: object not found")
	// ErrMissingElement means an op refers to a list or text element the
	// document does not have.
	ErrMissingElement = errors.New("crdt: list element not found")
)

// opSet is the state of a document: every object with every op that is not
// a delete.
type opSet struct {
	slab   slab
	actors actorTable
	objs   map[opID]*object
	maxOp  uint64
}

func newOpSet() opSet {
	s := opSet{actors: newActorTable(), objs: make(map[opID]*object)}
	s.objs[opID{}] = newObject(opID{}, objMap, opID{}, nil)
	return s
}

// incomingOp is an op being applied, with actor indexes already mapped to
// the Doc's actor table.
type incomingOp struct {
	id     opID
	obj    opID
	prop   string
	elem   opID
	isProp bool
	insert bool
	action format.Action
	val    scalar
	pred   []opID
	mark   *markData
}

// addSucc records that s supersedes (or, for an increment, adds to) o.
func (s *opSet) addSucc(o *op, succ opID, inc *incomingOp) {
	i := len(o.succ)
	for i > 0 && s.actors.less(succ, o.succ[i-1]) {
		i--
	}
	o.succ = slices.Insert(o.succ, i, succ)
	if inc != nil && inc.action == format.ActionIncrement {
		o.addInc(inc.val.int())
	}
}

// apply integrates one op, local or remote, and returns the op it stored
// (nil for a delete).
func (s *opSet) apply(in *incomingOp) (*op, error) {
	obj := s.objs[in.obj]
	if obj == nil {
		return nil, fmt.Errorf("op %d: %w", in.id.counter, ErrMissingObject)
	}
	if in.action > maxAction {
		return nil, fmt.Errorf("op %d: action %d: %w", in.id.counter, in.action, format.ErrCorrupt)
	}
	if obj.typ.isSeq() == in.isProp {
		return nil, fmt.Errorf("op %d: key kind does not match object type: %w", in.id.counter, format.ErrCorrupt)
	}
	if in.id.counter > s.maxOp {
		s.maxOp = in.id.counter
	}
	var o *op
	if in.action != format.ActionDelete {
		o = s.slab.op(op{id: in.id, act: uint8(in.action), insert: in.insert, val: in.val})
		if in.mark != nil {
			o.setMark(in.mark)
		}
	}
	if !obj.typ.isSeq() {
		s.applyMap(obj, in, o)
	} else if err := s.applySeq(obj, in, o); err != nil {
		return nil, err
	}
	if o != nil && o.isMake() {
		s.objs[o.id] = newObject(o.id, objTypeOf(o.action()), obj.id, o)
	}
	return o, nil
}

func (s *opSet) applyMap(obj *object, in *incomingOp, o *op) {
	k := obj.props[in.prop]
	if k == nil {
		if o == nil {
			return // a delete at a key that never had a value
		}
		k = &keyOps{}
		obj.props[in.prop] = k
	}
	s.supersede(k, in.pred, in.id, in)
	if o != nil {
		k.add(o, &s.actors)
	}
}

func (s *opSet) applySeq(obj *object, in *incomingOp, o *op) error {
	if in.insert {
		if o == nil {
			return fmt.Errorf("op %d: insert of a delete: %w", in.id.counter, format.ErrCorrupt)
		}
		var ref *op
		if !in.elem.isZero() {
			if ref = obj.elem(in.elem); ref == nil {
				return fmt.Errorf("op %d: %w", in.id.counter, ErrMissingElement)
			}
		}
		o.elem = s.slab.elem(elemData{ref: in.elem})
		o.elem.width = s.elemWidth(obj, o)
		obj.seq.insertOrdered(ref, o, s.actors.less)
		obj.indexElem(o)
		return nil
	}
	e := obj.elem(in.elem)
	if e == nil {
		return fmt.Errorf("op %d: %w", in.id.counter, ErrMissingElement)
	}
	if o == nil && e.elem.ops == nil {
		// A delete of an element that has no later ops: only the
		// element itself can be its pred.
		for _, p := range in.pred {
			if p == e.id {
				s.addSucc(e, in.id, in)
			}
		}
	} else {
		k := elemKey(e)
		s.supersede(k, in.pred, in.id, in)
		if o != nil {
			k.add(o, &s.actors)
		}
	}
	obj.seq.setWidth(e, s.elemWidth(obj, e))
	return nil
}

// elemWinner returns the current value op of element e, or nil if the
// element is deleted.
func elemWinner(e *op) *op {
	if e.elem.ops != nil {
		return e.elem.ops.winner()
	}
	if e.visible() {
		return e
	}
	return nil
}

// elemWidth is the visible width of element e in obj.
func (s *opSet) elemWidth(obj *object, e *op) int32 {
	w := elemWinner(e)
	if w == nil {
		return 0
	}
	if obj.typ == objText {
		return textWidth(w)
	}
	return 1
}

// opCount is the number of ops stored in obj (what Save writes for it).
func (obj *object) opCount() int {
	n := 0
	if obj.seq != nil {
		n = obj.seq.root.count
		obj.seq.each(func(e *op) bool {
			n += len(e.later())
			return true
		})
		return n
	}
	for _, k := range obj.props {
		n += len(k.all)
	}
	return n
}
