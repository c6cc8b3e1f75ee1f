package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Secrets look like "cp_" + base64url(32 random bytes): the prefix lets
// people and secret scanners recognise one; base64url survives URLs (the
// relay takes it as ?token=) unescaped.
const (
	secretPrefix = "cp_"
	secretBytes  = 32
	// idBytes of the hash make a token's public ID: 48 bits, so IDs of
	// distinct tokens collide with negligible probability (and CreateToken
	// retries if one does).
	idBytes = 6
)

var secretEncoding = base64.RawURLEncoding.Strict()

// newSecret returns a fresh secret and its hash.
func newSecret() (secret string, hash [sha256.Size]byte, err error) {
	var raw [secretBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", hash, fmt.Errorf("random secret: %w", err)
	}
	return secretPrefix + secretEncoding.EncodeToString(raw[:]), sha256.Sum256(raw[:]), nil
}

// hashSecret parses a secret and returns its hash, or ErrBadToken.
//
// A plain SHA-256 is enough: a secret holds 256 random bits, so nobody can
// guess one whatever the hash costs. Slow KDFs (bcrypt, argon2) exist for
// low-entropy passwords; here they would only make every connection slower.
func hashSecret(secret string) ([sha256.Size]byte, error) {
	var hash [sha256.Size]byte
	body, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok || len(body) != secretEncoding.EncodedLen(secretBytes) {
		return hash, fmt.Errorf("%w: not a commonplace token", ErrBadToken)
	}
	raw, err := secretEncoding.DecodeString(body)
	if err != nil || len(raw) != secretBytes {
		return hash, fmt.Errorf("%w: not a commonplace token", ErrBadToken)
	}
	return sha256.Sum256(raw), nil
}

// tokenID derives a token's public ID from its secret's hash.
func tokenID(hash [sha256.Size]byte) string { return hex.EncodeToString(hash[:idBytes]) }
