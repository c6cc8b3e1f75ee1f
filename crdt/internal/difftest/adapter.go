package difftest

import (
	"fmt"
	"sort"
	"time"
)

// The interfaces below are automerge-go's public API, as far as the tests
// use it. Package crdt has the same API, so one generic adapter serves
// both engines and the code that drives them cannot drift apart.

type docAPI[D, V, H, Ch, CO any] interface {
	Root() V
	Commit(msg string, opts ...CO) (H, error)
	Heads() []H
	Save() []byte
	SaveIncremental() []byte
	LoadIncremental(raw []byte) error
	Fork(asOf ...H) (D, error)
	Merge(other D) ([]H, error)
	Changes(since ...H) ([]Ch, error)
	Change(h H) (Ch, error)
	Apply(chs ...Ch) error
	ActorID() string
	SetActorID(id string) error
}

type valueAPI[M, L, T, C, K any] interface {
	Kind() K
	Map() M
	List() L
	Text() T
	Counter() C
	Bool() bool
	Str() string
	Bytes() []byte
	Float64() float64
	Int64() int64
	Uint64() uint64
	Time() time.Time
}

type mapAPI[V any] interface {
	Keys() ([]string, error)
	Get(key string) (V, error)
	Set(key string, value any) error
	Delete(key string) error
}

type listAPI[V any] interface {
	Len() int
	Get(i int) (V, error)
	Insert(i int, values ...any) error
	Set(i int, value any) error
	Delete(i int) error
}

type textAPI interface {
	Get() (string, error)
	Splice(pos, del int, s string) error
}

type counterAPI interface {
	Get() (int64, error)
	Inc(delta int64) error
}

type changeAPI[H any] interface {
	Hash() H
	Save() []byte
	Dependencies() []H
	ActorID() string
	ActorSeq() uint64
}

// API names one engine's package-level functions; its type parameters are
// the package's *Doc, *Value, *Map, *List, *Text, *Counter, Kind,
// ChangeHash, *Change and CommitOptions.
type API[D docAPI[D, V, H, Ch, CO], V valueAPI[M, L, T, C, K], M mapAPI[V], L listAPI[V], T textAPI, C counterAPI, K comparable, H ~[32]byte, Ch changeAPI[H], CO any] struct {
	Name        string
	New         func() D
	Load        func([]byte) (D, error)
	LoadChanges func([]byte) ([]Ch, error)
	SaveChanges func([]Ch) []byte
	NewMap      func() M
	NewList     func() L
	NewText     func(string) T
	NewCounter  func(int64) C
	// CommitAt gives the options that commit with timestamp at, allowing
	// an empty change when allowEmpty.
	CommitAt func(at time.Time, allowEmpty bool) CO
	// Kinds maps the package's value kinds to this package's.
	Kinds map[K]Kind
}

// Engine wraps the API as an Engine.
func (a *API[D, V, M, L, T, C, K, H, Ch, CO]) Engine() Engine {
	return engine[D, V, M, L, T, C, K, H, Ch, CO]{a}
}

type engine[D docAPI[D, V, H, Ch, CO], V valueAPI[M, L, T, C, K], M mapAPI[V], L listAPI[V], T textAPI, C counterAPI, K comparable, H ~[32]byte, Ch changeAPI[H], CO any] struct {
	api *API[D, V, M, L, T, C, K, H, Ch, CO]
}

type adoc[D docAPI[D, V, H, Ch, CO], V valueAPI[M, L, T, C, K], M mapAPI[V], L listAPI[V], T textAPI, C counterAPI, K comparable, H ~[32]byte, Ch changeAPI[H], CO any] struct {
	api *API[D, V, M, L, T, C, K, H, Ch, CO]
	d   D
}

type achange[H ~[32]byte, Ch changeAPI[H]] struct{ c Ch }

func (c achange[H, Ch]) Hash() Hash    { return Hash(c.c.Hash()) }
func (c achange[H, Ch]) Save() []byte  { return c.c.Save() }
func (c achange[H, Ch]) Deps() []Hash  { return hashes(c.c.Dependencies()) }
func (c achange[H, Ch]) Actor() string { return c.c.ActorID() }
func (c achange[H, Ch]) Seq() uint64   { return c.c.ActorSeq() }
func (c achange[H, Ch]) String() string {
	return fmt.Sprintf("change %s (%s/%d)", c.Hash(), c.Actor(), c.Seq())
}

func hashes[H ~[32]byte](hs []H) []Hash {
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = Hash(h)
	}
	return out
}

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) Name() string { return e.api.Name }

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) wrap(d D) Doc {
	return &adoc[D, V, M, L, T, C, K, H, Ch, CO]{api: e.api, d: d}
}

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) New(actor string) (Doc, error) {
	d := e.api.New()
	if err := d.SetActorID(actor); err != nil {
		return nil, fmt.Errorf("%s: set actor %q: %w", e.api.Name, actor, err)
	}
	return e.wrap(d), nil
}

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) Load(data []byte) (Doc, error) {
	d, err := e.api.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: load: %w", e.api.Name, err)
	}
	return e.wrap(d), nil
}

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) LoadChanges(data []byte) ([]Change, error) {
	cs, err := e.api.LoadChanges(data)
	if err != nil {
		return nil, fmt.Errorf("%s: load changes: %w", e.api.Name, err)
	}
	out := make([]Change, len(cs))
	for i, c := range cs {
		out[i] = achange[H, Ch]{c}
	}
	return out, nil
}

func (e engine[D, V, M, L, T, C, K, H, Ch, CO]) SaveChanges(cs []Change) ([]byte, error) {
	own, err := unwrapChanges[H, Ch](cs)
	if err != nil {
		return nil, err
	}
	return e.api.SaveChanges(own), nil
}

func unwrapChanges[H ~[32]byte, Ch changeAPI[H]](cs []Change) ([]Ch, error) {
	own := make([]Ch, len(cs))
	for i, c := range cs {
		ac, ok := c.(achange[H, Ch])
		if !ok {
			return nil, fmt.Errorf("change %d: %w", i, ErrOtherEngine)
		}
		own[i] = ac.c
	}
	return own, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) ActorID() string { return a.d.ActorID() }

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) SetActorID(actor string) error {
	return a.d.SetActorID(actor)
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Commit(msg string, at time.Time, allowEmpty bool) (Hash, error) {
	h, err := a.d.Commit(msg, a.api.CommitAt(at, allowEmpty))
	return Hash(h), err
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Heads() []Hash { return hashes(a.d.Heads()) }
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Save() []byte  { return a.d.Save() }
func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) SaveIncremental() []byte {
	return a.d.SaveIncremental()
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) LoadIncremental(data []byte) error {
	return a.d.LoadIncremental(data)
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Fork(asOf []Hash) (Doc, error) {
	hs := make([]H, len(asOf))
	for i, h := range asOf {
		hs[i] = H(h)
	}
	d, err := a.d.Fork(hs...)
	if err != nil {
		return nil, err
	}
	return &adoc[D, V, M, L, T, C, K, H, Ch, CO]{api: a.api, d: d}, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Merge(other Doc) error {
	o, ok := other.(*adoc[D, V, M, L, T, C, K, H, Ch, CO])
	if !ok {
		return ErrOtherEngine
	}
	_, err := a.d.Merge(o.d)
	return err
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Changes(since []Hash) ([]Change, error) {
	hs := make([]H, len(since))
	for i, h := range since {
		hs[i] = H(h)
	}
	cs, err := a.d.Changes(hs...)
	if err != nil {
		return nil, err
	}
	out := make([]Change, len(cs))
	for i, c := range cs {
		out[i] = achange[H, Ch]{c}
	}
	return out, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Change(h Hash) (Change, error) {
	c, err := a.d.Change(H(h))
	if err != nil {
		return nil, err
	}
	return achange[H, Ch]{c}, nil
}

func (a *adoc[D, V, M, L, T, C, K, H, Ch, CO]) Apply(cs ...Change) error {
	own, err := unwrapChanges[H, Ch](cs)
	if err != nil {
		return err
	}
	return a.d.Apply(own...)
}

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
