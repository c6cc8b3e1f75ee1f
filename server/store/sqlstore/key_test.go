package sqlstore

import (
	"slices"
	"strings"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

var keys = []store.Key{
	{"a"}, {"a", "b"}, {"a", "b", "c"}, {"ab"}, {"a", "ba"}, {"b"},
	{"doc", "x", "incremental", "00ff"}, {"doc", "x", "snapshot", "ab"}, {"doc", "xy"},
	{"\x01"}, {"a\x01"}, {"é"}, {"a", "\xff"},
}

func sign(n int) int { return min(max(n, -1), 1) }

// TestKeyEncodingOrder: text order of encoded keys is the store's key
// order, and the range LoadRange selects is exactly the prefix rule.
func TestKeyEncodingOrder(t *testing.T) {
	for _, a := range keys {
		ea := encodeKey(a)
		back, err := decodeKey(ea)
		if err != nil || !slices.Equal(back, a) {
			t.Fatalf("decode(encode(%q)) = %q, %v", a, back, err)
		}
		for _, b := range keys {
			eb := encodeKey(b)
			if sign(strings.Compare(ea, eb)) != sign(a.Compare(b)) {
				t.Errorf("order of %q and %q differs once encoded", a, b)
			}
			inRange := eb == ea || (eb >= ea+"00" && eb < ea+"01")
			if inRange != b.HasPrefix(a) {
				t.Errorf("range of prefix %q includes %q: %v, HasPrefix says %v", a, b, inRange, b.HasPrefix(a))
			}
		}
	}
}

// FuzzDecodeKey: stored key text never panics the decoder, and what it
// accepts encodes back to the same text.
func FuzzDecodeKey(f *testing.F) {
	f.Add(encodeKey(store.Key{"doc", "x"}))
	f.Add("")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := decodeKey(s)
		if err != nil {
			return
		}
		if got := encodeKey(k); got != strings.ToLower(s) {
			t.Fatalf("encode(decode(%q)) = %q", s, got)
		}
	})
}
