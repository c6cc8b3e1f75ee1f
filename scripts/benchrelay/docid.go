package main

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// newDocumentID returns an automerge-repo document id: bs58check of 16
// random bytes. Both servers reject ids that do not decode that way.
func newDocumentID() (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("document id: %w", err)
	}
	raw[6] = raw[6]&0x0f | 0x40 // UUID v4, like automerge-repo
	raw[8] = raw[8]&0x3f | 0x80
	return bs58check(raw[:]), nil
}

// bs58check encodes b with a 4-byte double-SHA-256 checksum in base58.
func bs58check(b []byte) string {
	first := sha256.Sum256(b)
	second := sha256.Sum256(first[:])
	payload := append(append([]byte{}, b...), second[:4]...)

	n := new(big.Int).SetBytes(payload)
	radix := big.NewInt(58)
	mod := new(big.Int)
	var out []byte
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range payload {
		if c != 0 {
			break
		}
		out = append(out, base58Alphabet[0])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
