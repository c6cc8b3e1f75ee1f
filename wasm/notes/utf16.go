package notes

import (
	"fmt"
	"unicode/utf16"
)

// The JS API counts text positions in UTF-16 code units (JavaScript string
// indexes); crdt counts code points. These convert between the two.

// units is how many UTF-16 code units r takes.
func units(r rune) int { return utf16.RuneLen(r) }

// CodePointRange converts a UTF-16 position and length in s to code points.
// A position inside a surrogate pair is rejected.
func CodePointRange(s string, index16, len16 int) (pos, n int, err error) {
	if index16 < 0 || len16 < 0 {
		return 0, 0, fmt.Errorf("negative text range %d+%d: %w", index16, len16, ErrInvalid)
	}
	u, cp := 0, 0
	start, end := -1, -1
	for _, r := range s {
		if u == index16 {
			start = cp
		}
		if u == index16+len16 {
			end = cp
		}
		u += units(r)
		cp++
	}
	if u == index16 {
		start = cp
	}
	if u == index16+len16 {
		end = cp
	}
	if start < 0 || end < 0 {
		return 0, 0, fmt.Errorf("text range %d+%d does not fall on characters of a %d-unit text: %w", index16, len16, u, ErrInvalid)
	}
	return start, end - start, nil
}

// UTF16Index converts a code point position in runes to UTF-16 units.
func UTF16Index(runes []rune, pos int) int {
	u := 0
	for i := 0; i < pos && i < len(runes); i++ {
		u += units(runes[i])
	}
	return u
}

// UTF16Len is the length of s in UTF-16 code units.
func UTF16Len(s string) int { return UTF16Index([]rune(s), len(s)) }
