package wire

import "errors"

// Sentinel errors. Every error Decode, Encode and Validate return wraps
// exactly one of them, so a caller can tell a broken peer (ErrMalformed,
// ErrTooLarge: close the socket) from a newer one (ErrUnknownType: ignore
// the frame) with errors.Is.
var (
	// ErrMalformed: the frame is not CBOR, not a map, or a field has the
	// wrong CBOR type.
	ErrMalformed = errors.New("wire: malformed message")
	// ErrTooLarge: the frame exceeds the codec's Limits.
	ErrTooLarge = errors.New("wire: message exceeds limits")
	// ErrUnknownType: the type field is missing or names no v1 message.
	ErrUnknownType = errors.New("wire: unknown message type")
	// ErrInvalid: a field the message type requires is missing or empty.
	ErrInvalid = errors.New("wire: invalid message")
)
