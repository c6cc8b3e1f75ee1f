package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// frame encodes a generic map the way a (possibly hostile) peer might.
func frame(t *testing.T, m map[string]any) []byte {
	t.Helper()
	b, err := cbor.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func syncFields() map[string]any {
	return map[string]any{"type": "sync", "senderId": "a", "targetId": "b", "documentId": "d", "data": []byte{0x42}}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestDecodeRejects(t *testing.T) {
	deep := bytes.Repeat([]byte{0x81}, 40) // 40 nested one-element arrays
	deep = append(deep, 0x01)
	cases := []struct {
		name  string
		frame func(t *testing.T) []byte
		want  error
	}{
		{"empty", func(t *testing.T) []byte { return nil }, ErrMalformed},
		{"array top level", func(t *testing.T) []byte { return mustHex(t, "8164") }, ErrMalformed},
		{"text top level", func(t *testing.T) []byte { return mustHex(t, "6473796e63") }, ErrMalformed},
		{"truncated map", func(t *testing.T) []byte { return mustHex(t, "b90002647479706564") }, ErrMalformed},
		{"trailing bytes", func(t *testing.T) []byte { return append(frame(t, syncFields()), 0x00) }, ErrMalformed},
		{"invalid utf8 key", func(t *testing.T) []byte { return mustHex(t, "a162ffff01") }, ErrMalformed},
		{"duplicate key", func(t *testing.T) []byte { return mustHex(t, "a2 6474797065 6473796e63 6474797065 6473796e63") }, ErrMalformed},
		{"type is a number", func(t *testing.T) []byte { return frame(t, with(syncFields(), "type", 7)) }, ErrMalformed},
		{"data is text", func(t *testing.T) []byte { return frame(t, with(syncFields(), "data", "xx")) }, ErrMalformed},
		{"senderId is bytes", func(t *testing.T) []byte { return frame(t, with(syncFields(), "senderId", []byte("a"))) }, ErrMalformed},
		{"count negative", func(t *testing.T) []byte { return frame(t, with(syncFields(), "count", -1)) }, ErrMalformed},
		{"add not array", func(t *testing.T) []byte { return frame(t, with(syncFields(), "add", "x")) }, ErrMalformed},
		{"peerMetadata not map", func(t *testing.T) []byte { return frame(t, with(syncFields(), "peerMetadata", 1)) }, ErrMalformed},
		{"timestamp fractional", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "remote-heads-changed", "senderId": "a", "targetId": "b", "documentId": "d",
				"newHeads": map[string]any{"s": map[string]any{"heads": []string{}, "timestamp": 1.5}}})
		}, ErrMalformed},
		{"timestamp text", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "remote-heads-changed", "senderId": "a", "targetId": "b", "documentId": "d",
				"newHeads": map[string]any{"s": map[string]any{"heads": []string{}, "timestamp": "now"}}})
		}, ErrMalformed},
		{"too deep in ignored field", func(t *testing.T) []byte {
			return append(mustHex(t, "a2 6474797065 6473796e63 656578747261"), deep...)
		}, ErrTooLarge},
		{"array too long", func(t *testing.T) []byte {
			return frame(t, with(syncFields(), "add", make([]string, DefaultLimits().MaxElements+1)))
		}, ErrTooLarge},
		{"huge claimed length", func(t *testing.T) []byte { return mustHex(t, "a1 6464617461 5b7fffffffffffffff") }, ErrMalformed},
		{"missing type", func(t *testing.T) []byte { return frame(t, with(syncFields(), "type", nil)) }, ErrUnknownType},
		{"unknown type", func(t *testing.T) []byte { return frame(t, with(syncFields(), "type", "leave")) }, ErrUnknownType},
		{"type case", func(t *testing.T) []byte { return frame(t, with(syncFields(), "type", "SYNC")) }, ErrUnknownType},
		{"sync without data", func(t *testing.T) []byte { return frame(t, with(syncFields(), "data", nil)) }, ErrInvalid},
		{"sync with empty data", func(t *testing.T) []byte { return frame(t, with(syncFields(), "data", []byte{})) }, ErrInvalid},
		{"sync without documentId", func(t *testing.T) []byte { return frame(t, with(syncFields(), "documentId", nil)) }, ErrInvalid},
		{"sync without targetId", func(t *testing.T) []byte { return frame(t, with(syncFields(), "targetId", nil)) }, ErrInvalid},
		{"request without senderId", func(t *testing.T) []byte {
			return frame(t, with(with(syncFields(), "type", "request"), "senderId", nil))
		}, ErrInvalid},
		{"join without senderId", func(t *testing.T) []byte { return frame(t, map[string]any{"type": "join"}) }, ErrInvalid},
		{"ephemeral without sessionId", func(t *testing.T) []byte {
			return frame(t, with(syncFields(), "type", "ephemeral"))
		}, ErrInvalid},
		{"doc-unavailable without documentId", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "doc-unavailable", "senderId": "a", "targetId": "b"})
		}, ErrInvalid},
		{"remote-heads-changed without documentId", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "remote-heads-changed", "senderId": "a", "targetId": "b"})
		}, ErrInvalid},
		{"field name case differs", func(t *testing.T) []byte {
			return frame(t, with(with(syncFields(), "documentId", nil), "DocumentID", "d"))
		}, ErrInvalid},
	}
	sentinels := []error{ErrMalformed, ErrTooLarge, ErrUnknownType, ErrInvalid}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.frame(t))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, s := range sentinels {
				if s != c.want && errors.Is(err, s) {
					t.Errorf("err %v also matches %v", err, s)
				}
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	cases := []struct {
		name  string
		frame func(t *testing.T) []byte
		check func(t *testing.T, m Message)
	}{
		{"map8 header and unknown fields", func(t *testing.T) []byte {
			return frame(t, with(syncFields(), "future", map[string]any{"x": []any{1, "y", nil}}))
		}, func(t *testing.T, m Message) {
			if m.Type != TypeSync || string(m.Data) != "\x42" {
				t.Errorf("%+v", m)
			}
		}},
		{"indefinite-length map", func(t *testing.T) []byte {
			return mustHex(t, "bf 6474797065 646a6f696e 6873656e6465724964 6161 ff")
		}, func(t *testing.T, m Message) {
			if m.Type != TypeJoin || m.SenderID != "a" {
				t.Errorf("%+v", m)
			}
		}},
		{"undefined and null optional fields", func(t *testing.T) []byte {
			return mustHex(t, "b90004 6474797065 646a6f696e 6873656e6465724964 6161 6c706565724d65746164617461 f6 781973757070"+
				"6f7274656450726f746f636f6c56657273696f6e73 f7")
		}, func(t *testing.T, m Message) {
			if m.PeerMetadata != nil || m.SupportedProtocolVersions != nil {
				t.Errorf("%+v", m)
			}
		}},
		{"integer timestamp", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "remote-heads-changed", "senderId": "a", "targetId": "b", "documentId": "d",
				"newHeads": map[string]any{"s": map[string]any{"heads": []string{"h"}, "timestamp": uint64(1 << 40)}}})
		}, func(t *testing.T, m Message) {
			if m.NewHeads["s"].Timestamp != 1<<40 || m.NewHeads["s"].Heads[0] != "h" {
				t.Errorf("%+v", m.NewHeads)
			}
		}},
		{"float32 timestamp", func(t *testing.T) []byte {
			return frame(t, map[string]any{"type": "remote-heads-changed", "senderId": "a", "targetId": "b", "documentId": "d",
				"newHeads": map[string]any{"s": map[string]any{"heads": []string{}, "timestamp": float32(1 << 33)}}})
		}, func(t *testing.T, m Message) {
			if m.NewHeads["s"].Timestamp != 1<<33 {
				t.Errorf("%+v", m.NewHeads)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(c.frame(t))
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, m)
		})
	}
}

func TestUnknownTypeKeepsMessage(t *testing.T) {
	m, err := Decode(frame(t, map[string]any{"type": "leave", "senderId": "a"}))
	if !errors.Is(err, ErrUnknownType) || m.Type != "leave" || m.SenderID != "a" {
		t.Fatalf("got %+v, %v", m, err)
	}
}

func TestCodecLimits(t *testing.T) {
	small, err := NewCodec(Limits{MaxMessageBytes: 32, MaxNesting: 4, MaxElements: 16})
	if err != nil {
		t.Fatal(err)
	}
	big := frame(t, with(syncFields(), "data", bytes.Repeat([]byte{1}, 64)))
	if _, err := small.Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized frame: %v", err)
	}
	if _, err := Decode(big); err != nil {
		t.Errorf("default codec: %v", err)
	}
	if got := small.Limits().MaxMessageBytes; got != 32 {
		t.Errorf("Limits() = %d", got)
	}
	for _, l := range []Limits{
		{MaxMessageBytes: 0, MaxNesting: 8, MaxElements: 16},
		{MaxMessageBytes: 1, MaxNesting: 3, MaxElements: 16},
		{MaxMessageBytes: 1, MaxNesting: 8, MaxElements: 15},
	} {
		if _, err := NewCodec(l); err == nil {
			t.Errorf("NewCodec(%+v) accepted", l)
		}
	}
}

func TestEncodeRejectsInvalid(t *testing.T) {
	for _, m := range []Message{
		{},
		{Type: "leave", SenderID: "a"},
		{Type: TypeSync, SenderID: "a", TargetID: "b", DocumentID: "d"},
		{Type: TypePeer, SenderID: "a"},
	} {
		if _, err := Encode(m); err == nil {
			t.Errorf("Encode(%+v) accepted", m)
		}
	}
}

func TestEncodeShape(t *testing.T) {
	b, err := Encode(Message{Type: TypePeer, SenderID: "s", TargetID: "c",
		PeerMetadata: &PeerMetadata{}, SelectedProtocolVersion: ProtocolV1})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := cbor.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "peer", "senderId": "s", "targetId": "c",
		"peerMetadata": map[any]any{"isEphemeral": false}, "selectedProtocolVersion": "1"}
	if len(got) != len(want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !equalish(g, v) {
			t.Errorf("%s = %#v, want %#v", k, g, v)
		}
	}
}

func equalish(a, b any) bool {
	ja, _ := cbor.Marshal(a)
	jb, _ := cbor.Marshal(b)
	return bytes.Equal(ja, jb)
}
