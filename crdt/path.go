package crdt

import (
	"fmt"
	"reflect"
)

// Path is a cursor that lets you reach into the document.
type Path struct {
	d    *Doc
	path []any
	at   *clock
}

// deleteMarker is passed to a path's setter to delete instead of write.
type deleteMarker struct{}

// Path extends the cursor with more path segments.
// It panics if any path segment is not a string or an int.
// It does not check that the path segment is traversable until you call
// a method that accesses the document.
func (p *Path) Path(path ...any) *Path {
	segs := make([]any, 0, len(p.path)+len(path))
	segs = append(segs, p.path...)
	for _, v := range path {
		rv := reflect.ValueOf(v)
		switch {
		case rv.CanInt():
			segs = append(segs, int(rv.Int()))
		case rv.CanUint():
			segs = append(segs, int(rv.Uint()))
		case rv.Kind() == reflect.String:
			segs = append(segs, rv.String())
		default:
			panic(fmt.Errorf("crdt: invalid path segment, expected string or int, got: %T(%#v)", v, v))
		}
	}
	return &Path{d: p.d, path: segs, at: p.at}
}

// Get returns the value at a given path.
func (p *Path) Get() (*Value, error) {
	obj := &Value{kind: KindMap, doc: p.d, val: &Map{doc: p.d, bound: true, at: p.at}}
	var err error
	for _, seg := range p.path {
		if obj.Kind() == KindVoid {
			return obj, nil
		}
		switch idx := seg.(type) {
		case string:
			if obj.Kind() != KindMap {
				return nil, fmt.Errorf("%#v: tried to read property %#v of non-map %#v", p, idx, obj.val)
			}
			obj, err = obj.Map().Get(idx)
		case int:
			if obj.Kind() != KindList {
				return nil, fmt.Errorf("%#v: tried to read index %#v of non-list %#v", p, idx, obj.val)
			}
			obj, err = obj.List().Get(idx)
		}
		if err != nil {
			return nil, err
		}
	}
	return obj, nil
}

// Set sets the value at the given path, and creates any missing parent
// Maps or Lists needed.
func (p *Path) Set(v any) error {
	_, set, err := p.ensure()
	if err != nil {
		return err
	}
	return set(v)
}

// Delete removes the value at this path from the document.
func (p *Path) Delete() error { return p.Set(deleteMarker{}) }

func (p *Path) ensureMap(debugKey string) (*Map, error) {
	if p.at != nil {
		return nil, ErrReadOnly
	}
	if len(p.path) == 0 {
		return p.d.RootMap(), nil
	}
	v, set, err := p.ensure()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case KindVoid:
		m := NewMap()
		if err := set(m); err != nil {
			return nil, err
		}
		return m, nil
	case KindMap:
		return v.Map(), nil
	}
	return nil, fmt.Errorf("%#v: tried to write property %#v of non-map %#v", p, debugKey, v.val)
}

func (p *Path) ensureList(debugKey int) (*List, error) {
	v, set, err := p.ensure()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case KindVoid:
		l := NewList()
		if err := set(l); err != nil {
			return nil, err
		}
		return l, nil
	case KindList:
		return v.List(), nil
	}
	return nil, fmt.Errorf("%#v: tried to write index %v of non-list %#v", p, debugKey, v.val)
}

func (p *Path) ensureText() (*Text, error) {
	v, set, err := p.ensure()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case KindVoid:
		t := NewText("")
		if err := set(t); err != nil {
			return nil, err
		}
		return t, nil
	case KindText:
		return v.Text(), nil
	}
	return nil, fmt.Errorf("%#v: tried to edit non-text %#v", p, v.val)
}

func (p *Path) ensureCounter() (*Counter, error) {
	v, set, err := p.ensure()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case KindVoid:
		c := NewCounter(0)
		if err := set(c); err != nil {
			return nil, err
		}
		return c, nil
	case KindCounter:
		return v.Counter(), nil
	}
	return nil, fmt.Errorf("%#v: tried to increment non-counter %#v", p, v.val)
}

// ensure creates the parents of the path and returns the value at it and a
// function that writes (or, given deleteMarker, deletes) there.
func (p *Path) ensure() (*Value, func(v any) error, error) {
	if p.at != nil {
		return nil, nil, ErrReadOnly
	}
	if len(p.path) == 0 {
		return p.d.Root(), func(any) error {
			return fmt.Errorf("%#v: tried to overwrite root of document", p)
		}, nil
	}
	parent := &Path{d: p.d, path: p.path[:len(p.path)-1]}
	switch key := p.path[len(p.path)-1].(type) {
	case string:
		m, err := parent.ensureMap(key)
		if err != nil {
			return nil, nil, err
		}
		v, err := m.Get(key)
		return v, func(v any) error {
			if _, del := v.(deleteMarker); del {
				return m.Delete(key)
			}
			return m.Set(key, v)
		}, err
	case int:
		l, err := parent.ensureList(key)
		if err != nil {
			return nil, nil, err
		}
		v, err := l.Get(key)
		if err != nil {
			return nil, nil, err
		}
		return v, func(v any) error {
			_, del := v.(deleteMarker)
			n := l.Len()
			if key > n || key == n && del {
				return fmt.Errorf("%#v: tried to write index %v beyond end of list length %v", p, key, n)
			}
			if del {
				return l.Delete(key)
			}
			if key == n {
				return l.Append(v)
			}
			return l.Set(key, v)
		}, nil
	}
	panic("unreachable")
}

// Map assumes there is a [Map] at the given path.
// Calling methods on the map will error if the path cannot be traversed
// or if the value at this path is not a map.
// If there is a void at this location, writing to this map
// will implicitly create it (and the path as necessary).
func (p *Path) Map() *Map { return &Map{doc: p.d, path: p, at: p.at} }

// List assumes there is a [List] at the given path.
// Calling methods on the list will error if the path cannot be traversed
// or if the value at this path is not a list.
// If there is a void at this location, reading from the list will return void,
// and writing to the list will implicitly create it (and the path as necessary).
func (p *Path) List() *List { return &List{doc: p.d, path: p, at: p.at} }

// Counter assumes there is a [Counter] at the given path.
// Calling methods on the counter will error if the path cannot be traversed
// or if the value at this path is not a counter.
func (p *Path) Counter() *Counter { return &Counter{path: p} }

// Text assumes there is a [Text] at the given path.
// Calling methods on the text will error if the path cannot be traversed
// or if the value at this path is not a text.
func (p *Path) Text() *Text { return &Text{doc: p.d, path: p, at: p.at} }

// String returns a representation suitable for debugging.
func (p *Path) String() string { return p.GoString() }

// GoString returns a representation suitable for debugging.
func (p *Path) GoString() string {
	s := "&crdt.Path{"
	for i, seg := range p.path {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%#v", seg)
	}
	return s + "}"
}
