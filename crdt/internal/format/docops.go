package format

import "fmt"

// Decoding a large document into an []Op costs about 256 bytes per op
// before anything is built from it. A LazyDocument keeps the op columns
// as they are and decodes them row by row, as often as a caller walks
// them, so that loading needs memory for the result rather than for a
// copy of the document.

// LazyDocument is a decoded document chunk whose ops have not been
// decoded: Document.Ops is nil, and ReadOps and EachOp walk them.
type LazyDocument struct {
	Document
	ops docOpColumns
}

// DecodeDocumentLazy is DecodeDocument without decoding the ops. It checks
// everything DecodeDocument checks but the op rows, which ReadOps checks as it
// reads them.
func DecodeDocumentLazy(b []byte) (*LazyDocument, error) {
	ch, rest, err := ReadChunk(b)
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("decode document: %d bytes after the chunk: %w", len(rest), ErrTrailingData)
	}
	return LazyDocumentFromChunk(ch)
}

// LazyDocumentFromChunk is DocumentFromChunk without decoding the ops.
func LazyDocumentFromChunk(ch Chunk) (*LazyDocument, error) {
	if ch.Type != ChunkDocument {
		return nil, fmt.Errorf("decode document: %s chunk: %w", ch.Type, ErrWrongChunkType)
	}
	d, ops, err := parseDocumentHeader(ch.Data)
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	return &LazyDocument{Document: *d, ops: ops}, nil
}

// decodeOps returns the document with its ops decoded.
func (d *LazyDocument) decodeOps() (*Document, error) {
	doc := d.Document
	var err error
	if doc.Ops, err = decodeOps(d.ops.cols, documentOps, len(d.Actors), d.ops.limit); err != nil {
		return nil, fmt.Errorf("decode document: op columns: %w", err)
	}
	return &doc, nil
}

// ReadOps returns a reader of the document's ops in document order.
func (d *LazyDocument) ReadOps() (*OpReader, error) {
	r, err := newOpReader(d.ops.cols, documentOps, len(d.Actors), d.ops.limit)
	if err != nil {
		return nil, fmt.Errorf("op columns: %w", err)
	}
	return &OpReader{r: r}, nil
}

// EachOp calls f with each op in document order, stopping at the first
// error. The op is valid only during the call.
func (d *LazyDocument) EachOp(f func(i int, op *Op) error) error {
	r, err := d.ReadOps()
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		op, err := r.Next()
		if op == nil || err != nil {
			return err
		}
		if err := f(i, op); err != nil {
			return err
		}
	}
}

// HasAction reports whether any op of the document has action a, reading
// only the action column.
func (d *LazyDocument) HasAction(a Action) (bool, error) {
	r := reader{b: d.ops.cols.get(specAction)}
	for !r.done() {
		n, err := r.sleb()
		if err != nil {
			return false, fmt.Errorf("action column: %w", err)
		}
		k := int64(1) // values to read: one for a run, each of a literal run
		switch {
		case n == 0: // a run of nulls: its length
			if _, err := r.uleb(); err != nil {
				return false, fmt.Errorf("action column: %w", err)
			}
			k = 0
		case n == -1<<63:
			return false, fmt.Errorf("action column: literal run length: %w", ErrCorrupt)
		case n < 0:
			k = -n
		}
		// Each value takes at least a byte, so a bogus length ends in an
		// error, not a long loop.
		for ; k > 0; k-- {
			v, err := r.uleb()
			if err != nil {
				return false, fmt.Errorf("action column: %w", err)
			}
			if Action(v) == a {
				return true, nil
			}
		}
	}
	return false, nil
}

// OpReader decodes a document's ops one at a time.
type OpReader struct {
	r   *opReader
	i   int
	op  Op
	ids []OpID
}

// Len is the number of ops.
func (r *OpReader) Len() int { return r.r.n }

// Next decodes the next op. The op, including its Succ, is valid until the
// next call. At the end it returns nil and no error.
func (r *OpReader) Next() (*Op, error) {
	if r.i == r.r.n {
		return nil, nil
	}
	r.op = Op{}
	r.ids = r.ids[:0]
	if err := r.r.next(&r.op, &r.ids); err != nil {
		return nil, fmt.Errorf("op %d: %w", r.i, err)
	}
	r.i++
	return &r.op, nil
}
