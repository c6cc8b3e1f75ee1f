package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

// rangeKeys are stored by the range tests; they are chosen to catch a
// backend that matches prefixes bytewise instead of component-wise, or
// orders keys by a separator that sorts wrongly.
var rangeKeys = []store.Key{
	{"a"},
	{"a", "b"},
	{"a", "b", "c"},
	{"a", "b!"},
	{"a", "b/c"},
	{"a", "bc"},
	{"a!"},
	{"a/b"},
	{"ab"},
	{"ab", "c"},
	{"a\x01"},
	{"a\x7f"},
	{"a\xff"},
	{"a\xff", "\xff\xfe"},
	{"b"},
	{"doc", "日本語", "snapshot"},
	{"doc", "é"},
	{"doc", "🙂"},
}

func storeRangeKeys(t *testing.T, s store.Store) {
	t.Helper()
	order := rand.Perm(len(rangeKeys))
	for _, i := range order {
		mustPut(t, s, rangeKeys[i], []byte(fmt.Sprint(i)))
	}
}

func loadRangeKeys(t *testing.T, s store.Store, prefix store.Key) []store.Key {
	t.Helper()
	entries, err := s.LoadRange(ctx(t), prefix)
	if err != nil {
		t.Fatalf("LoadRange(%q): %v", prefix, err)
	}
	keys := make([]store.Key, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
		want := slices.IndexFunc(rangeKeys, func(k store.Key) bool { return slices.Equal(k, e.Key) })
		if want < 0 || string(e.Value) != fmt.Sprint(want) {
			t.Fatalf("LoadRange(%q): entry %q = %q, not what was stored", prefix, e.Key, e.Value)
		}
	}
	return keys
}

func testLoadRangePrefix(t *testing.T, s store.Store) {
	storeRangeKeys(t, s)
	for _, prefix := range []store.Key{
		{}, {"a"}, {"a", "b"}, {"a", "b", "c"}, {"ab"}, {"a\xff"}, {"doc"}, {"doc", "日本語"},
		{"a", "x"}, {"zzz"}, {"a", "b", "c", "d"},
	} {
		var want []store.Key
		for _, k := range rangeKeys {
			if k.HasPrefix(prefix) {
				want = append(want, k)
			}
		}
		slices.SortFunc(want, store.Key.Compare)
		got := loadRangeKeys(t, s, prefix)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("LoadRange(%q)\n got %q\nwant %q", prefix, got, want)
		}
	}
}

func testLoadRangeOrder(t *testing.T, s store.Store) {
	storeRangeKeys(t, s)
	got := loadRangeKeys(t, s, nil)
	want := slices.Clone(rangeKeys)
	slices.SortFunc(want, store.Key.Compare)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("LoadRange order\n got %q\nwant %q", got, want)
	}
}
