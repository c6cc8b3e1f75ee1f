package docsync_test

import (
	"strings"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"2v3rkia9QeE2R9cBqPSwB1RjJmDw", true},
		{"legacy-uuid_like-123", true},
		{"", false},
		{"../../etc", false},
		{"has space", false},
		{"nul\x00byte", false},
		{"ümlaut", false},
		{strings.Repeat("a", docsync.MaxIDLength), true},
		{strings.Repeat("a", docsync.MaxIDLength+1), false},
	}
	for _, tc := range tests {
		if got := docsync.ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
