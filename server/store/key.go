package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidKey is returned for a key that breaks the Key rules: no
// components (except as a LoadRange prefix), an empty component, or a NUL
// byte in a component.
var ErrInvalidKey = errors.New("store: invalid key")

// Validate reports whether k is a usable key for Load, Put and Delete.
func (k Key) Validate() error {
	if len(k) == 0 {
		return fmt.Errorf("%w: no components", ErrInvalidKey)
	}
	return k.ValidatePrefix()
}

// ValidatePrefix reports whether k is a usable LoadRange prefix; the empty
// prefix, which matches every key, is allowed.
func (k Key) ValidatePrefix() error {
	for i, c := range k {
		if c == "" {
			return fmt.Errorf("%w: component %d is empty", ErrInvalidKey, i)
		}
		if strings.IndexByte(c, 0) >= 0 {
			return fmt.Errorf("%w: component %d contains NUL", ErrInvalidKey, i)
		}
	}
	return nil
}

// HasPrefix reports whether k starts with prefix, component by component:
// {"a","b"} has prefix {"a"} but {"ab"} does not.
func (k Key) HasPrefix(prefix Key) bool {
	if len(prefix) > len(k) {
		return false
	}
	for i, c := range prefix {
		if k[i] != c {
			return false
		}
	}
	return true
}

// Compare orders keys component by component, each compared bytewise; a
// key sorts before the keys it is a prefix of. LoadRange returns entries
// in this order.
func (k Key) Compare(other Key) int {
	for i := 0; i < len(k) && i < len(other); i++ {
		if c := strings.Compare(k[i], other[i]); c != 0 {
			return c
		}
	}
	return len(k) - len(other)
}

// String renders k for logs and errors, e.g. doc/2v3r…/snapshot/ab12.
func (k Key) String() string { return strings.Join(k, "/") }
