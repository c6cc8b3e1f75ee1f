package wire_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/server/wire"
)

// A relay answers a client's join with a peer message.
func Example() {
	join, _ := wire.Encode(wire.Message{
		Type:                      wire.TypeJoin,
		SenderID:                  "peer-8vfp4gs0j",
		PeerMetadata:              &wire.PeerMetadata{IsEphemeral: true},
		SupportedProtocolVersions: []string{wire.ProtocolV1},
	})

	m, err := wire.Decode(join)
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, _ := wire.Encode(wire.Message{
		Type:                    wire.TypePeer,
		SenderID:                "relay",
		TargetID:                m.SenderID,
		PeerMetadata:            &wire.PeerMetadata{StorageID: "3f1c9b9e-0000-4000-8000-000000000000"},
		SelectedProtocolVersion: wire.ProtocolV1,
	})
	back, _ := wire.Decode(reply)
	fmt.Println(m.Type, m.SenderID, "->", back.Type, back.TargetID)
	// Output: join peer-8vfp4gs0j -> peer peer-8vfp4gs0j
}

// Decode's errors say what to do with a bad frame.
func ExampleDecode() {
	_, err := wire.Decode([]byte{0x81, 0x01}) // a CBOR array, not a map
	fmt.Println(errors.Is(err, wire.ErrMalformed))

	frame, _ := wire.Encode(wire.Message{Type: wire.TypeJoin, SenderID: "p"})
	_, err = wire.Decode(bytes.Replace(frame, []byte("join"), []byte("jump"), 1))
	fmt.Println(errors.Is(err, wire.ErrUnknownType))
	// Output:
	// true
	// true
}

func ExampleNewCodec() {
	c, err := wire.NewCodec(wire.Limits{MaxMessageBytes: 1 << 20, MaxNesting: 8, MaxElements: 1024})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.Decode(make([]byte, 2<<20))
	fmt.Println(errors.Is(err, wire.ErrTooLarge))
	// Output: true
}

// syncBytes stands for an Automerge sync message that encodes itself.
type syncBytes []byte

func (s syncBytes) Size() int                  { return len(s) }
func (s syncBytes) AppendTo(dst []byte) []byte { return append(dst, s...) }

// A relay writes a large sync message straight into its frame.
func ExampleCodec_EncodeData() {
	codec, _ := wire.NewCodec(wire.DefaultLimits())
	frame, err := codec.EncodeData(wire.Message{
		Type: wire.TypeSync, SenderID: "relay", TargetID: "peer-8vfp4gs0j", DocumentID: "2v3rkia9QeE2R9cBqPSwB1RjJmDw",
	}, syncBytes{0x43, 0, 0, 0, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := wire.Decode(frame)
	fmt.Printf("%s %x\n", m.Type, m.Data)
	// Output: sync 4300000000
}
