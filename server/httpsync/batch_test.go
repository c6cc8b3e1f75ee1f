package httpsync_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/wire"
)

func testCodec(t testing.TB) *wire.Codec {
	c, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBatchRoundTrip(t *testing.T) {
	codec := testCodec(t)
	msgs := []wire.Message{
		{Type: wire.TypeRequest, SenderID: "p", TargetID: "r", DocumentID: "d1", Data: []byte{1, 2}},
		{Type: wire.TypeSync, SenderID: "p", TargetID: "r", DocumentID: "d2", Data: []byte{3}},
	}
	b, err := httpsync.EncodeBatch(codec, msgs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := httpsync.DecodeBatch(codec, b)
	if err != nil || len(got) != 2 || got[1].DocumentID != "d2" || !bytes.Equal(got[0].Data, []byte{1, 2}) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

func TestDecodeBatchRejects(t *testing.T) {
	codec := testCodec(t)
	tooMany := []byte{0x98, httpsync.MaxBatch + 1}
	for range httpsync.MaxBatch + 1 {
		tooMany = append(tooMany, 0x40)
	}
	cases := map[string][]byte{
		"empty body":      nil,
		"empty array":     {0x80},
		"a map":           {0xa0},
		"ints":            {0x82, 0x01, 0x02},
		"too many":        tooMany,
		"bad message":     {0x81, 0x43, 'a', 'b', 'c'},
		"trailing bytes":  {0x80, 0x00},
		"nested too deep": {0x81, 0x81, 0x81, 0x81, 0x81, 0x40},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := httpsync.DecodeBatch(codec, body); !errors.Is(err, httpsync.ErrBadBatch) {
				t.Fatalf("DecodeBatch = %v, want ErrBadBatch", err)
			}
		})
	}
}

// FuzzDecodeBatch: any body decodes to messages or ErrBadBatch, never a
// panic, and what decodes re-encodes to a batch that decodes the same.
func FuzzDecodeBatch(f *testing.F) {
	codec := testCodec(f)
	good, _ := httpsync.EncodeBatch(codec, []wire.Message{{Type: wire.TypeSync, SenderID: "p", TargetID: "r", DocumentID: "d", Data: []byte{1}}})
	f.Add(good)
	f.Add([]byte{0x80})
	f.Add([]byte{0x81, 0x40})
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := httpsync.DecodeBatch(codec, body)
		if err != nil {
			if !errors.Is(err, httpsync.ErrBadBatch) {
				t.Fatalf("error %v does not wrap ErrBadBatch", err)
			}
			return
		}
		again, err := httpsync.EncodeBatch(codec, msgs)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if back, err := httpsync.DecodeBatch(codec, again); err != nil || len(back) != len(msgs) {
			t.Fatalf("re-decode: %d, %v", len(back), err)
		}
	})
}
