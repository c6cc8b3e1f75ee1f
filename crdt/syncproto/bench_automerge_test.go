//go:build cgo && !js && !wasip1

package syncproto

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt/syncproto/synctest"
)

// BenchmarkChangeGraphSyncDivergent measures the protocol alone, as a
// relay holding only change chunks runs it: 100 changes on each side of a
// shared 10,000-change history, ChangeGraph on both sides against
// automerge-go on both sides.
func BenchmarkChangeGraphSyncDivergent(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	base := automerge.New()
	amHistory(b, rng, base, 10_000)
	mine, _ := base.Fork()
	peer, _ := base.Fork()
	amHistory(b, rng, mine, 100)
	amHistory(b, rng, peer, 100)
	mineRaw, peerRaw := mine.Save(), peer.Save()
	mineChanges := concatChanges(graphOf(b, mine), graphOf(b, mine).HashesSince(nil))
	peerChanges := concatChanges(graphOf(b, peer), graphOf(b, peer).HashesSince(nil))

	net := synctest.Network{MaxRounds: 20}
	var ours, theirs time.Duration
	var ourStats, theirStats synctest.Stats
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		x, y := NewChangeGraph(), NewChangeGraph()
		if err := x.Apply(mineChanges); err != nil {
			b.Fatal(err)
		}
		if err := y.Apply(peerChanges); err != nil {
			b.Fatal(err)
		}
		p, _ := automerge.Load(mineRaw)
		q, _ := automerge.Load(peerRaw)
		b.StartTimer()
		start := time.Now()
		ourStats = synctest.Run(b, newProtoPeer(x), newProtoPeer(y), nil, net)
		ours += time.Since(start)
		start = time.Now()
		theirStats = synctest.Run(b, newAMPeer(b, p), newAMPeer(b, q), nil, net)
		theirs += time.Since(start)
	}
	b.ReportMetric(float64(ours.Microseconds())/float64(b.N)/1000, "graph-ms/op")
	b.ReportMetric(float64(theirs.Microseconds())/float64(b.N)/1000, "amgo-ms/op")
	b.ReportMetric(float64(ours)/float64(theirs), "time-ratio")
	b.ReportMetric(float64(ourStats.Bytes)/float64(theirStats.Bytes), "bytes-ratio")
	b.Logf("ChangeGraph %v; automerge-go %v", ourStats, theirStats)
}
