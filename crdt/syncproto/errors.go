package syncproto

import "errors"

// Sentinel errors callers may branch on with errors.Is.
var (
	// ErrMalformed reports bytes that are not a well-formed sync message or
	// sync state: truncated, overlong integers, counts larger than the input
	// could hold, or out-of-range bloom filter parameters.
	ErrMalformed = errors.New("syncproto: malformed input")
	// ErrWrongType reports a first byte that names neither a sync message
	// (0x42, 0x43) nor a saved sync state (0x43).
	ErrWrongType = errors.New("syncproto: wrong type byte")
)
