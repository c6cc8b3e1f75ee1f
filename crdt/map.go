package crdt

import (
	"fmt"
	"slices"
)

// Map is an automerge type that stores a map of strings to values.
type Map struct {
	doc   *Doc
	obj   opID
	bound bool // obj names an object in doc
	path  *Path
	at    *clock // non-nil for a read-only view at some heads
}

// NewMap returns a detached map.
// Before you can read from or write to it you must write it to the document.
func NewMap() *Map { return &Map{} }

// createOnPath turns a path map into a real one, creating it (and its
// parents) if needed.
func (m *Map) createOnPath(key string) error {
	if m.path == nil {
		return nil
	}
	m2, err := m.path.ensureMap(key)
	if err != nil {
		return err
	}
	m.obj, m.bound, m.path = m2.obj, true, nil
	return nil
}

// Get retrieves the value from the map.
// This method will return an error if the underlying Get
// operation fails, or if this is the first attempt to access
// a Path.Map() and the path is not traverseable.
func (m *Map) Get(key string) (*Value, error) {
	if m.doc == nil {
		return nil, fmt.Errorf("crdt.Map: tried to read detached map")
	}
	if m.path != nil {
		return m.path.Path(key).Get()
	}
	var v *Value
	err := m.withObject(func(obj *object) {
		k := obj.props[key]
		if k == nil {
			v = &Value{kind: KindVoid}
			return
		}
		v = m.doc.valueAt(k.winnerAt(m.at), m.at, k.all...)
		if c, ok := v.val.(*Counter); ok {
			c.m, c.key = m, key
		}
	})
	return v, err
}

// withObject runs f on the map's object under the document lock.
func (m *Map) withObject(f func(obj *object)) error {
	m.doc.mu.Lock()
	defer m.doc.mu.Unlock()
	obj, err := m.doc.object(m.obj, false)
	if err != nil {
		return err
	}
	f(obj)
	return nil
}

// Len returns the number of keys set in the map, or 0 on error.
func (m *Map) Len() int {
	if m.doc == nil {
		return 0
	}
	if m.path != nil {
		v, err := m.path.Get()
		if err != nil || v.Kind() != KindMap {
			return 0
		}
		return v.Map().Len()
	}
	n := 0
	_ = m.withObject(func(obj *object) {
		for _, k := range obj.props {
			if k.winnerAt(m.at) != nil {
				n++
			}
		}
	})
	return n
}

// Delete deletes a key and its corresponding value from the map.
func (m *Map) Delete(key string) error {
	return m.write(key, func(obj *object) error { return m.doc.mapDelete(obj, key) })
}

// write runs f on the map's object under the document lock, after
// checking the map can be written and creating it if it is a path map.
func (m *Map) write(key string, f func(obj *object) error) error {
	if m.doc == nil {
		return fmt.Errorf("crdt.Map: tried to write to detached map")
	}
	if m.at != nil {
		return ErrReadOnly
	}
	if m.path != nil {
		if err := m.createOnPath(key); err != nil {
			return err
		}
	}
	m.doc.mu.Lock()
	defer m.doc.mu.Unlock()
	obj, err := m.doc.object(m.obj, false)
	if err != nil {
		return err
	}
	return f(obj)
}

// Set sets a key in the map to a given value.
// This method may error if the underlying operation errors,
// the type you provide cannot be converted to an automerge type,
// or if this is the first write to a [Path.Map] and the path is not traverseable.
func (m *Map) Set(key string, value any) error {
	return m.write(key, func(obj *object) error {
		return m.doc.writeValue(slot{obj: obj, key: key, parent: m}, value)
	})
}

func (m *Map) inc(key string, delta int64) error {
	return m.write(key, func(obj *object) error { return m.doc.mapInc(obj, key, delta) })
}

// Values returns the values of the map.
func (m *Map) Values() (map[string]*Value, error) {
	if m.doc == nil {
		return nil, fmt.Errorf("crdt.Map: tried to read detached map")
	}
	if m.path != nil {
		v, err := m.path.Get()
		if err != nil {
			return nil, err
		}
		switch v.Kind() {
		case KindMap:
			return v.Map().Values()
		case KindVoid:
			return nil, nil
		default:
			return nil, fmt.Errorf("%#v: tried to read non-map %#v", m.path, v.val)
		}
	}
	out := map[string]*Value{}
	err := m.withObject(func(obj *object) {
		for key, k := range obj.props {
			if w := k.winnerAt(m.at); w != nil {
				v := m.doc.valueAt(w, m.at, k.all...)
				if c, ok := v.val.(*Counter); ok {
					c.m, c.key = m, key
				}
				out[key] = v
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Keys returns the current list of keys for the map, sorted.
func (m *Map) Keys() ([]string, error) {
	v, err := m.Values()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// GoString returns a representation suitable for debugging.
func (m *Map) GoString() string {
	if m.doc == nil {
		return "&crdt.Map{}"
	}
	values, err := m.Values()
	if err != nil {
		return "&crdt.Map{<error>}"
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := "&crdt.Map{"
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		if i == 5 {
			s += "..."
			break
		}
		s += fmt.Sprintf("%#v: %s", k, shortValue(values[k]))
	}
	return s + "}"
}

// String returns a representation suitable for debugging.
func (m *Map) String() string { return m.GoString() }

func shortValue(v *Value) string {
	switch v.Kind() {
	case KindMap:
		return "&crdt.Map{...}"
	case KindList:
		return "&crdt.List{...}"
	}
	return fmt.Sprintf("%#v", v.val)
}
