package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func testLargeValues(t *testing.T, s store.Store) {
	sizes := []int{1 << 10, 100 << 10, 1 << 20, 6 << 20}
	for i, n := range sizes {
		mustPut(t, s, store.Key{"big", fmt.Sprint(i)}, randomBytes(uint64(i), n))
	}
	for i, n := range sizes {
		wantValue(t, s, store.Key{"big", fmt.Sprint(i)}, randomBytes(uint64(i), n))
	}
	entries, err := s.LoadRange(ctx(t), store.Key{"big"})
	if err != nil || len(entries) != len(sizes) {
		t.Fatalf("LoadRange(big) = %d entries, %v", len(entries), err)
	}
	for i, e := range entries {
		if !bytes.Equal(e.Value, randomBytes(uint64(i), sizes[i])) {
			t.Errorf("LoadRange value %d differs", i)
		}
	}
}

func testManyKeys(t *testing.T, s store.Store) {
	// Written by several goroutines at once, so a backend that syncs
	// each write can batch them.
	const n, writers = 3000, 16
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := w; i < n; i += writers {
				if err := s.Put(ctx(t), store.Key{"many", fmt.Sprintf("%05d", i)}, []byte(fmt.Sprint(i))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	mustPut(t, s, store.Key{"manyx"}, []byte("outside"))
	entries, err := s.LoadRange(ctx(t), store.Key{"many"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Fatalf("LoadRange = %d entries, want %d", len(entries), n)
	}
	for i, e := range entries {
		if !slices.Equal(e.Key, store.Key{"many", fmt.Sprintf("%05d", i)}) || string(e.Value) != fmt.Sprint(i) {
			t.Fatalf("entry %d = %q %q", i, e.Key, e.Value)
		}
	}
}

// testConcurrent runs writers, readers and deleters on shared keys; every
// value read must be one some writer wrote.
func testConcurrent(t *testing.T, s store.Store) {
	const workers, rounds, keys = 8, 60, 10
	value := func(w, r int) []byte { return fmt.Appendf(nil, "w%d-r%d", w, r) }
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				k := store.Key{"c", fmt.Sprint((w + r) % keys)}
				if err := s.Put(ctx(t), k, value(w, r)); err != nil {
					errs <- fmt.Errorf("Put: %w", err)
					return
				}
				v, err := s.Load(ctx(t), store.Key{"c", fmt.Sprint(r % keys)})
				if err != nil && !errorsIsNotFound(err) {
					errs <- fmt.Errorf("Load: %w", err)
					return
				}
				if err == nil && !bytes.HasPrefix(v, []byte("w")) {
					errs <- fmt.Errorf("Load returned %q", v)
					return
				}
				if r%7 == 0 {
					if err := s.Delete(ctx(t), store.Key{"c", fmt.Sprint((w * r) % keys)}); err != nil {
						errs <- fmt.Errorf("Delete: %w", err)
						return
					}
				}
				if _, err := s.LoadRange(ctx(t), store.Key{"c"}); err != nil {
					errs <- fmt.Errorf("LoadRange: %w", err)
					return
				}
			}
			// Each worker's own final key survives the others.
			if err := s.Put(ctx(t), store.Key{"own", fmt.Sprint(w)}, value(w, rounds)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range workers {
		wantValue(t, s, store.Key{"own", fmt.Sprint(w)}, value(w, rounds))
	}
}
