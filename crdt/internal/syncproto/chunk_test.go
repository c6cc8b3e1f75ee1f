package syncproto

import (
	"crypto/sha256"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// chunkHash is the hash of an uncompressed change chunk: SHA-256 of
// everything after the magic bytes and checksum.
func chunkHash(t testing.TB, chunk []byte) format.ChangeHash {
	t.Helper()
	if len(chunk) < 10 || chunk[0] != 0x85 || chunk[8] != 1 {
		t.Fatalf("%v: % x", errNoChunk, chunk[:min(len(chunk), 10)])
	}
	return sha256.Sum256(chunk[8:])
}
