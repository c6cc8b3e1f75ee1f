package badgerstore

import (
	"bytes"
	"fmt"

	"github.com/commonplace/commonplace/server/store"
)

// Keys are laid out as a format byte, then each component followed by a
// NUL. Components hold no NUL (store.Key's rule), so the terminator makes
// prefixes exact per component ({"a"} is "\x01a\x00", which "\x01ab\x00"
// does not start with) and bytewise order equal to store.Key.Compare (the
// NUL sorts before every byte that could continue a longer component).
// The format byte also keeps user keys clear of Badger's reserved
// "!badger!" prefix.
const keyFormat = 0x01

// encodeKey lays out a key, or a LoadRange prefix (which may be empty).
func encodeKey(k store.Key) []byte {
	n := 1
	for _, c := range k {
		n += len(c) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, keyFormat)
	for _, c := range k {
		b = append(b, c...)
		b = append(b, 0)
	}
	return b
}

func decodeKey(b []byte) (store.Key, error) {
	if len(b) < 3 || b[0] != keyFormat || b[len(b)-1] != 0 {
		return nil, fmt.Errorf("badgerstore: stored key %q has an unknown format", b)
	}
	parts := bytes.Split(b[1:len(b)-1], []byte{0})
	k := make(store.Key, len(parts))
	for i, p := range parts {
		k[i] = string(p)
	}
	if err := k.Validate(); err != nil {
		return nil, fmt.Errorf("badgerstore: stored key %q: %w", b, err)
	}
	return k, nil
}
