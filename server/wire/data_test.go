package wire

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// rawData is a DataAppender over bytes; lie adds to the Size it reports.
type rawData struct {
	b   []byte
	lie int
}

func (r rawData) Size() int                  { return len(r.b) + r.lie }
func (r rawData) AppendTo(dst []byte) []byte { return append(dst, r.b...) }

// TestEncodeDataMatchesEncode checks EncodeData against the CBOR
// library's own encoding (Encode), across every form of the data's
// length head and with the optional routing fields present or not.
func TestEncodeDataMatchesEncode(t *testing.T) {
	sizes := []int{1, 23, 24, 255, 256, 65535, 65536, 70000}
	msgs := []Message{
		{Type: TypeSync, SenderID: "storage-server", TargetID: "peer-8vfp4gs0j", DocumentID: "2v3rkia9QeE2R9cBqPSwB1RjJmDw"},
		{Type: TypeRequest, SenderID: "s", TargetID: "t", DocumentID: "d"},
		{Type: TypeSync, SenderID: "a-sender-id-long-enough-to-need-a-one-byte-length-head", TargetID: "t", DocumentID: "d"},
	}
	codec := defaultCodec
	for _, m := range msgs {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/%d", m.Type, n), func(t *testing.T) {
				data := bytes.Repeat([]byte{0x42, 7, 0}, n/3+1)[:n]
				got, err := codec.EncodeData(m, rawData{b: data})
				if err != nil {
					t.Fatal(err)
				}
				full := m
				full.Data = data
				want, err := codec.Encode(full)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("EncodeData and Encode differ:\n%x\n%x", head(got), head(want))
				}
			})
		}
	}
}

// TestEncodeDataOtherFields covers a message whose data Encode would not
// put last: the bytes differ, the message does not.
func TestEncodeDataOtherFields(t *testing.T) {
	m := Message{Type: TypeEphemeral, SenderID: "s", TargetID: "t", DocumentID: "d", SessionID: "x", Count: 3}
	b, err := defaultCodec.EncodeData(m, rawData{b: []byte{0xa0}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.SessionID != "x" || got.Count != 3 || !bytes.Equal(got.Data, []byte{0xa0}) {
		t.Fatalf("decoded %+v", got)
	}
}

func TestEncodeDataRejects(t *testing.T) {
	sync := Message{Type: TypeSync, SenderID: "s", TargetID: "t", DocumentID: "d"}
	withData := sync
	withData.Data = []byte{1}
	tests := []struct {
		name string
		m    Message
		data rawData
	}{
		{"Data set as well", withData, rawData{b: []byte{1}}},
		{"no data", sync, rawData{}},
		{"Size says more than AppendTo writes", sync, rawData{b: []byte{1, 2}, lie: 1}},
		{"Size says less", sync, rawData{b: []byte{1, 2}, lie: -1}},
		{"missing document", Message{Type: TypeSync, SenderID: "s", TargetID: "t"}, rawData{b: []byte{1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := defaultCodec.EncodeData(tt.m, tt.data); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func head(b []byte) []byte { return b[:min(len(b), 96)] }
