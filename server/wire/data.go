package wire

import (
	"bytes"
	"fmt"
)

// DataAppender is a message's data that writes itself into the frame:
// Size bytes, appended by AppendTo. A relay's answer to a new peer
// carries a whole document; encoding it straight into the frame copies it
// once, where Encode takes it already encoded and copies it again.
type DataAppender interface {
	Size() int
	AppendTo(dst []byte) []byte
}

// EncodeData encodes m with data as its data field; m.Data must be
// empty. The data field comes last in the frame, which is where Encode
// puts it in every message that has data and none of the fields of join,
// error or ephemeral: for such a message (request, sync) the frame is
// byte for byte the one Encode returns for m with Data set to data's
// bytes.
func (c *Codec) EncodeData(m Message, data DataAppender) ([]byte, error) {
	if len(m.Data) > 0 {
		return nil, fmt.Errorf("%w: %s with both Data and a DataAppender", ErrInvalid, m.Type)
	}
	n := data.Size()
	if err := m.validate(n); err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, frameRoom(m)+n))
	if err := c.enc.MarshalToBuffer(toWire(m), buf); err != nil {
		return nil, fmt.Errorf("wire: encode %s: %w", m.Type, err)
	}
	b := buf.Bytes()
	if n == 0 {
		return b, nil // nothing to add, as omitempty leaves the field out
	}
	// The library writes a map of fewer than 24 pairs with a one-byte
	// head (major type 5); one more pair keeps it one byte.
	if len(b) == 0 || b[0]>>5 != majorMap || b[0]&0x1f >= 23 {
		m.Data = data.AppendTo(nil)
		return c.Encode(m)
	}
	b[0]++
	b = appendHead(append(b, dataKey...), majorBytes, uint64(n))
	start := len(b)
	b = data.AppendTo(b)
	if len(b)-start != n {
		return nil, fmt.Errorf("%w: %s data wrote %d bytes, its Size said %d", ErrInvalid, m.Type, len(b)-start, n)
	}
	return b, nil
}

// CBOR major types, and the data field's key as CBOR text.
const (
	majorBytes = 2
	majorMap   = 5
)

var dataKey = []byte{3<<5 | 4, 'd', 'a', 't', 'a'}

// frameRoom bounds the bytes of m's frame other than its data, for a
// message of the kinds EncodeData is for: map head, keys, heads of the
// values, and the string values.
func frameRoom(m Message) int {
	return 64 + len(m.Type) + len(m.SenderID) + len(m.TargetID) + len(m.DocumentID)
}

// appendHead appends the head of a CBOR data item: its major type and
// argument, in the shortest form, as every CBOR encoder writes it.
func appendHead(dst []byte, major byte, v uint64) []byte {
	m := major << 5
	switch {
	case v < 24:
		return append(dst, m|byte(v))
	case v <= 0xff:
		return append(dst, m|24, byte(v))
	case v <= 0xffff:
		return append(dst, m|25, byte(v>>8), byte(v))
	case v <= 0xffffffff:
		return append(dst, m|26, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return append(dst, m|27, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
			byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
}
