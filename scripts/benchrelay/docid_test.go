package main

import (
	"strings"
	"testing"
)

func TestBs58check(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		// Bitcoin's address for version 0 and an all-zero hash160.
		{"leading zeros", make([]byte, 21), "1111111111111111111114oLvT2"},
		{"empty", nil, "3QJmnh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bs58check(tc.in); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewDocumentID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := newDocumentID()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) < 21 || len(id) > 28 || strings.Trim(id, base58Alphabet) != "" {
			t.Fatalf("id %q is not 16 bytes of bs58check", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}
