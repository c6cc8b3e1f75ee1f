package badgerstore

import (
	"bytes"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func TestKeyEncoding(t *testing.T) {
	keys := []store.Key{{"a"}, {"a", "b"}, {"ab"}, {"a\xff"}, {"!badger!head"}, {"doc", "日本", "x"}}
	for _, k := range keys {
		got, err := decodeKey(encodeKey(k))
		if err != nil || !slices.Equal(got, k) {
			t.Errorf("round trip %q = %q, %v", k, got, err)
		}
		for _, other := range keys {
			if c := bytes.Compare(encodeKey(k), encodeKey(other)); sign(c) != sign(k.Compare(other)) {
				t.Errorf("encoded order of %q, %q = %d, Compare = %d", k, other, c, k.Compare(other))
			}
			hasPrefix := bytes.HasPrefix(encodeKey(k), encodeKey(other))
			if hasPrefix != k.HasPrefix(other) {
				t.Errorf("encoded %q has prefix %q = %v", k, other, hasPrefix)
			}
		}
	}
	for _, bad := range [][]byte{nil, {keyFormat}, {keyFormat, 0}, {keyFormat, 'a'}, {2, 'a', 0}, {keyFormat, 'a', 0, 0}, []byte("!badger!head")} {
		if k, err := decodeKey(bad); err == nil {
			t.Errorf("decodeKey(%q) = %q, want error", bad, k)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
