package app

import (
	"errors"
	"testing"
)

func TestParseInvite(t *testing.T) {
	tests := []struct {
		link, server, token string
		ok                  bool
	}{
		{"https://relay.example/#join=abc_DEF-1", "https://relay.example", "abc_DEF-1", true},
		{"http://127.0.0.1:8080/?join=tok", "http://127.0.0.1:8080", "tok", true},
		{"  https://r.example/app?x=1&join=tok#join=frag ", "https://r.example", "frag", true},
		{"https://r.example/", "", "", false},
		{"https://r.example/#join=", "", "", false},
		{"https://r.example/#join=a%20b", "", "", false},
		{"ftp://r.example/#join=x", "", "", false},
		{"https://user@r.example/#join=x", "", "", false},
		{"join=x", "", "", false},
	}
	for _, tt := range tests {
		s, tok, err := ParseInvite(tt.link)
		if (err == nil) != tt.ok || s != tt.server || tok != tt.token {
			t.Errorf("ParseInvite(%q) = %q, %q, %v", tt.link, s, tok, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidInvite) {
			t.Errorf("error %v does not wrap ErrInvalidInvite", err)
		}
	}
	if got := SyncURL("https://r.example", "t"); got != "wss://r.example/sync?token=t" {
		t.Errorf("SyncURL = %q", got)
	}
}

func FuzzParseInvite(f *testing.F) {
	f.Add("https://relay.example/#join=abc")
	f.Add("http://h/?join=x&y=z")
	f.Fuzz(func(t *testing.T, link string) {
		s, tok, err := ParseInvite(link)
		if err != nil {
			return
		}
		again, tok2, err := ParseInvite(InviteLink(s, tok))
		if err != nil || again != s || tok2 != tok {
			t.Fatalf("%q: invite link does not round-trip: %q %q %v", link, again, tok2, err)
		}
	})
}
