package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

// onlyBasic hides a store's Batcher, so store.Write takes its one-op-at-a-
// time path.
type onlyBasic struct{ store.Store }

// testWrite runs store.Write both ways: through the store's own Batch when
// it has one, and op by op.
func testWrite(t *testing.T, s store.Store) {
	for _, tc := range []struct {
		name string
		s    store.Store
	}{{"native", s}, {"op by op", onlyBasic{s}}} {
		t.Run(tc.name, func(t *testing.T) {
			p := store.Key{"batch", tc.name}
			k := func(n string) store.Key { return append(append(store.Key{}, p...), n) }
			mustPut(t, tc.s, k("old"), []byte("x"))
			ops := []store.Op{
				{Key: k("a"), Value: []byte("1")},
				{Key: k("old"), Delete: true},
				{Key: k("b"), Value: []byte("2")},
				{Key: k("b"), Delete: true}, // order counts: b ends deleted
				{Key: k("c"), Delete: true},
				{Key: k("c"), Value: []byte("3")}, // and c ends present
				{Key: k("missing"), Delete: true},
			}
			if err := store.Write(ctx(t), tc.s, ops); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := tc.s.LoadRange(ctx(t), p)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"a": "1", "c": "3"}
			if len(got) != len(want) {
				t.Fatalf("after the batch: %d entries, want %d: %v", len(got), len(want), got)
			}
			for _, e := range got {
				if want[e.Key[len(e.Key)-1]] != string(e.Value) {
					t.Errorf("%v = %q, want %q", e.Key, e.Value, want[e.Key[len(e.Key)-1]])
				}
			}
			if err := store.Write(ctx(t), tc.s, nil); err != nil {
				t.Errorf("empty Write: %v", err)
			}
		})
	}
}

// testBatchChecksKeysFirst: a Batcher refuses a batch with a bad key
// before writing any of it.
func testBatchChecksKeysFirst(t *testing.T, s store.Store) {
	b, ok := s.(store.Batcher)
	if !ok {
		t.Skip("not a Batcher")
	}
	good := store.Key{"batch", "good"}
	err := b.Batch(ctx(t), []store.Op{{Key: good, Value: []byte("v")}, {Key: store.Key{"bad", ""}, Value: []byte("v")}})
	if err == nil {
		t.Fatal("Batch with an empty key component succeeded")
	}
	if _, err := s.Load(ctx(t), good); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the good op of a refused batch was written (Load: %v)", err)
	}
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	if err := b.Batch(c, []store.Op{{Key: good, Value: []byte("v")}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Batch on a canceled context: %v, want context.Canceled", err)
	}
}

// testBatchReopen: what a batch wrote is there after the store is opened
// again.
func testBatchReopen(t *testing.T, reopen func() store.Store) {
	s := reopen()
	ops := []store.Op{{Key: store.Key{"r", "a"}, Value: []byte("1")}, {Key: store.Key{"r", "b"}, Value: []byte("2")}, {Key: store.Key{"r", "a"}, Delete: true}}
	if err := store.Write(ctx(t), s, ops); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = reopen()
	defer s.Close()
	got, err := s.LoadRange(ctx(t), store.Key{"r"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Value) != "2" {
		t.Errorf("after reopen: %v, want only r/b = 2", got)
	}
}
