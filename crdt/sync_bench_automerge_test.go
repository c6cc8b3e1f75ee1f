//go:build cgo && !js && !wasip1

package crdt

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// benchHistories builds, once, the saved documents the sync benchmarks
// start from: a 10,000-change history, and two forks of it with 100 more
// changes each. automerge-go writes them so both engines load the same
// bytes.
var benchHistories = sync.OnceValues(func() ([3][]byte, error) {
	rng := rand.New(rand.NewPCG(42, 42))
	base := automerge.New()
	if err := amRandomEdits(rng, base, 10_000); err != nil {
		return [3][]byte{}, err
	}
	var out [3][]byte
	out[0] = base.Save()
	for i := 1; i <= 2; i++ {
		f, err := base.Fork()
		if err != nil {
			return out, err
		}
		if err := amRandomEdits(rng, f, 100); err != nil {
			return out, err
		}
		out[i] = f.Save()
	}
	return out, nil
})

func amRandomEdits(rng *rand.Rand, d *automerge.Doc, n int) error {
	for range n {
		if err := d.RootMap().Set(fmt.Sprintf("k%d", rng.IntN(50)), rng.Int64()); err != nil {
			return err
		}
		if _, err := d.Commit(""); err != nil {
			return err
		}
	}
	return nil
}

// benchSync syncs pairs of peers b.N times, once with crdt on both sides
// and once with automerge-go on both sides, from the saved documents a and
// b (nil: an empty document), and reports both engines' time, bytes and
// rounds and crdt's ratios to automerge-go.
func benchSync(b *testing.B, a, c []byte) {
	loadCrdt := func(raw []byte) *Doc {
		if raw == nil {
			return New()
		}
		d, err := Load(raw)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	loadAM := func(raw []byte) *automerge.Doc {
		if raw == nil {
			return automerge.New()
		}
		d, err := automerge.Load(raw)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	net := synctest.Network{MaxRounds: 20}
	var crdtTime, amTime time.Duration
	var crdtStats, amStats synctest.Stats
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		x, y := loadCrdt(a), loadCrdt(c)
		b.StartTimer()
		start := time.Now()
		crdtStats = synctest.Run(b, newCrdtPeer(x), newCrdtPeer(y), nil, net)
		crdtTime += time.Since(start)

		b.StopTimer()
		p, q := loadAM(a), loadAM(c)
		b.StartTimer()
		start = time.Now()
		amStats = synctest.Run(b, newAMPeer(p), newAMPeer(q), nil, net)
		amTime += time.Since(start)
		b.StopTimer()
		if !synctest.EqualHeads(synctest.Heads(x.Heads()), synctest.Heads(p.Heads())) {
			b.Fatal("engines reached different heads")
		}
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(crdtTime.Microseconds())/n/1000, "crdt-ms/op")
	b.ReportMetric(float64(amTime.Microseconds())/n/1000, "amgo-ms/op")
	b.ReportMetric(float64(crdtTime)/float64(amTime), "time-ratio")
	b.ReportMetric(float64(crdtStats.Bytes), "crdt-bytes")
	b.ReportMetric(float64(amStats.Bytes), "amgo-bytes")
	b.ReportMetric(float64(crdtStats.Bytes)/float64(amStats.Bytes), "bytes-ratio")
	b.ReportMetric(float64(crdtStats.Rounds), "crdt-rounds")
	b.ReportMetric(float64(amStats.Rounds), "amgo-rounds")
	b.Logf("crdt %v in %v; automerge-go %v in %v", crdtStats, crdtTime/time.Duration(b.N), amStats, amTime/time.Duration(b.N))
}

// BenchmarkSyncToEmptyPeer: a 10,000-change document synced to a peer
// that has nothing.
func BenchmarkSyncToEmptyPeer(b *testing.B) {
	h, err := benchHistories()
	if err != nil {
		b.Fatal(err)
	}
	benchSync(b, h[0], nil)
}

// BenchmarkSyncDivergent: 100 changes on each side of a shared
// 10,000-change history.
func BenchmarkSyncDivergent(b *testing.B) {
	h, err := benchHistories()
	if err != nil {
		b.Fatal(err)
	}
	benchSync(b, h[1], h[2])
}
