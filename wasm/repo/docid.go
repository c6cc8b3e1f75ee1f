package repo

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	// base58 is mr-tron's small, dependency-free encoder: automerge-repo's
	// document IDs are bs58check, and math/big would cost the wasm build more.
	"github.com/mr-tron/base58"
)

// ErrBadDocumentID is returned for text that is not an automerge-repo
// document ID.
var ErrBadDocumentID = errors.New("repo: bad document ID")

// NewDocumentID returns a fresh automerge-repo document ID: bs58check of a
// random UUID v4's 16 bytes, as automerge-repo's Repo.create() makes them.
func NewDocumentID() (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("document ID: %w", err)
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	return encodeCheck(raw[:]), nil
}

func encodeCheck(b []byte) string {
	sum := checksum(b)
	return base58.Encode(append(append([]byte(nil), b...), sum[:]...))
}

func checksum(b []byte) [4]byte {
	first := sha256.Sum256(b)
	second := sha256.Sum256(first[:])
	return [4]byte(second[:4])
}

// ParseDocumentID checks that id is bs58check of 16 bytes and returns them.
func ParseDocumentID(id string) ([16]byte, error) {
	var out [16]byte
	if len(id) > 40 {
		return out, fmt.Errorf("%q: too long: %w", id, ErrBadDocumentID)
	}
	raw, err := base58.Decode(id)
	if err != nil || len(raw) != 20 {
		return out, fmt.Errorf("%q: not bs58check of 16 bytes: %w", id, ErrBadDocumentID)
	}
	if checksum(raw[:16]) != [4]byte(raw[16:]) {
		return out, fmt.Errorf("%q: checksum mismatch: %w", id, ErrBadDocumentID)
	}
	copy(out[:], raw[:16])
	return out, nil
}
