package difftest

import (
	"fmt"
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
