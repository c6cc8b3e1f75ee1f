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
