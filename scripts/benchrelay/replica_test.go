package main

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// graphPeer is a watch-only docState as a sync peer.
type graphPeer struct{ ds *docState }

func (p graphPeer) generate() ([]byte, bool) { return p.ds.next() }

func (p graphPeer) receive(msg []byte) error {
	_, err := p.ds.receive(msg)
	return err
}

func (p graphPeer) commit(t testing.TB, _ string, _ int64) {
	t.Helper()
	t.Fatal("a watch-only copy cannot edit")
}

func (p graphPeer) heads() []string { return hexHashes(p.ds.heads()) }

// TestGraphStateFollowsWriter syncs a watch-only copy with a writer of
// either engine through several rounds of edits: after each exchange its
// heads are the writer's and it holds every change the writer made.
func TestGraphStateFollowsWriter(t *testing.T) {
	writers := []struct {
		name string
		make func() peer
	}{
		{"crdt", newCRDTPeer},
		{"automerge-go", newAutomergePeer},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			writer := w.make()
			watcher := graphPeer{newGraphState("doc")}
			for round := range 4 {
				for k := range 1 + round*3 {
					writer.commit(t, fmt.Sprintf("k%d", k), int64(round))
				}
				exchange(t, writer, watcher)
				if got, want := watcher.heads(), writer.heads(); !slices.Equal(got, want) {
					t.Fatalf("round %d: watcher heads %v, writer heads %v", round, got, want)
				}
			}
			held, err := watcher.ds.held()
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 + 4 + 7 + 10; len(held) != want {
				t.Fatalf("watcher holds %d changes, want %d", len(held), want)
			}
		})
	}
}

// TestGraphStateRejectsBadMessages: bytes that are not a sync message are
// an error, not a silently empty copy.
func TestGraphStateRejectsBadMessages(t *testing.T) {
	writer := newCRDTPeer()
	writer.commit(t, "k", 1)
	watcher := graphPeer{newGraphState("doc")}
	first, ok := watcher.generate()
	if !ok {
		t.Fatal("a fetching copy has nothing to say")
	}
	if err := writer.receive(first); err != nil {
		t.Fatal(err)
	}
	msg, ok := writer.generate()
	if !ok {
		t.Fatal("writer has nothing to send")
	}
	for _, bad := range [][]byte{nil, {0xff}, msg[:len(msg)/2]} {
		if _, err := newGraphState("doc").receive(bad); !errors.Is(err, errSyncMessage) {
			t.Errorf("receive(% x…) = %v, want errSyncMessage", bad[:min(len(bad), 4)], err)
		}
	}
	if err := watcher.receive(msg); err != nil {
		t.Fatal(err)
	}
	if got := watcher.ds.heads(); len(got) != 1 {
		t.Fatalf("heads after a good message: %v", got)
	}
}
