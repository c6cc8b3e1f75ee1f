//go:build cgo && !js && !wasip1

package format

import (
	"bytes"
	"testing"

	"github.com/automerge/automerge-go"
)

// TestChangesFromAutomergeRoundTrip decodes every change automerge-go
// made, checks the header fields and hash against automerge-go's, and
// re-encodes from the decoded fields to identical bytes.
func TestChangesFromAutomergeRoundTrip(t *testing.T) {
	for name, doc := range map[string]*automerge.Doc{"rich": richDoc(t), "big": bigDoc(t, 600)} {
		t.Run(name, func(t *testing.T) {
			chs, err := doc.Changes()
			if err != nil {
				t.Fatal(err)
			}
			var all []byte // every change, compressed by us where large
			for i, ch := range chs {
				raw := ch.Save()
				c, err := DecodeChange(raw)
				if err != nil {
					t.Fatalf("change %d: %v", i, err)
				}
				if c.Hash != ChangeHash(ch.Hash()) {
					t.Fatalf("change %d: hash %x, automerge-go %s", i, c.Hash, ch.Hash())
				}
				if !bytes.Equal(c.Raw, raw) {
					t.Fatalf("change %d: Raw differs from input", i)
				}
				if got := encodeHex(c.Actors[0]); got != ch.ActorID() {
					t.Errorf("change %d: actor %s, want %s", i, got, ch.ActorID())
				}
				if c.Seq != ch.ActorSeq() || c.Message != ch.Message() || c.Time != ch.Timestamp().UnixMilli() {
					t.Errorf("change %d: seq/message/time %d %q %d, want %d %q %d", i, c.Seq, c.Message, c.Time,
						ch.ActorSeq(), ch.Message(), ch.Timestamp().UnixMilli())
				}
				deps := ch.Dependencies()
				if len(deps) != len(c.Deps) {
					t.Fatalf("change %d: %d deps, want %d", i, len(c.Deps), len(deps))
				}
				for j := range deps {
					if c.Deps[j] != ChangeHash(deps[j]) {
						t.Errorf("change %d dep %d differs", i, j)
					}
				}
				hdr, err := DecodeChangeHeader(raw)
				if err != nil || hdr.Hash != c.Hash || hdr.StartOp != c.StartOp || hdr.Ops != nil {
					t.Errorf("change %d: header decode %v", i, err)
				}

				again := *c
				again.Raw, again.Hash = nil, ChangeHash{}
				out, err := EncodeChange(&again)
				if err != nil {
					t.Fatalf("change %d: encode: %v", i, err)
				}
				if !bytes.Equal(out, raw) {
					t.Fatalf("change %d: re-encoded bytes differ\n got %x\nwant %x", i, out, raw)
				}
				if again.Hash != c.Hash {
					t.Fatalf("change %d: re-encoded hash differs", i)
				}

				comp, err := CompressChange(raw)
				if err != nil {
					t.Fatal(err)
				}
				back, err := DecodeChange(comp)
				if err != nil || back.Hash != c.Hash || !bytes.Equal(back.Raw, raw) {
					t.Fatalf("change %d: compressed round trip: %v", i, err)
				}
				all = append(all, comp...)
			}
			loaded, err := automerge.LoadChanges(all)
			if err != nil || len(loaded) != len(chs) {
				t.Fatalf("automerge-go rejects our compressed changes: %v (%d of %d)", err, len(loaded), len(chs))
			}
			for i := range loaded {
				if loaded[i].Hash() != chs[i].Hash() {
					t.Fatalf("change %d: hash after our compression differs", i)
				}
			}
			re, err := automerge.Load(all)
			if err != nil {
				t.Fatalf("automerge-go cannot load our compressed changes: %v", err)
			}
			if got, want := re.Heads(), doc.Heads(); len(got) != len(want) || got[0] != want[0] {
				t.Fatalf("heads after load %v, want %v", got, want)
			}
		})
	}
}

func encodeHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
