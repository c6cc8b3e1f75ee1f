package crdt

import (
	"fmt"
)

// List is an automerge type that stores a list of [Value]'s.
type List struct {
	doc   *Doc
	obj   opID
	bound bool
	path  *Path
	at    *clock
}

// NewList returns a detached list.
// Before you can read from or write to it you must write it to the document.
func NewList() *List { return &List{} }

// elemWinnerAt returns the value op of element e at c, or nil.
func elemWinnerAt(e *op, c *clock) *op {
	if c == nil {
		return elemWinner(e)
	}
	if e.elem.ops == nil {
		// Without later ops on the element, any covered successor is a
		// delete, so no siblings are needed to judge visibility.
		if visibleAt(e, nil, c) {
			return e
		}
		return nil
	}
	return winnerAt(e.elem.ops.all, c)
}

// visibleElems returns the elements of a sequence visible at c, in order.
func (obj *object) visibleElems(c *clock) []*op {
	var out []*op
	obj.seq.each(func(e *op) bool {
		if c == nil && e.elem.width > 0 || c != nil && elemWinnerAt(e, c) != nil {
			out = append(out, e)
		}
		return true
	})
	return out
}

// Len returns the length of the list, or 0 on error.
func (l *List) Len() int {
	if l.doc == nil {
		return 0
	}
	if l.path != nil {
		v, err := l.path.Get()
		if err != nil || v.Kind() != KindList {
			return 0
		}
		return v.List().Len()
	}
	l.doc.mu.Lock()
	defer l.doc.mu.Unlock()
	return l.lenLocked()
}

func (l *List) lenLocked() int {
	obj, err := l.doc.object(l.obj, true)
	if err != nil {
		return 0
	}
	if l.at == nil {
		return obj.seq.root.width
	}
	return len(obj.visibleElems(l.at))
}

// Values returns a slice of the values in a list.
func (l *List) Values() ([]*Value, error) {
	if l.doc == nil {
		return nil, fmt.Errorf("crdt.List: tried to read detached list")
	}
	if l.path != nil {
		v, err := l.path.Get()
		if err != nil {
			return nil, err
		}
		switch v.Kind() {
		case KindList:
			return v.List().Values()
		case KindVoid:
			return nil, nil
		default:
			return nil, fmt.Errorf("%#v: tried to read non-list %#v", l.path, v.val)
		}
	}
	l.doc.mu.Lock()
	defer l.doc.mu.Unlock()
	obj, err := l.doc.object(l.obj, true)
	if err != nil {
		return nil, err
	}
	out := []*Value{}
	for i, e := range obj.visibleElems(l.at) {
		out = append(out, l.elemValue(e, i))
	}
	return out, nil
}

func (l *List) elemValue(e *op, i int) *Value {
	v := l.doc.valueAt(elemWinnerAt(e, l.at), l.at, elemOps(e).all...)
	if c, ok := v.val.(*Counter); ok {
		c.l, c.idx = l, i
	}
	return v
}

// Get returns the value at index i; out of range gives a void Value.
func (l *List) Get(i int) (*Value, error) {
	if l.doc == nil {
		return nil, fmt.Errorf("crdt.List: tried to read detached list")
	}
	if l.path != nil {
		return l.path.Path(i).Get()
	}
	l.doc.mu.Lock()
	defer l.doc.mu.Unlock()
	obj, err := l.doc.object(l.obj, true)
	if err != nil {
		return nil, err
	}
	if l.at != nil {
		elems := obj.visibleElems(l.at)
		if i < 0 || i >= len(elems) {
			return &Value{kind: KindVoid}, nil
		}
		return l.elemValue(elems[i], i), nil
	}
	e, ok := obj.elemAt(i)
	if !ok {
		return &Value{kind: KindVoid}, nil
	}
	return l.elemValue(e, i), nil
}

// Append adds the values at the end of the list.
func (l *List) Append(values ...any) error {
	for _, v := range values {
		if err := l.put(-1, true, v); err != nil {
			return err
		}
	}
	return nil
}

// Set overwrites the value at l[idx] with value.
func (l *List) Set(idx int, value any) error {
	if n := l.Len(); idx < 0 || idx >= n {
		return fmt.Errorf("crdt.List: tried to write index %v beyond end of list length %v", idx, n)
	}
	return l.put(idx, false, value)
}

// Insert inserts the new values just before idx.
func (l *List) Insert(idx int, value ...any) error {
	if n := l.Len(); idx < 0 || idx > n {
		return fmt.Errorf("crdt.List: tried to write index %v beyond end of list length %v", idx, n)
	}
	for i, v := range value {
		if err := l.put(idx+i, true, v); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the value at idx and shortens the list.
func (l *List) Delete(idx int) error {
	if n := l.Len(); idx < 0 || idx >= n {
		return fmt.Errorf("crdt.List: tried to write index %v beyond end of list length %v", idx, n)
	}
	return l.write(func(obj *object) error { return l.doc.listDelete(obj, idx) })
}

func (l *List) inc(i int, delta int64) error {
	return l.write(func(obj *object) error { return l.doc.listInc(obj, i, delta) })
}

// write runs f on the list's object under the document lock.
func (l *List) write(f func(obj *object) error) error {
	if l.doc == nil {
		return fmt.Errorf("crdt.List: tried to write to detached list")
	}
	if l.at != nil {
		return ErrReadOnly
	}
	if l.path != nil {
		l2, err := l.path.ensureList(0)
		if err != nil {
			return err
		}
		l.obj, l.bound, l.path = l2.obj, true, nil
	}
	l.doc.mu.Lock()
	defer l.doc.mu.Unlock()
	obj, err := l.doc.object(l.obj, true)
	if err != nil {
		return err
	}
	return f(obj)
}

// put writes value at index i (-1: the end), inserting or overwriting.
func (l *List) put(i int, insert bool, value any) error {
	return l.write(func(obj *object) error {
		return l.doc.writeValue(slot{obj: obj, idx: i, insert: insert, parent: l}, value)
	})
}

// GoString returns a representation suitable for debugging.
func (l *List) GoString() string {
	if l.doc == nil {
		return "&crdt.List{}"
	}
	values, err := l.Values()
	if err != nil {
		return "&crdt.List{<error>}"
	}
	s := "&crdt.List{"
	for i, v := range values {
		if i > 0 {
			s += ", "
		}
		if i == 5 {
			s += "..."
			break
		}
		s += shortValue(v)
	}
	return s + "}"
}

// String returns a representation suitable for debugging.
func (l *List) String() string { return l.GoString() }
