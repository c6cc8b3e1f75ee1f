package repo

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// An HTTP sync body (docs/HTTP-SYNC.md) is a CBOR array of byte strings,
// each one automerge-repo message exactly as a WebSocket frame carries it.
// The relay's side is server/httpsync, whose package serves HTTP: linking
// it would pull net/http into the wasm build, so the app frames its
// batches here with the CBOR codec it already has.

// ErrBadBatch is wrapped by decodeBatch for a reply that is not a CBOR
// array of byte strings within the bounds below.
var ErrBadBatch = errors.New("repo: bad HTTP sync batch")

const (
	// maxBatch is the most messages one request carries (the relay's limit).
	maxBatch = 64
	// maxBatchBytes bounds the sync data of one request, well under the
	// relay's 16 MiB body limit.
	maxBatchBytes = 8 << 20
	// maxReplies bounds the messages of one reply.
	maxReplies = 4 * maxBatch
)

// batchDecMode decodes reply bodies: an array of at most maxReplies items,
// nothing nested deeper than the array of byte strings.
func batchDecMode() (cbor.DecMode, error) {
	return cbor.DecOptions{MaxArrayElements: maxReplies, MaxNestedLevels: 4, MaxMapPairs: 16}.DecMode()
}

// encodeBatch frames encoded messages as a request body.
func encodeBatch(frames [][]byte) ([]byte, error) {
	b, err := cbor.Marshal(frames)
	if err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	return b, nil
}

// decodeBatch splits a reply body into its frames; an empty array (a
// reply with nothing to say) gives none.
func decodeBatch(dm cbor.DecMode, body []byte) ([][]byte, error) {
	var frames [][]byte
	if err := dm.Unmarshal(body, &frames); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadBatch, err)
	}
	return frames, nil
}
