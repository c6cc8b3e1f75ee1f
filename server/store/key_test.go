package store

import (
	"errors"
	"testing"
)

func TestKeyValidate(t *testing.T) {
	cases := []struct {
		name           string
		key            Key
		asKey, asRange bool // valid for Put, valid as a LoadRange prefix
	}{
		{"empty", Key{}, false, true},
		{"nil", nil, false, true},
		{"one", Key{"doc"}, true, true},
		{"unicode and odd bytes", Key{"doc", "日本", "\xff\x01/"}, true, true},
		{"empty component", Key{"doc", ""}, false, false},
		{"NUL", Key{"do\x00c"}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.key.Validate(); (err == nil) != c.asKey || (err != nil && !errors.Is(err, ErrInvalidKey)) {
				t.Errorf("Validate() = %v, want valid=%v", err, c.asKey)
			}
			if err := c.key.ValidatePrefix(); (err == nil) != c.asRange || (err != nil && !errors.Is(err, ErrInvalidKey)) {
				t.Errorf("ValidatePrefix() = %v, want valid=%v", err, c.asRange)
			}
		})
	}
}

func TestKeyOrderAndPrefix(t *testing.T) {
	// Sorted by Compare.
	sorted := []Key{{"a"}, {"a", "b"}, {"a", "b", "c"}, {"ab"}, {"ab", "c"}, {"a\xff"}, {"b"}, {"é"}}
	for i := range sorted {
		for j := range sorted {
			got := sorted[i].Compare(sorted[j])
			if (i < j && got >= 0) || (i > j && got <= 0) || (i == j && got != 0) {
				t.Errorf("Compare(%q, %q) = %d", sorted[i], sorted[j], got)
			}
		}
	}
	prefixes := []struct {
		key, prefix Key
		want        bool
	}{
		{Key{"a", "b"}, Key{"a"}, true},
		{Key{"a"}, Key{"a"}, true},
		{Key{"a"}, Key{}, true},
		{Key{"ab"}, Key{"a"}, false},
		{Key{"a"}, Key{"a", "b"}, false},
	}
	for _, p := range prefixes {
		if got := p.key.HasPrefix(p.prefix); got != p.want {
			t.Errorf("%q.HasPrefix(%q) = %v", p.key, p.prefix, got)
		}
	}
	if s := (Key{"doc", "x"}).String(); s != "doc/x" {
		t.Errorf("String() = %q", s)
	}
}
