package httpsync

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/commonplace/commonplace/server/wire"
)

// MaxBatch is the most messages one request or response carries.
const MaxBatch = 64

// ErrBadBatch is wrapped by DecodeBatch for a body that is not a CBOR
// array of at most MaxBatch byte strings, each one protocol message.
var ErrBadBatch = errors.New("httpsync: bad batch")

var batchDec = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxArrayElements: MaxBatch,
		MaxNestedLevels:  4,
		MaxMapPairs:      16,
	}.DecMode()
	if err != nil {
		panic(err) // constant options
	}
	return dm
}()

// DecodeBatch decodes a request or response body: a CBOR array whose
// items are byte strings, each holding one automerge-repo message encoded
// exactly as a WebSocket frame would carry it. codec bounds each message.
func DecodeBatch(codec *wire.Codec, body []byte) ([]wire.Message, error) {
	var frames [][]byte
	if err := batchDec.Unmarshal(body, &frames); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadBatch, err)
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("%w: no messages", ErrBadBatch)
	}
	msgs := make([]wire.Message, 0, len(frames))
	for i, f := range frames {
		m, err := codec.Decode(f)
		if err != nil {
			return nil, fmt.Errorf("%w: message %d: %w", ErrBadBatch, i, err)
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// EncodeBatch encodes msgs as a body DecodeBatch reads.
func EncodeBatch(codec *wire.Codec, msgs []wire.Message) ([]byte, error) {
	frames := make([][]byte, 0, len(msgs))
	for _, m := range msgs {
		f, err := codec.Encode(m)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", m.Type, err)
		}
		frames = append(frames, f)
	}
	b, err := cbor.Marshal(frames)
	if err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	return b, nil
}
