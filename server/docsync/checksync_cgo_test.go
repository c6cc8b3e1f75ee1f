//go:build cgo

package docsync_test

import (
	"errors"
	"testing"

	"github.com/commonplace/commonplace/crdt/syncproto"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/wire"
)

// TestCheckSyncAgreesWithHandle: the check a transport makes before a
// message may create a document accepts exactly what the core then takes
// into it. A change without its dependency is the case where they once
// differed: an engine's sync receive queues it, but the core merges into
// an empty document, which refuses a missing history.
func TestCheckSyncAgreesWithHandle(t *testing.T) {
	src := amgo.New().New()
	if err := harnessPut(src, "a"); err != nil {
		t.Fatal(err)
	}
	first := src.SaveIncremental()
	if err := harnessPut(src, "b"); err != nil {
		t.Fatal(err)
	}
	second := src.SaveIncremental()
	msg := func(chunks ...[]byte) []byte {
		return (&syncproto.Message{Type: syncproto.TypeV1, Changes: chunks}).Encode()
	}
	for _, name := range engine.Names() {
		e, err := engine.New(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			data []byte
			ok   bool
		}{
			{"whole history", msg(first, second), true},
			{"heads only", msg(), true},
			{"change without its dependency", msg(second), false},
			{"not a sync message", []byte("junk"), false},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				checkErr := docsync.CheckSync(e, tc.data)
				_, handleErr := docsync.New(e, "doc", docsync.Options{}).Handle("p",
					wire.Message{Type: wire.TypeSync, DocumentID: "doc", Data: tc.data})
				if (checkErr == nil) != tc.ok || (handleErr == nil) != tc.ok {
					t.Fatalf("CheckSync = %v, Handle = %v; want both ok = %v", checkErr, handleErr, tc.ok)
				}
				if !tc.ok && !errors.Is(checkErr, docsync.ErrBadSyncMessage) {
					t.Errorf("CheckSync = %v, want ErrBadSyncMessage", checkErr)
				}
			})
		}
	}
}
