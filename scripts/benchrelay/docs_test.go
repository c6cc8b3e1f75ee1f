package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// TestLatch: a document counts once whichever callback fires first, and a
// failure ends the wait without waiting for the others.
func TestLatch(t *testing.T) {
	always := func(*docState, serverView) bool { return true }
	tests := []struct {
		name    string
		events  []string // per document: "ok", "unavailable", "ok+unavailable", "none"
		wantErr error
	}{
		{"all complete", []string{"ok", "ok"}, nil},
		{"unavailable after complete is ignored", []string{"ok+unavailable", "ok"}, nil},
		{"unavailable fails the wait early", []string{"unavailable", "none"}, errUnavailable},
		{"no documents", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLatch(len(tc.events))
			for i, ev := range tc.events {
				ds := newDocState("doc"+string(rune('a'+i)), crdt.New(), true)
				l.watch(ds, always)
				switch ev {
				case "ok":
					ds.observe(ds, serverView{}, time.Now())
				case "unavailable":
					ds.unavailable(time.Now())
				case "ok+unavailable":
					ds.observe(ds, serverView{}, time.Now())
					ds.unavailable(time.Now())
					ds.observe(ds, serverView{}, time.Now())
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := l.wait(ctx, &client{reader: make(chan struct{})}, "test")
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSameHashes(t *testing.T) {
	a, b, c := crdt.ChangeHash{1}, crdt.ChangeHash{2}, crdt.ChangeHash{3}
	tests := []struct {
		x, y []crdt.ChangeHash
		want bool
	}{
		{nil, nil, true},
		{[]crdt.ChangeHash{a, b}, []crdt.ChangeHash{b, a}, true},
		{[]crdt.ChangeHash{a}, []crdt.ChangeHash{a, b}, false},
		{[]crdt.ChangeHash{a, b}, []crdt.ChangeHash{a, c}, false},
	}
	for _, tc := range tests {
		if got := sameHashes(tc.x, tc.y); got != tc.want {
			t.Errorf("sameHashes(%v, %v) = %v", tc.x, tc.y, got)
		}
	}
}
