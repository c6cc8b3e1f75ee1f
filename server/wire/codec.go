package wire

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Codec decodes and encodes protocol messages under fixed Limits. It is
// immutable and safe for concurrent use.
type Codec struct {
	limits Limits
	dec    cbor.DecMode
	enc    cbor.UserBufferEncMode
}

// NewCodec builds a Codec. It fails if a limit is out of the range the CBOR
// library supports.
func NewCodec(l Limits) (*Codec, error) {
	if l.MaxMessageBytes <= 0 {
		return nil, fmt.Errorf("wire: MaxMessageBytes %d must be positive", l.MaxMessageBytes)
	}
	if l.MaxNesting < minNesting || l.MaxNesting > maxNesting {
		return nil, fmt.Errorf("wire: MaxNesting %d out of range [%d, %d]", l.MaxNesting, minNesting, maxNesting)
	}
	if l.MaxElements < minElements {
		return nil, fmt.Errorf("wire: MaxElements %d below %d", l.MaxElements, minElements)
	}
	dec, err := decOptions(l).DecMode()
	if err != nil {
		return nil, fmt.Errorf("wire: decoder options: %w", err)
	}
	enc, err := cbor.EncOptions{
		// A client iterates heads and add/remove lists; an empty array is
		// safe where null is not.
		NilContainers: cbor.NilContainerAsEmpty,
	}.UserBufferEncMode()
	if err != nil {
		return nil, fmt.Errorf("wire: encoder options: %w", err)
	}
	return &Codec{limits: l, dec: dec, enc: enc}, nil
}

// decOptions says how frames from cbor-x are read: unknown fields are
// skipped, field names must match exactly, duplicate keys are rejected
// (two readers could otherwise disagree about a message), and every array,
// map and nesting level is bounded.
func decOptions(l Limits) cbor.DecOptions {
	return cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:   l.MaxNesting,
		MaxArrayElements:  l.MaxElements,
		MaxMapPairs:       l.MaxElements,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		UTF8:              cbor.UTF8RejectInvalid,
	}
}

// Limits returns the limits c enforces.
func (c *Codec) Limits() Limits { return c.limits }

// Decode parses one frame and validates it (see Message.Validate). On
// ErrUnknownType the returned Message still holds what was decoded, so a
// caller can log the type it ignores.
func (c *Codec) Decode(b []byte) (Message, error) {
	if len(b) > c.limits.MaxMessageBytes {
		return Message{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), c.limits.MaxMessageBytes)
	}
	if len(b) == 0 || b[0]>>5 != majorMap {
		return Message{}, fmt.Errorf("%w: top level is not a CBOR map", ErrMalformed)
	}
	var m Message
	if err := c.dec.Unmarshal(b, &m); err != nil {
		return Message{}, classify(err)
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	return m, nil
}

// Encode validates m and writes it as one frame: a CBOR map with text keys
// in which empty optional fields are left out.
func (c *Codec) Encode(m Message) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := c.enc.Marshal(toWire(m))
	if err != nil {
		return nil, fmt.Errorf("wire: encode %s: %w", m.Type, err)
	}
	return b, nil
}

// classify wraps a CBOR library error in the sentinel a caller acts on.
func classify(err error) error {
	var (
		nest *cbor.MaxNestedLevelError
		arr  *cbor.MaxArrayElementsError
		mp   *cbor.MaxMapPairsError
	)
	if errors.As(err, &nest) || errors.As(err, &arr) || errors.As(err, &mp) {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// defaultCodec serves the package-level Decode and Encode. It is built once
// from DefaultLimits and never changed.
var defaultCodec = func() *Codec {
	c, err := NewCodec(DefaultLimits())
	if err != nil {
		panic(fmt.Sprintf("wire: default limits rejected: %v", err))
	}
	return c
}()

// Decode decodes one frame with DefaultLimits; see Codec.Decode.
func Decode(b []byte) (Message, error) { return defaultCodec.Decode(b) }

// Encode encodes one frame; see Codec.Encode.
func Encode(m Message) ([]byte, error) { return defaultCodec.Encode(m) }
