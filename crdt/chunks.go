package crdt

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// encodeChange encodes a change built by a local commit.
func encodeChange(fc *format.Change) ([]byte, error) {
	return format.EncodeChange(fc)
}

// loadChunks reads concatenated change and document chunks into changes,
// keeping the decoded ops of change chunks (they are usually applied next).
// A document chunk contributes the changes rebuilt from it.
func loadChunks(raw []byte) ([]*Change, error) {
	chunks, err := format.SplitChunks(raw)
	if err != nil {
		return nil, err
	}
	var out []*Change
	for i, ch := range chunks {
		if ch.Type == format.ChunkDocument {
			doc, err := format.DecodeDocumentLazy(ch.Bytes)
			if err != nil {
				return nil, fmt.Errorf("chunk %d: %w", i, err)
			}
			fcs, err := doc.RebuildChanges()
			if err != nil {
				return nil, fmt.Errorf("chunk %d: %w", i, err)
			}
			for _, fc := range fcs {
				out = append(out, changeFromFormat(fc, true))
			}
			continue
		}
		fc, err := format.ChangeFromChunk(ch)
		if err != nil {
			return nil, fmt.Errorf("chunk %d: %w", i, err)
		}
		out = append(out, changeFromFormat(fc, true))
	}
	return out, nil
}
