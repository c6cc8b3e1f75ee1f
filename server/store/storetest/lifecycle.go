package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// calls exercises every method but Close once, returning their errors.
func calls(ctx context.Context, s store.Store) map[string]error {
	k := store.Key{"life", "k"}
	_, load := s.Load(ctx, k)
	_, rng := s.LoadRange(ctx, store.Key{"life"})
	return map[string]error{
		"Put":       s.Put(ctx, k, []byte("v")),
		"Load":      load,
		"LoadRange": rng,
		"Delete":    s.Delete(ctx, k),
	}
}

func testClosed(t *testing.T, s store.Store) {
	mustPut(t, s, store.Key{"life", "k"}, []byte("v"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for name, err := range calls(ctx(t), s) {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func testCanceled(t *testing.T, s store.Store) {
	mustPut(t, s, store.Key{"life", "k"}, []byte("before"))
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	for name, err := range calls(c, s) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", name, err)
		}
	}
	// A canceled Put or Delete did not happen.
	wantValue(t, s, store.Key{"life", "k"}, []byte("before"))
}

func testReopen(t *testing.T, reopen func() store.Store) {
	s := reopen()
	mustPut(t, s, store.Key{"keep", "1"}, []byte("one"))
	mustPut(t, s, store.Key{"keep", "2"}, []byte("two"))
	mustPut(t, s, store.Key{"gone"}, []byte("x"))
	mustPut(t, s, store.Key{"big"}, randomBytes(7, 3<<20))
	if err := s.Delete(ctx(t), store.Key{"gone"}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, store.Key{"keep", "1"}, []byte("one, again"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = reopen()
	defer s.Close()
	wantValue(t, s, store.Key{"keep", "1"}, []byte("one, again"))
	wantValue(t, s, store.Key{"keep", "2"}, []byte("two"))
	wantValue(t, s, store.Key{"big"}, randomBytes(7, 3<<20))
	wantMissing(t, s, store.Key{"gone"})
	entries, err := s.LoadRange(ctx(t), nil)
	if err != nil || len(entries) != 3 {
		t.Fatalf("LoadRange after reopen = %d entries, %v", len(entries), err)
	}
}
