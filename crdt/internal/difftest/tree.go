package difftest

import (
	"fmt"
)

// Tree reads the document from its root.
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Tree() (*Node, error) {
	return a.node(a.d.Root(), 0)
}

const maxDepth = 64

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) node(v V, depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("document deeper than %d", maxDepth)
	}
	kind, ok := a.api.Kinds[v.Kind()]
	if !ok {
		return nil, fmt.Errorf("%s: unexpected value kind %v", a.api.Name, v.Kind())
	}
	n := &Node{Kind: kind}
	var err error
	switch kind {
	case KindNull:
	case KindBool:
		n.Bool = v.Bool()
	case KindInt:
		n.Int = v.Int64()
	case KindUint:
		n.Uint = v.Uint64()
	case KindFloat:
		n.Float = v.Float64()
	case KindStr:
		n.Str = v.Str()
	case KindBytes:
		n.Bytes = append([]byte{}, v.Bytes()...)
	case KindTime:
		n.Int = v.Time().UnixMilli()
	case KindCounter:
		n.Int, err = v.Counter().Get()
	case KindText:
		n.Str, err = v.Text().Get()
	case KindMap:
		n.Map, err = a.mapNode(v.Map(), depth)
	case KindList:
		n.List, err = a.listNode(v.List(), depth)
	}
	if err != nil {
		return nil, fmt.Errorf("read %v: %w", kind, err)
	}
	return n, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) mapNode(m M, depth int) (map[string]*Node, error) {
	keys, err := m.Keys()
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Node, len(keys))
	for _, k := range keys {
		v, err := m.Get(k)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		if out[k], err = a.node(v, depth+1); err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
	}
	return out, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) listNode(l L, depth int) ([]*Node, error) {
	n := l.Len()
	out := make([]*Node, n)
	for i := range n {
		v, err := l.Get(i)
		if err != nil {
			return nil, fmt.Errorf("index %d: %w", i, err)
		}
		if out[i], err = a.node(v, depth+1); err != nil {
			return nil, fmt.Errorf("index %d: %w", i, err)
		}
	}
	return out, nil
}
