//go:build !js

package repo

import (
	"testing"

	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/wire"
)

// The app's framing and the relay's (server/httpsync) read each other's
// batches: the app cannot link httpsync, so this keeps the two in step.
func TestBatchMatchesRelay(t *testing.T) {
	codec, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	msgs := []wire.Message{
		{Type: wire.TypeRequest, SenderID: "peer-1", TargetID: "relay", DocumentID: "doc-a", Data: []byte{0x42, 1}},
		{Type: wire.TypeSync, SenderID: "peer-1", TargetID: "relay", DocumentID: "doc-b", Data: []byte{0x42, 2}},
	}
	frames := make([][]byte, len(msgs))
	for i, m := range msgs {
		if frames[i], err = wire.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	ours, err := encodeBatch(frames)
	if err != nil {
		t.Fatal(err)
	}
	got, err := httpsync.DecodeBatch(codec, ours)
	if err != nil {
		t.Fatalf("relay cannot read the app's batch: %v", err)
	}
	if len(got) != 2 || got[1].DocumentID != "doc-b" || got[0].Type != wire.TypeRequest {
		t.Fatalf("relay read %+v", got)
	}
	theirs, err := httpsync.EncodeBatch(codec, msgs)
	if err != nil {
		t.Fatal(err)
	}
	dm, err := batchDecMode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeBatch(dm, theirs)
	if err != nil {
		t.Fatalf("app cannot read the relay's batch: %v", err)
	}
	for i, f := range back {
		m, err := wire.Decode(f)
		if err != nil || m.DocumentID != msgs[i].DocumentID {
			t.Fatalf("frame %d: %+v, %v", i, m, err)
		}
	}
}
