package difftest

import (
	"fmt"
	"sort"
	"time"
)

// Edit finds the op's target object and applies the op to it.
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Edit(op Op) error {
	v := a.d.Root()
	for _, step := range op.Path {
		var err error
		switch s := step.(type) {
		case string:
			v, err = a.expect(v, KindMap).Map().Get(s)
		case int:
			v, err = a.expect(v, KindList).List().Get(s)
		default:
			err = fmt.Errorf("bad path element %v", step)
		}
		if err != nil {
			return fmt.Errorf("path %v: %w", op.Path, err)
		}
	}
	switch op.Kind {
	case MapSet, MapDelete, MapInc:
		return a.editMap(a.expect(v, KindMap).Map(), op)
	case ListInsert, ListSet, ListDelete, ListInc:
		return a.editList(a.expect(v, KindList).List(), op)
	case TextSplice:
		return a.expect(v, KindText).Text().Splice(op.Index, op.Del, op.Text)
	}
	return fmt.Errorf("unknown op kind %d", op.Kind)
}

// expect panics (the engine's own accessors panic too) when v is not of
// kind k; the runner turns the panic into a reported difference.
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) expect(v V, k Kind) V {
	if got := a.api.Kinds[v.Kind()]; got != k {
		panic(fmt.Sprintf("%s: expected %v, found %v", a.api.Name, k, got))
	}
	return v
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) editMap(m M, op Op) error {
	switch op.Kind {
	case MapSet:
		val, fill := a.value(op.Value)
		if err := m.Set(op.Key, val); err != nil {
			return err
		}
		return fill()
	case MapDelete:
		return m.Delete(op.Key)
	default: // MapInc
		v, err := m.Get(op.Key)
		if err != nil {
			return err
		}
		return a.expect(v, KindCounter).Counter().Inc(op.Delta)
	}
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) editList(l L, op Op) error {
	switch op.Kind {
	case ListInsert, ListSet:
		val, fill := a.value(op.Value)
		var err error
		if op.Kind == ListInsert {
			err = l.Insert(op.Index, val)
		} else {
			err = l.Set(op.Index, val)
		}
		if err != nil {
			return err
		}
		return fill()
	case ListDelete:
		return l.Delete(op.Index)
	default: // ListInc
		v, err := l.Get(op.Index)
		if err != nil {
			return err
		}
		return a.expect(v, KindCounter).Counter().Inc(op.Delta)
	}
}

func noFill() error { return nil }

// value turns n into what the engine's Set and Insert take. Objects are
// written empty; fill then writes their contents, in a fixed order so both
// engines make the same ops.
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) value(n *Node) (any, func() error) {
	switch n.Kind {
	case KindNull:
		return nil, noFill
	case KindBool:
		return n.Bool, noFill
	case KindInt:
		return n.Int, noFill
	case KindUint:
		return n.Uint, noFill
	case KindFloat:
		return n.Float, noFill
	case KindStr:
		return n.Str, noFill
	case KindBytes:
		return n.Bytes, noFill
	case KindTime:
		return time.UnixMilli(n.Int), noFill
	case KindCounter:
		return a.api.NewCounter(n.Int), noFill
	case KindText:
		return a.api.NewText(n.Str), noFill
	case KindMap:
		m := a.api.NewMap()
		return m, func() error {
			keys := make([]string, 0, len(n.Map))
			for k := range n.Map {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if err := a.editMap(m, Op{Kind: MapSet, Key: k, Value: n.Map[k]}); err != nil {
					return err
				}
			}
			return nil
		}
	case KindList:
		l := a.api.NewList()
		return l, func() error {
			for i, c := range n.List {
				if err := a.editList(l, Op{Kind: ListInsert, Index: i, Value: c}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return nil, func() error { return fmt.Errorf("cannot write a %v", n.Kind) }
}
