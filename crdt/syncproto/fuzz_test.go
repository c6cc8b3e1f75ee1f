package syncproto

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func addGoldenSeeds(f *testing.F, kind string) {
	paths, _ := filepath.Glob("testdata/golden/*.bin")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if (kind == "state") == bytes.Contains([]byte(p), []byte("state")) {
			f.Add(raw)
		}
	}
}

// FuzzDecodeMessage feeds arbitrary bytes to the decoder and, when they
// decode, through a full receive and generate against a small graph. Nothing
// may panic; whatever decodes must re-encode to bytes that decode to the
// same encoding.
func FuzzDecodeMessage(f *testing.F) {
	addGoldenSeeds(f, "message")
	f.Add([]byte{TypeV2, 0, 0, 1, 0, 5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 7, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeMessage(raw)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrWrongType) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		enc := m.Encode()
		if m.Size() != len(enc) {
			t.Fatalf("Size %d, encoding has %d bytes", m.Size(), len(enc))
		}
		m2, err := DecodeMessage(enc)
		if err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if !bytes.Equal(m2.Encode(), enc) {
			t.Fatal("encoding is not stable")
		}
		g := NewChangeGraph()
		g.Apply(synthChange([]byte("fuzz"), 1, 1, nil))
		s := NewState()
		_ = Receive(g, s, m)
		Generate(g, s)
	})
}

// FuzzLoadSyncState feeds arbitrary bytes to the sync state decoder.
func FuzzLoadSyncState(f *testing.F) {
	addGoldenSeeds(f, "state")
	f.Add([]byte{stateType, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := DecodeState(raw)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrWrongType) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		enc := s.Encode()
		if !bytes.HasPrefix(raw, enc) {
			t.Fatalf("encoding %x is not a prefix of the input %x", enc, raw)
		}
	})
}
