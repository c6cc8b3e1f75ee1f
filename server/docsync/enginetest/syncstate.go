package enginetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
)

// testSyncStateResumes is the relay parking an idle document: it saves
// its sync state with a peer, drops the document, reloads it from the
// store and resumes with the saved state. Changes made on both sides in
// the meantime must still flow both ways.
func testSyncStateResumes(t *testing.T, h Harness) {
	relay, peer := h.Engine.New(), h.Engine.New()
	mustPut(t, h, relay, "a", "1")
	mustPut(t, h, peer, "b", "2")
	sr, sp := relay.NewSyncState(), peer.NewSyncState()
	syncPair(t, sr, sp)
	saved := sr.Save()

	reloaded, err := h.Engine.Load(relay.Save())
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := reloaded.LoadSyncState(saved)
	if err != nil {
		t.Fatalf("LoadSyncState: %v", err)
	}
	if got := resumed.Save(); !bytes.Equal(got, saved) {
		t.Errorf("Save after LoadSyncState = %x, want %x", got, saved)
	}
	mustPut(t, h, peer, "c", "3")
	mustPut(t, h, reloaded, "d", "4")
	syncPair(t, resumed, sp)
	sameHeads(t, reloaded.Heads(), peer.Heads())
	for _, d := range []docsync.Doc{reloaded, peer} {
		if mustGet(t, h, d, "c") != "3" || mustGet(t, h, d, "d") != "4" {
			t.Error("a change made while the state was saved did not arrive")
		}
	}
}

func testBadSyncState(t *testing.T, h Harness) {
	for name, in := range map[string][]byte{
		"empty":      {},
		"garbage":    []byte("garbage"),
		"truncated":  {0x43},
		"wrong type": {0x99, 0x00, 0x00, 0x00},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := h.Engine.New().LoadSyncState(in); !errors.Is(err, docsync.ErrBadSyncState) {
				t.Errorf("LoadSyncState = %v, want ErrBadSyncState", err)
			}
		})
	}
}
