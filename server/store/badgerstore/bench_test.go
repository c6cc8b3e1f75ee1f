package badgerstore

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

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

// BenchmarkHeapAfterFill reports the Go heap in use right after filling a
// store with n 1 KB values (compaction then holds table-building buffers)
// and again after twenty quiet seconds: with Badger's caches bounded the
// settled figure should not grow with n.
func BenchmarkHeapAfterFill(b *testing.B) {
	heapMiB := func() float64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20)
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				s := openTest(b, b.TempDir(), Options{NoSync: true})
				v := make([]byte, 1000)
				for i := range n {
					if err := s.Put(b.Context(), store.Key{"doc", fmt.Sprint(i), "incremental", "x"}, v); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(heapMiB(), "heap-MiB")
				time.Sleep(20 * time.Second) // compaction of a 100 MB load finishes well within this
				b.ReportMetric(heapMiB(), "settled-heap-MiB")
				s.Close()
			}
		})
	}
}
