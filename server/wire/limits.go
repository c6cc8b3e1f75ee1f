package wire

// Limits bounds what a Codec decodes. The WebSocket layer caps the frame
// size too, but the decoder must not trust it: these bounds keep the work
// and memory one frame can cost proportional to its size.
type Limits struct {
	// MaxMessageBytes is the largest frame accepted. A first sync of a big
	// document carries the whole document, so this is generous.
	MaxMessageBytes int
	// MaxNesting bounds how deeply arrays and maps may nest, including in
	// fields this package ignores. Protocol messages need 4.
	MaxNesting int
	// MaxElements bounds the length of any one array or map.
	MaxElements int
}

// DefaultLimits returns the limits Decode and Encode use.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes: 64 << 20,
		MaxNesting:      16,
		MaxElements:     1 << 16,
	}
}

// Bounds the CBOR library accepts for its own limits.
const (
	minNesting  = 4
	maxNesting  = 65535
	minElements = 16
)
