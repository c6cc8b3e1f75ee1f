package format

import "errors"

// Sentinel errors. Decoders wrap them with context; callers test with
// errors.Is.
var (
	// ErrTruncated means the input ended in the middle of a value.
	ErrTruncated = errors.New("truncated input")
	// ErrOverflow means a LEB128 number does not fit its destination type.
	ErrOverflow = errors.New("leb128 overflows")
	// ErrOverlong means a LEB128 number has redundant trailing bytes. Rust
	// Automerge never writes them and rejects them in chunk headers; we
	// reject them everywhere so that decoded bytes re-encode exactly.
	ErrOverlong = errors.New("leb128 not minimally encoded")
	// ErrBadMagic means a chunk does not start with 85 6f 4a 83.
	ErrBadMagic = errors.New("bad magic bytes")
	// ErrBadChecksum means a chunk's stored checksum does not match its
	// contents.
	ErrBadChecksum = errors.New("bad checksum")
	// ErrUnknownChunkType means a chunk type byte other than 0, 1 or 2.
	ErrUnknownChunkType = errors.New("unknown chunk type")
	// ErrWrongChunkType means a valid chunk of a type the caller did not
	// ask for (a document where a change was expected, say).
	ErrWrongChunkType = errors.New("wrong chunk type")
	// ErrTrailingData means bytes left over after a chunk or inside one.
	ErrTrailingData = errors.New("trailing data")
	// ErrCorrupt means structurally invalid content: columns out of order,
	// a null where a value is required, an index out of range and so on.
	ErrCorrupt = errors.New("corrupt data")
	// ErrTooLarge means the input claims more rows or inflated bytes than
	// this package is willing to allocate for an input of that size.
	ErrTooLarge = errors.New("input exceeds size limits")
	// ErrHeadsMismatch means the changes rebuilt from a document do not hash
	// to the heads the document records.
	ErrHeadsMismatch = errors.New("reconstructed heads do not match document heads")
	// ErrInvalidChange means a Change or Document given to an encoder
	// cannot be written (no author, an actor index out of range, ...).
	ErrInvalidChange = errors.New("invalid change")
)
