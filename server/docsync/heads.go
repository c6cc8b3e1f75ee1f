package docsync

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
)

// ErrBadHead is wrapped by DecodeHead for text that is not bs58check of a
// 32-byte change hash.
var ErrBadHead = errors.New("docsync: bad head")

// Sync message type bytes: v1, and v2, which adds capabilities after the
// changes. Both start with the sender's heads.
const (
	syncMessageV1 = 0x42
	syncMessageV2 = 0x43
)

// maxSyncHeads bounds the heads SyncHeads reads, so a corrupt count
// cannot allocate much; real documents have a handful.
const maxSyncHeads = 1 << 12

// SyncHeads returns the heads a sync message announces: the sender's heads
// of the document when it wrote the message. It reads only that first
// field. Bytes that do not start like a sync message wrap
// ErrBadSyncMessage.
func SyncHeads(msg []byte) ([]Hash, error) {
	if len(msg) == 0 || (msg[0] != syncMessageV1 && msg[0] != syncMessageV2) {
		return nil, fmt.Errorf("%w: not a sync message type byte", ErrBadSyncMessage)
	}
	n, rest, err := uleb(msg[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: heads count: %v", ErrBadSyncMessage, err)
	}
	if n > maxSyncHeads || n*32 > uint64(len(rest)) {
		return nil, fmt.Errorf("%w: %d heads in %d bytes", ErrBadSyncMessage, n, len(rest))
	}
	hs := make([]Hash, n)
	for i := range hs {
		copy(hs[i][:], rest[32*i:])
	}
	return hs, nil
}

// uleb reads one unsigned LEB128 number of at most 64 bits.
func uleb(b []byte) (uint64, []byte, error) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, b[i+1:], nil
		}
	}
	return 0, nil, errors.New("truncated or overlong LEB128")
}

// EncodeHeads returns heads as automerge-repo writes them in URLs and in
// remote-heads-changed: each hash in bs58check.
func EncodeHeads(hs []Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		sum := checksum(h[:])
		out[i] = base58.Encode(append(h[:], sum[:]...))
	}
	return out
}

// DecodeHead parses one head in automerge-repo's bs58check form.
func DecodeHead(s string) (Hash, error) {
	var h Hash
	if len(s) > 64 { // bs58 of 36 bytes is at most 50 characters
		return h, fmt.Errorf("%w: %d characters", ErrBadHead, len(s))
	}
	raw, err := base58.Decode(s)
	if err != nil {
		return h, fmt.Errorf("%w: %v", ErrBadHead, err)
	}
	if len(raw) != len(h)+4 {
		return h, fmt.Errorf("%w: %d bytes, want %d", ErrBadHead, len(raw), len(h)+4)
	}
	if sum := checksum(raw[:len(h)]); string(sum[:]) != string(raw[len(h):]) {
		return h, fmt.Errorf("%w: checksum mismatch", ErrBadHead)
	}
	copy(h[:], raw)
	return h, nil
}

// checksum is bs58check's: the first four bytes of SHA-256(SHA-256(b)).
func checksum(b []byte) [4]byte {
	first := sha256.Sum256(b)
	second := sha256.Sum256(first[:])
	return [4]byte(second[:4])
}
