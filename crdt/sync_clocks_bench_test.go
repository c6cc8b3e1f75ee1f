package crdt

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// clockBenchHistory is a 10,000-change document written by five actors
// that edit concurrently and merge each other now and then, then 100 more
// changes by the first; behind[n] are its heads n changes before the end.
type clockBenchHistory struct {
	saved  []byte
	behind map[int][]ChangeHash
	peer   []ChangeHash // another actor's heads: concurrent, partly behind
}

var clockBench = sync.OnceValues(func() (clockBenchHistory, error) {
	rng := rand.New(rand.NewPCG(3, 5))
	peers := make([]*Doc, 5)
	for i := range peers {
		peers[i] = New()
		if err := peers[i].SetActorID(fmt.Sprintf("%02x", i+1)); err != nil {
			return clockBenchHistory{}, err
		}
	}
	edit := func(d *Doc) error {
		if err := d.RootMap().Set(fmt.Sprintf("k%d", rng.IntN(50)), rng.Int64()); err != nil {
			return err
		}
		_, err := d.Commit("")
		return err
	}
	const total, tail = 10_000, 100
	for n := 0; n < total-tail; n++ {
		d := peers[rng.IntN(len(peers))]
		if err := edit(d); err != nil {
			return clockBenchHistory{}, err
		}
		if rng.IntN(4) == 0 {
			if _, err := d.Merge(peers[rng.IntN(len(peers))]); err != nil {
				return clockBenchHistory{}, err
			}
		}
	}
	h := clockBenchHistory{behind: map[int][]ChangeHash{}, peer: peers[1].Heads()}
	d := peers[0]
	for _, p := range peers[1:] {
		if _, err := d.Merge(p); err != nil {
			return h, err
		}
	}
	for n := tail; n > 0; n-- {
		h.behind[n] = d.Heads()
		if err := edit(d); err != nil {
			return h, err
		}
	}
	h.saved = d.Save()
	return h, nil
})

func loadClockBench(b *testing.B) (*Doc, clockBenchHistory) {
	h, err := clockBench()
	if err != nil {
		b.Fatal(err)
	}
	d, err := Load(h.saved)
	if err != nil {
		b.Fatal(err)
	}
	return d, h
}

// BenchmarkHashesSince measures one HashesSince call on a 10,000-change,
// five-actor document, as the sync protocol makes it for every message
// (bloom filter, changes to send), by walking the whole history (the old
// way) and with the clocks.
func BenchmarkHashesSince(b *testing.B) {
	d, h := loadClockBench(b)
	if n := len(d.changes); n != 10_000 {
		b.Fatalf("history has %d changes", n)
	}
	cases := []struct {
		name  string
		since []ChangeHash
	}{
		{"behind1", h.behind[1]},
		{"behind100", h.behind[100]},
		{"peerHeads", h.peer},
	}
	g := docGraph{d}
	b.Run("index", func(b *testing.B) {
		// Indexing the whole history, once per document (later calls
		// index only the changes added since).
		for b.Loop() {
			var k seqClocks
			if !k.index(d) {
				b.Fatal("clocks are off")
			}
		}
	})
	for _, c := range cases {
		since := toFormatHashes(c.since)
		b.Run(c.name+"/walk", func(b *testing.B) {
			for b.Loop() {
				g.hashesSinceWalk(c.since)
			}
		})
		b.Run(c.name+"/clocks", func(b *testing.B) {
			g.HashesSince(since) // index the history once
			if d.syncClocks.off {
				b.Fatal("clocks are off")
			}
			for b.Loop() {
				g.HashesSince(since)
			}
			b.ReportMetric(float64(len(d.syncClocks.kept[0].words)+len(d.syncClocks.kept[1].words)), "clockwords")
		})
	}
}

// BenchmarkSyncEditOnLongHistory is the load generator's loop on one
// document: two in-sync peers with a 10,000-change, five-actor history;
// one edits, and they exchange messages until both are quiet.
func BenchmarkSyncEditOnLongHistory(b *testing.B) {
	a, h := loadClockBench(b)
	c, err := Load(h.saved)
	if err != nil {
		b.Fatal(err)
	}
	sa, sc := NewSyncState(a), NewSyncState(c)
	exchange := func() int {
		msgs := 0
		for range 20 {
			moved := false
			if m, ok := sa.GenerateMessage(); ok {
				if _, err := sc.ReceiveMessage(m.Bytes()); err != nil {
					b.Fatal(err)
				}
				moved = true
				msgs++
			}
			if m, ok := sc.GenerateMessage(); ok {
				if _, err := sa.ReceiveMessage(m.Bytes()); err != nil {
					b.Fatal(err)
				}
				moved = true
				msgs++
			}
			if !moved {
				return msgs
			}
		}
		b.Fatal("peers did not settle in 20 rounds")
		return msgs
	}
	exchange()
	rng := rand.New(rand.NewPCG(1, 2))
	msgs := 0
	for b.Loop() {
		if err := a.RootMap().Set(fmt.Sprintf("k%d", rng.IntN(50)), rng.Int64()); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(""); err != nil {
			b.Fatal(err)
		}
		msgs += exchange()
	}
	b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
}

// manyAuthorsHistory is the relay benchmark's shared document as one of
// its clients sees it: 50 authors each overwriting their own key, each
// seeing the others' changes 30 changes late (the changes in flight), so
// a change depends on many concurrent heads. It returns the changes in
// the order the hub took them.
var manyAuthorsHistory = sync.OnceValues(func() ([][]byte, error) {
	const authors, changes, lag = 50, 2000, 30
	rng := rand.New(rand.NewPCG(7, 11))
	docs := make([]*Doc, authors)
	seen := make([]int, authors) // hub changes each author has applied
	for i := range docs {
		docs[i] = New()
		if err := docs[i].SetActorID(fmt.Sprintf("%04x", i+1)); err != nil {
			return nil, err
		}
	}
	var hub [][]byte
	for n := range changes {
		i := rng.IntN(authors)
		a := docs[i]
		for ; seen[i] < len(hub)-lag; seen[i]++ {
			if err := a.LoadIncremental(hub[seen[i]]); err != nil {
				return nil, err
			}
		}
		if err := a.RootMap().Set(fmt.Sprintf("client%d", i), int64(n)); err != nil {
			return nil, err
		}
		h, err := a.Commit("")
		if err != nil {
			return nil, err
		}
		c, err := a.Change(h)
		if err != nil {
			return nil, err
		}
		hub = append(hub, c.Save())
	}
	return hub, nil
})

// BenchmarkManyAuthorsReceive is a client of the shared-document load:
// it takes one change at a time from a 50-author history and asks which
// changes its peer lacks since the heads before it, as it does to answer
// every sync message. The client holds 64 such documents and takes turns
// between them, so each one is cold in the cache as in the load. ns/op
// is per change.
func BenchmarkManyAuthorsReceive(b *testing.B) {
	raw, err := manyAuthorsHistory()
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]*Doc, 64)
	fresh := func() {
		for i := range docs {
			docs[i] = New()
		}
	}
	fresh()
	n, k := 0, 0
	for b.Loop() {
		if k == len(docs) {
			k, n = 0, n+1
		}
		if n == len(raw) {
			b.StopTimer()
			fresh()
			n = 0
			b.StartTimer()
		}
		d := docs[k]
		k++
		before := toFormatHashes(d.Heads())
		if err := d.LoadIncremental(raw[n]); err != nil {
			b.Fatal(err)
		}
		g := docGraph{d}
		if got := g.HashesSince(before); len(before) > 0 && len(got) != 1 {
			b.Fatalf("%d changes since the heads before one change", len(got))
		}
	}
}
