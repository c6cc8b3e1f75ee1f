package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func mustPut(t *testing.T, s store.Store, k store.Key, v []byte) {
	t.Helper()
	if err := s.Put(ctx(t), k, v); err != nil {
		t.Fatalf("Put(%v): %v", k, err)
	}
}

func mustLoad(t *testing.T, s store.Store, k store.Key) []byte {
	t.Helper()
	v, err := s.Load(ctx(t), k)
	if err != nil {
		t.Fatalf("Load(%v): %v", k, err)
	}
	return v
}

func wantValue(t *testing.T, s store.Store, k store.Key, want []byte) {
	t.Helper()
	if got := mustLoad(t, s, k); !bytes.Equal(got, want) {
		t.Fatalf("Load(%v) = %d bytes %.16x, want %d bytes %.16x", k, len(got), got, len(want), want)
	}
}

func wantMissing(t *testing.T, s store.Store, k store.Key) {
	t.Helper()
	if v, err := s.Load(ctx(t), k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Load(%v) = %q, %v; want ErrNotFound", k, v, err)
	}
}

func testLoadMissing(t *testing.T, s store.Store) {
	wantMissing(t, s, store.Key{"doc", "nothing"})
	mustPut(t, s, store.Key{"doc", "a", "b"}, []byte("x"))
	// Neither a prefix nor an extension of a stored key is stored.
	wantMissing(t, s, store.Key{"doc", "a"})
	wantMissing(t, s, store.Key{"doc", "a", "b", "c"})
	wantMissing(t, s, store.Key{"doc", "ab"})
}

func testPutLoad(t *testing.T, s store.Store) {
	k := store.Key{"doc", "2v3rkia9QeE2R9cBqPSwB1RjJmDw", "snapshot", "ab12"}
	mustPut(t, s, k, []byte("automerge bytes"))
	wantValue(t, s, k, []byte("automerge bytes"))
}

func testOverwrite(t *testing.T, s store.Store) {
	k := store.Key{"k"}
	mustPut(t, s, k, []byte("first value, longer"))
	mustPut(t, s, k, []byte("second"))
	wantValue(t, s, k, []byte("second"))
	got, err := s.LoadRange(ctx(t), k)
	if err != nil || len(got) != 1 {
		t.Fatalf("LoadRange after overwrite = %v, %v; want one entry", got, err)
	}
}

func testDelete(t *testing.T, s store.Store) {
	k, other := store.Key{"a", "1"}, store.Key{"a", "2"}
	mustPut(t, s, k, []byte("v"))
	mustPut(t, s, other, []byte("w"))
	if err := s.Delete(ctx(t), k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMissing(t, s, k)
	wantValue(t, s, other, []byte("w"))
	if err := s.Delete(ctx(t), k); err != nil {
		t.Fatalf("Delete of a deleted key: %v", err)
	}
	if err := s.Delete(ctx(t), store.Key{"never", "stored"}); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	mustPut(t, s, k, []byte("again"))
	wantValue(t, s, k, []byte("again"))
}

func testEmptyValue(t *testing.T, s store.Store) {
	k := store.Key{"empty"}
	mustPut(t, s, k, nil)
	if got := mustLoad(t, s, k); len(got) != 0 {
		t.Fatalf("Load of empty value = %q", got)
	}
	mustPut(t, s, k, []byte{})
	if got := mustLoad(t, s, k); len(got) != 0 {
		t.Fatalf("Load of empty value = %q", got)
	}
}

// testValuesAreCopied: neither the caller's slice after Put nor a loaded
// slice aliases what is stored.
func testValuesAreCopied(t *testing.T, s store.Store) {
	k := store.Key{"copy"}
	v := []byte("original")
	mustPut(t, s, k, v)
	copy(v, "XXXXXXXX")
	got := mustLoad(t, s, k)
	if string(got) != "original" {
		t.Fatalf("stored value changed with the caller's slice: %q", got)
	}
	copy(got, "YYYYYYYY")
	wantValue(t, s, k, []byte("original"))
	entries, err := s.LoadRange(ctx(t), k)
	if err != nil || len(entries) != 1 {
		t.Fatalf("LoadRange: %v, %v", entries, err)
	}
	copy(entries[0].Value, "ZZZZZZZZ")
	entries[0].Key[0] = "changed"
	wantValue(t, s, k, []byte("original"))
}

func testInvalidKeys(t *testing.T, s store.Store) {
	bad := []store.Key{nil, {}, {""}, {"doc", ""}, {"a\x00b"}}
	for _, k := range bad {
		if err := s.Put(ctx(t), k, []byte("v")); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, err := s.Load(ctx(t), k); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Load(%q) = %v, want ErrInvalidKey", k, err)
		}
		if err := s.Delete(ctx(t), k); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	for _, p := range []store.Key{{""}, {"a", ""}, {"\x00"}} {
		if _, err := s.LoadRange(ctx(t), p); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("LoadRange(%q) = %v, want ErrInvalidKey", p, err)
		}
	}
}
