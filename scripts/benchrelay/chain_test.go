package main

import (
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestChainSettlesPrefix: seeing edit k settles every edit up to k, in
// order, once; hashes outside the chain change nothing.
func TestChainSettlesPrefix(t *testing.T) {
	rec := &recorder{}
	c := newChain(rec)
	t0 := time.Unix(1000, 0)
	var hashes []crdt.ChangeHash
	var done []<-chan struct{}
	for i := range 4 {
		h := crdt.ChangeHash{byte(i + 1)}
		hashes = append(hashes, h)
		done = append(done, c.add(h, t0.Add(time.Duration(i)*time.Second)))
	}

	c.see([]crdt.ChangeHash{{0xee}}, t0.Add(10*time.Second))
	if c.pending() != 4 || rec.summary().N != 0 {
		t.Fatalf("foreign hash settled edits: pending %d", c.pending())
	}
	c.see([]crdt.ChangeHash{{0xee}, hashes[2]}, t0.Add(10*time.Second))
	if c.pending() != 1 || !isClosed(done[0]) || !isClosed(done[2]) || isClosed(done[3]) {
		t.Fatalf("after seeing edit 2: pending %d", c.pending())
	}
	c.see([]crdt.ChangeHash{hashes[1]}, t0.Add(20*time.Second)) // older: no effect
	if got := rec.summary(); got.N != 3 || got.MaxMs != 10000 || got.P50Ms != 9000 {
		t.Fatalf("latencies %+v, want 3 samples 10s, 9s, 8s", got)
	}
	if got := c.seen(); len(got) != 3 || got[2] != hashes[2] {
		t.Fatalf("seen %v", got)
	}
	c.see(hashes[3:], t0.Add(11*time.Second))
	if c.pending() != 0 || c.len() != 4 || !isClosed(done[3]) {
		t.Fatalf("pending %d len %d", c.pending(), c.len())
	}
}
