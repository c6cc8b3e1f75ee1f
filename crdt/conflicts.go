package crdt

import "fmt"

// Conflicts returns every value concurrently written to key and not yet
// overwritten, ordered by op ID: the last one is the value [Map.Get]
// returns. A key with no value gives an empty slice; more than one value
// means concurrent writers disagreed.
func (m *Map) Conflicts(key string) ([]*Value, error) {
	if m.doc == nil {
		return nil, fmt.Errorf("crdt.Map: tried to read detached map")
	}
	if m.path != nil {
		v, err := m.path.Get()
		if err != nil || v.Kind() != KindMap {
			return nil, err
		}
		return v.Map().Conflicts(key)
	}
	m.doc.mu.Lock()
	defer m.doc.mu.Unlock()
	obj, err := m.doc.object(m.obj, false)
	if err != nil {
		return nil, err
	}
	ops := obj.props[key]
	out := []*Value{}
	for _, o := range ops {
		if visibleAt(o, ops, m.at) {
			out = append(out, m.doc.valueAt(o, m.at, ops...))
		}
	}
	return out, nil
}

// Conflicts returns every value concurrently written to the element at
// idx and not yet overwritten, ordered by op ID: the last one is the value
// [List.Get] returns. An index out of range gives an empty slice.
func (l *List) Conflicts(idx int) ([]*Value, error) {
	if l.doc == nil {
		return nil, fmt.Errorf("crdt.List: tried to read detached list")
	}
	if l.path != nil {
		v, err := l.path.Get()
		if err != nil || v.Kind() != KindList {
			return nil, err
		}
		return v.List().Conflicts(idx)
	}
	l.doc.mu.Lock()
	defer l.doc.mu.Unlock()
	obj, err := l.doc.object(l.obj, true)
	if err != nil {
		return nil, err
	}
	var e *op
	if l.at == nil {
		e, _ = obj.elemAt(idx)
	} else if elems := obj.visibleElems(l.at); idx >= 0 && idx < len(elems) {
		e = elems[idx]
	}
	out := []*Value{}
	if e == nil {
		return out, nil
	}
	ops := elemOps(e)
	for _, o := range ops {
		if visibleAt(o, ops, l.at) {
			out = append(out, l.doc.valueAt(o, l.at, ops...))
		}
	}
	return out, nil
}
