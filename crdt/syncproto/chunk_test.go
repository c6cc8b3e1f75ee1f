package syncproto

import (
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// chunkHash is the hash of a change chunk, as format computes it.
func chunkHash(t testing.TB, chunk []byte) format.ChangeHash {
	t.Helper()
	c, err := format.DecodeChangeHeader(chunk)
	if err != nil {
		t.Fatal(err)
	}
	return c.Hash
}
