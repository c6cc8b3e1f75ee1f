package wire

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode checks that no input panics or escapes the sentinel errors,
// and that whatever decodes cleanly re-encodes to a frame that decodes to
// the same message.
func FuzzDecode(f *testing.F) {
	for _, g := range loadGolden(f) {
		f.Add(g.frame)
	}
	f.Add([]byte{})
	f.Add([]byte{0xbf, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			for _, s := range []error{ErrMalformed, ErrTooLarge, ErrUnknownType, ErrInvalid} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps no sentinel", err)
		}
		out, err := Encode(m)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", m, err)
		}
		m2, err := Decode(out)
		if err != nil {
			t.Fatalf("decode re-encoded: %v", err)
		}
		if !reflect.DeepEqual(normalize(m), normalize(m2)) {
			t.Fatalf("round trip changed\n%+v\n%+v", m, m2)
		}
	})
}

// normalize maps the values Encode writes identically (nil and empty
// lists, which it omits or writes as []) to one form.
func normalize(m Message) Message {
	empty := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	m.Add, m.Remove, m.SupportedProtocolVersions = empty(m.Add), empty(m.Remove), empty(m.SupportedProtocolVersions)
	if len(m.NewHeads) == 0 {
		m.NewHeads = nil
	}
	for k, h := range m.NewHeads {
		h.Heads = empty(h.Heads)
		m.NewHeads[k] = h
	}
	return m
}
