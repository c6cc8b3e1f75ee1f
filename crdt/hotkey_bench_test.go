package crdt_test

import (
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// The benchmarks here reproduce the relay load generator's documents: 50
// actors each overwrite their own map key ("client7" = n) over and over, so
// every key carries a long history of overwritten sets. The cost of one
// more edit, local or remote, should not grow with that history.

// hotActors is how many actors share a document, as in scripts/benchrelay.
const hotActors = 50

// hotPool is how many edits a benchmark makes before it reloads its
// documents: a key's history grows by at most half the length the
// benchmark names (5 ops for short ones), and reloading, which costs in
// proportion to the length, stays a small part of the run.
func hotPool(overwrites int) int { return hotActors * max(5, overwrites/2) }

func hotActor(i int) string { return fmt.Sprintf("%032x", i+1) }

func hotKey(i int) string { return fmt.Sprintf("client%d", i) }

// hotDoc builds a document in which each of hotActors actors has
// overwritten its own key n times, round by round, and returns it saved.
func hotDoc(tb testing.TB, n int) []byte {
	tb.Helper()
	d := crdt.New()
	for r := range n {
		for a := range hotActors {
			hotEdit(tb, d, a, r)
		}
	}
	return d.Save()
}

// hotEdit has actor a set its key to v and commit.
func hotEdit(tb testing.TB, d *crdt.Doc, a, v int) {
	tb.Helper()
	if err := d.SetActorID(hotActor(a)); err != nil {
		tb.Fatal(err)
	}
	if err := d.RootMap().Set(hotKey(a), int64(v)); err != nil {
		tb.Fatal(err)
	}
	if _, err := d.Commit(""); err != nil {
		tb.Fatal(err)
	}
}

func mustLoad(tb testing.TB, b []byte) *crdt.Doc {
	tb.Helper()
	d, err := crdt.Load(b)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// hotRemote returns pool changes that continue the saved document: actor
// i%hotActors overwrites its key, one change after another.
func hotRemote(tb testing.TB, saved []byte, pool int) []*crdt.Change {
	tb.Helper()
	src := mustLoad(tb, saved)
	base := src.Heads()
	for i := range pool {
		hotEdit(tb, src, i%hotActors, -i)
	}
	chs, err := src.Changes(base...)
	if err != nil {
		tb.Fatal(err)
	}
	return chs
}

// syncPair exchanges messages between two sync states until neither has
// anything to send, and returns how many rounds it took.
func syncPair(tb testing.TB, a, b *crdt.SyncState) int {
	tb.Helper()
	for round := range 20 {
		ma, okA := a.GenerateMessage()
		if okA {
			if _, err := b.ReceiveMessage(ma.Bytes()); err != nil {
				tb.Fatal(err)
			}
		}
		mb, okB := b.GenerateMessage()
		if okB {
			if _, err := a.ReceiveMessage(mb.Bytes()); err != nil {
				tb.Fatal(err)
			}
		}
		if !okA && !okB {
			return round
		}
	}
	tb.Fatal("sync did not settle in 20 rounds")
	return 0
}

// hotLoop runs edit(i) for i = 0, 1, … as the benchmark's iterations,
// calling reset, untimed, before every pool-th one.
func hotLoop(b *testing.B, pool int, reset func(), edit func(i int)) {
	i := 0
	for b.Loop() {
		if i%pool == 0 {
			b.StopTimer()
			reset()
			b.StartTimer()
		}
		edit(i)
		i++
	}
}

// setCommit has d set key to v and commit.
func setCommit(b *testing.B, d *crdt.Doc, key string, v int) {
	if err := d.RootMap().Set(key, int64(v)); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Commit(""); err != nil {
		b.Fatal(err)
	}
}

// loadAs loads saved and writes as actor a.
func loadAs(b *testing.B, saved []byte, a int) *crdt.Doc {
	d := mustLoad(b, saved)
	if err := d.SetActorID(hotActor(a)); err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkOverwrittenKey times one edit to a document whose keys have
// each been overwritten overwrites times: applying a remote change,
// making a local Set and Commit, and a local edit followed by a full sync
// round with a peer.
func BenchmarkOverwrittenKey(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		saved := hotDoc(b, n)
		pool := hotPool(n)
		remote := hotRemote(b, saved, pool)
		b.Run(fmt.Sprintf("overwrites=%d/apply-remote", n), func(b *testing.B) {
			var d *crdt.Doc
			hotLoop(b, pool, func() { d = mustLoad(b, saved) }, func(i int) {
				if err := d.Apply(remote[i%pool]); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("overwrites=%d/set-commit", n), func(b *testing.B) {
			var d *crdt.Doc
			hotLoop(b, pool, func() { d = loadAs(b, saved, 0) }, func(i int) {
				setCommit(b, d, hotKey(i%hotActors), 1_000_000+i)
			})
		})
		b.Run(fmt.Sprintf("overwrites=%d/edit-sync-round", n), func(b *testing.B) {
			var sx, sy *crdt.SyncState
			reset := func() {
				sx, sy = crdt.NewSyncState(loadAs(b, saved, 0)), crdt.NewSyncState(mustLoad(b, saved))
				syncPair(b, sx, sy)
			}
			hotLoop(b, pool, reset, func(i int) {
				setCommit(b, sx.Doc, hotKey(0), 1_000_000+i)
				syncPair(b, sx, sy)
			})
		})
	}
}

// coldDoc builds a document like the load generator's cold fixture: 50
// changes, each setting one of 8 fields and appending to a list.
func coldDoc(tb testing.TB) *crdt.Doc {
	tb.Helper()
	d := crdt.New()
	for j := range 50 {
		if err := d.RootMap().Set(fmt.Sprintf("field%d", j%8), fmt.Sprintf("doc change %d", j)); err != nil {
			tb.Fatal(err)
		}
		if err := d.Path("log").List().Append(int64(j)); err != nil {
			tb.Fatal(err)
		}
		if _, err := d.Commit(fmt.Sprintf("change %d", j)); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// BenchmarkColdDoc times taking in a fresh 50-change document: applying
// its changes to a new document, loading them as incremental chunks, and
// loading the saved document.
func BenchmarkColdDoc(b *testing.B) {
	src := coldDoc(b)
	chs, err := src.Changes()
	if err != nil {
		b.Fatal(err)
	}
	incremental := crdt.SaveChanges(chs)
	saved := src.Save()
	b.Run("apply-changes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := crdt.New().Apply(chs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load-incremental", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := crdt.New().LoadIncremental(incremental); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := crdt.Load(saved); err != nil {
				b.Fatal(err)
			}
		}
	})
}
