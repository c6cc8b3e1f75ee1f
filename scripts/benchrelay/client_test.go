package main

import (
	"hash/fnv"
	"testing"
)

// TestShardIsFNV1a: the in-place hash spreads documents exactly as
// hash/fnv's FNV-1a would, so every document keeps one worker.
func TestShardIsFNV1a(t *testing.T) {
	c := &client{queues: make([]*mailbox, 3)}
	for _, id := range []string{"", "a", "4NMNnkMhL8jXrdJ9jamS58PAVdXu", "2j9knpCseyhnK8izDmLpGP5WMdZQ"} {
		h := fnv.New32a()
		h.Write([]byte(id))
		if got, want := c.shard(id), int(h.Sum32()%3); got != want {
			t.Errorf("shard(%q) = %d, want %d", id, got, want)
		}
	}
}
