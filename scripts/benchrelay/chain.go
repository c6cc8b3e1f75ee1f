package main

import (
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// chain follows one writer's successive edits of one document. Each edit
// depends on the one before, so a peer that has edit k has every earlier
// edit: seeing any of the chain's hashes settles it and all before it.
// Latencies go to rec.
type chain struct {
	rec *recorder

	mu     sync.Mutex
	seq    map[crdt.ChangeHash]int
	hashes []crdt.ChangeHash
	sent   []time.Time
	done   []chan struct{}
	next   int // first edit not yet seen
}

func newChain(rec *recorder) *chain {
	return &chain{rec: rec, seq: map[crdt.ChangeHash]int{}}
}

// add records an edit sent at t and returns a channel closed once it is seen.
func (c *chain) add(h crdt.ChangeHash, t time.Time) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq[h] = len(c.hashes)
	c.hashes = append(c.hashes, h)
	c.sent = append(c.sent, t)
	ch := make(chan struct{})
	c.done = append(c.done, ch)
	return ch
}

// see settles every edit up to the latest of hashes that belongs to the
// chain, as seen at time at.
func (c *chain) see(hashes []crdt.ChangeHash, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	last := -1
	for _, h := range hashes {
		if k, ok := c.seq[h]; ok && k > last {
			last = k
		}
	}
	for ; c.next <= last; c.next++ {
		c.rec.add(at.Sub(c.sent[c.next]), at)
		close(c.done[c.next])
	}
}

// seen returns the hashes of the edits settled so far.
func (c *chain) seen() []crdt.ChangeHash {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]crdt.ChangeHash(nil), c.hashes[:c.next]...)
}

// pending returns how many edits were never seen.
func (c *chain) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.hashes) - c.next
}

// len returns how many edits the chain holds.
func (c *chain) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.hashes)
}
