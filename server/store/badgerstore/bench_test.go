package badgerstore

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func benchPut(b *testing.B, o Options, size int) {
	s := openTest(b, b.TempDir(), o)
	v := make([]byte, size)
	var n atomic.Int64
	b.SetBytes(int64(size))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Put(b.Context(), store.Key{"doc", fmt.Sprint(n.Add(1))}, v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPut measures synced Puts; run with -cpu 1,16 to see Badger's
// group commit share fsyncs between concurrent writers.
func BenchmarkPut(b *testing.B) {
	for _, size := range []int{100, 64 << 10} {
		b.Run(fmt.Sprintf("sync/%dB", size), func(b *testing.B) { benchPut(b, Options{}, size) })
		b.Run(fmt.Sprintf("nosync/%dB", size), func(b *testing.B) { benchPut(b, Options{NoSync: true}, size) })
	}
}

func BenchmarkLoadRange(b *testing.B) {
	s := openTest(b, b.TempDir(), Options{NoSync: true})
	for i := range 1000 {
		for j := range 10 {
			if err := s.Put(b.Context(), store.Key{"doc", fmt.Sprint(i), "incremental", fmt.Sprint(j)}, make([]byte, 200)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		entries, err := s.LoadRange(b.Context(), store.Key{"doc", fmt.Sprint(i % 1000)})
		if err != nil || len(entries) != 10 {
			b.Fatalf("%d entries, %v", len(entries), err)
		}
	}
}
