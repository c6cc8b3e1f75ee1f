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
	out := []*Value{}
	err := m.withObject(func(obj *object) {
		if k := obj.props[key]; k != nil {
			out = m.doc.allValues(k, m.at)
		}
	})
	return out, err
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
	return l.doc.allValues(elemOps(e), l.at), nil
}

// allValues returns the values of the ops at k visible at c, in op-ID
// order.
func (d *Doc) allValues(k *keyOps, c *clock) []*Value {
	out := []*Value{}
	for _, o := range k.visibleAt(c) {
		out = append(out, d.valueAt(o, c, k.all...))
	}
	return out
}
