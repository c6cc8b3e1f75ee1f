package wire

import (
	"fmt"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// jsUint is a non-negative integer written by JavaScript. cbor-x writes a
// number that does not fit 32 bits as a float (Date.now() timestamps arrive
// as float64), so an integral float is accepted as well as a CBOR uint.
type jsUint uint64

// maxSafeInteger is JavaScript's Number.MAX_SAFE_INTEGER: larger floats are
// not exact integers any more.
const maxSafeInteger = 1<<53 - 1

func (n *jsUint) UnmarshalCBOR(b []byte) error {
	var v any
	if err := nestedDecMode.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case uint64:
		*n = jsUint(x)
	case float64:
		if x < 0 || x > maxSafeInteger || x != math.Trunc(x) {
			return fmt.Errorf("number %v is not a non-negative safe integer", x)
		}
		*n = jsUint(x)
	default:
		return fmt.Errorf("want a non-negative integer, got %T", v)
	}
	return nil
}

// UnmarshalCBOR decodes a HeadsAt whose timestamp may be a CBOR uint or an
// integral float (see jsUint).
func (h *HeadsAt) UnmarshalCBOR(b []byte) error {
	var aux struct {
		Heads     []string `cbor:"heads"`
		Timestamp jsUint   `cbor:"timestamp"`
	}
	if err := nestedDecMode.Unmarshal(b, &aux); err != nil {
		return err
	}
	*h = HeadsAt{Heads: aux.Heads, Timestamp: uint64(aux.Timestamp)}
	return nil
}

// nestedDecMode decodes the parts of a message handed to the custom
// unmarshalers above. The outer Codec has already checked the whole frame
// against its Limits, so this one needs none of its own. It is built once
// and never changed.
var nestedDecMode = mustDecMode(decOptions(DefaultLimits()))

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	dm, err := o.DecMode()
	if err != nil {
		panic(fmt.Sprintf("wire: bad built-in decoder options: %v", err))
	}
	return dm
}

// MarshalCBOR writes n the way cbor-x writes a JavaScript number: a uint
// when it fits 32 bits, else a float64. cbor-x reads a 64-bit CBOR uint as
// a BigInt, which automerge-repo's arithmetic on timestamps does not expect.
func (n jsUint) MarshalCBOR() ([]byte, error) {
	if n <= math.MaxUint32 {
		return cbor.Marshal(uint64(n))
	}
	if n > maxSafeInteger {
		return nil, fmt.Errorf("number %d exceeds JavaScript's safe integers", uint64(n))
	}
	return cbor.Marshal(float64(n))
}

// wireMessage is Message as Encode writes it: its JavaScript numbers
// shadow the plain uint64 fields.
type wireMessage struct {
	plainMessage
	Count    jsUint               `cbor:"count,omitzero"`
	NewHeads map[string]wireHeads `cbor:"newHeads,omitempty"`
}

// plainMessage is Message without its methods, so embedding it does not
// make wireMessage a Validate-r or recurse.
type plainMessage Message

type wireHeads struct {
	Heads     []string `cbor:"heads"`
	Timestamp jsUint   `cbor:"timestamp"`
}

func toWire(m Message) wireMessage {
	w := wireMessage{plainMessage: plainMessage(m), Count: jsUint(m.Count)}
	if len(m.NewHeads) > 0 {
		w.NewHeads = make(map[string]wireHeads, len(m.NewHeads))
		for k, h := range m.NewHeads {
			w.NewHeads[k] = wireHeads{Heads: h.Heads, Timestamp: jsUint(h.Timestamp)}
		}
	}
	return w
}
