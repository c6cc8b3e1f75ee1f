package format

import (
	"fmt"
	"iter"
	"math"
)

// A document chunk's contents: actors (count, then length-prefixed, sorted),
// heads (count, then 32-byte hashes), the change column table, the op
// column table, the change column data, the op column data, and one uleb
// change index per head. Columns of DeflateMinSize bytes or more are
// deflated.

// DecodeDocument decodes one document chunk with nothing after it.
func DecodeDocument(b []byte) (*Document, error) {
	d, err := DecodeDocumentLazy(b)
	if err != nil {
		return nil, err
	}
	return d.decodeOps()
}

// DocumentFromChunk decodes a document chunk returned by ReadChunk or
// SplitChunks.
func DocumentFromChunk(ch Chunk) (*Document, error) {
	d, err := LazyDocumentFromChunk(ch)
	if err != nil {
		return nil, err
	}
	return d.decodeOps()
}

// docOpColumns is a document's op columns, not yet decoded, and the number
// of rows (ops plus succ entries) they may hold.
type docOpColumns struct {
	cols  columnSet
	limit int
}

// parseDocumentHeader decodes everything in a document chunk but its ops,
// which it returns as columns.
func parseDocumentHeader(data []byte) (*Document, docOpColumns, error) {
	r := reader{b: data}
	d := &Document{}
	n, err := r.count(1)
	if err != nil {
		return nil, docOpColumns{}, fmt.Errorf("actors: %w", err)
	}
	d.Actors = make([][]byte, n)
	for i := range d.Actors {
		if d.Actors[i], err = readActor(&r); err != nil {
			return nil, docOpColumns{}, fmt.Errorf("actor %d: %w", i, err)
		}
	}
	if n, err = r.count(32); err != nil {
		return nil, docOpColumns{}, fmt.Errorf("heads: %w", err)
	}
	d.Heads = make([]ChangeHash, n)
	for i := range d.Heads {
		h, _ := r.take(32) // count checked the length
		copy(d.Heads[i][:], h)
	}
	changeHdrs, err := readColumnHeaders(&r)
	if err != nil {
		return nil, docOpColumns{}, fmt.Errorf("change columns: %w", err)
	}
	opHdrs, err := readColumnHeaders(&r)
	if err != nil {
		return nil, docOpColumns{}, fmt.Errorf("op columns: %w", err)
	}
	budget := maxInflated
	changeCols, err := readColumnData(&r, changeHdrs, true, &budget)
	if err != nil {
		return nil, docOpColumns{}, fmt.Errorf("change columns: %w", err)
	}
	opCols, err := readColumnData(&r, opHdrs, true, &budget)
	if err != nil {
		return nil, docOpColumns{}, fmt.Errorf("op columns: %w", err)
	}
	if !r.done() {
		d.HeadIndexes = make([]uint64, len(d.Heads))
		for i := range d.HeadIndexes {
			if d.HeadIndexes[i], err = r.uleb(); err != nil {
				return nil, docOpColumns{}, fmt.Errorf("head index %d: %w", i, err)
			}
		}
		if !r.done() {
			return nil, docOpColumns{}, fmt.Errorf("%d bytes after head indexes: %w", r.remaining(), ErrTrailingData)
		}
	}
	// Rows are bounded by the bytes of the chunk, not by inflated bytes:
	// deflated padding must not buy a hostile input more rows.
	limit := rowLimit(len(data))
	if d.Changes, err = decodeChangeMetas(changeCols, len(d.Actors), limit); err != nil {
		return nil, docOpColumns{}, fmt.Errorf("change columns: %w", err)
	}
	for i, hi := range d.HeadIndexes {
		if hi >= uint64(len(d.Changes)) {
			return nil, docOpColumns{}, fmt.Errorf("head index %d is %d, only %d changes: %w", i, hi, len(d.Changes), ErrCorrupt)
		}
	}
	return d, docOpColumns{cols: opCols, limit: limit}, nil
}

// decodeChangeMetas decodes the change metadata columns.
func decodeChangeMetas(cs columnSet, numActors int, limit int) ([]ChangeMeta, error) {
	n, err := countRows(cs.get(specChActor), limit)
	if err != nil {
		return nil, fmt.Errorf("actor column: %w", err)
	}
	var (
		actor    = newUintDecoder(cs.get(specChActor))
		seq      = newDeltaDecoder(cs.get(specChSeq))
		maxOp    = newDeltaDecoder(cs.get(specChMaxOp))
		tm       = newDeltaDecoder(cs.get(specChTime))
		message  = newStrDecoder(cs.get(specChMessage))
		depCount = newUintDecoder(cs.get(specChDepGroup))
		deps     = newDeltaDecoder(cs.get(specChDeps))
		extraRaw = cs.get(specChExtraRaw)
		extra    = newValueDecoder(cs.get(specChExtraMeta), extraRaw)
		hasExtra = len(cs.get(specChExtraMeta)) > 0
	)
	metas := make([]ChangeMeta, n)
	budget := limit - n
	var depStore []uint64
	for i := range metas {
		m := &metas[i]
		a, ok, err := actor.next()
		if err != nil {
			return nil, fmt.Errorf("change %d actor: %w", i, err)
		}
		if !ok || a >= uint64(numActors) {
			return nil, fmt.Errorf("change %d actor %d of %d (null: %v): %w", i, a, numActors, !ok, ErrCorrupt)
		}
		m.Actor = uint32(a)
		var v int64
		if v, err = nextDelta(seq, false); err != nil {
			return nil, fmt.Errorf("change %d seq: %w", i, err)
		}
		m.Seq = uint64(v)
		if v, err = nextDelta(maxOp, false); err != nil {
			return nil, fmt.Errorf("change %d max op: %w", i, err)
		}
		m.MaxOp = uint64(v)
		if m.Time, err = nextDelta(tm, true); err != nil {
			return nil, fmt.Errorf("change %d time: %w", i, err)
		}
		if m.Message, _, err = message.next(); err != nil {
			return nil, fmt.Errorf("change %d message: %w", i, err)
		}
		k, ok, err := depCount.next()
		if err != nil {
			return nil, fmt.Errorf("change %d dependency count: %w", i, err)
		}
		if !ok {
			return nil, fmt.Errorf("change %d dependency count is null: %w", i, ErrCorrupt)
		}
		if k > uint64(budget) {
			return nil, fmt.Errorf("change %d: %d dependencies: %w", i, k, ErrTooLarge)
		}
		budget -= int(k)
		start := len(depStore)
		for j := uint64(0); j < k; j++ {
			v, err := nextDelta(deps, false)
			if err != nil {
				return nil, fmt.Errorf("change %d dependency: %w", i, err)
			}
			if v >= int64(n) {
				return nil, fmt.Errorf("change %d dependency %d of %d changes: %w", i, v, n, ErrCorrupt)
			}
			depStore = append(depStore, uint64(v))
		}
		if k > 0 {
			m.Deps = depStore[start:len(depStore):len(depStore)]
		}
		if hasExtra {
			var v Value
			if err := extra.next(&v); err != nil {
				return nil, fmt.Errorf("change %d extra bytes: %w", i, err)
			}
			if v.Type != ValueBytes {
				return nil, fmt.Errorf("change %d extra bytes have type %d: %w", i, v.Type, ErrCorrupt)
			}
			if len(v.Bytes) > 0 {
				m.Extra = v.Bytes
			}
		}
	}
	return metas, nil
}

// nextDelta reads a value that may not be null (nor negative unless
// allowed).
func nextDelta(d *deltaDecoder, negative bool) (int64, error) {
	v, ok, err := d.next()
	if err != nil {
		return 0, err
	}
	if !ok || (v < 0 && !negative) {
		return 0, fmt.Errorf("null or negative: %w", ErrCorrupt)
	}
	return v, nil
}

// EncodeDocument writes d as a document chunk, deflating columns of
// DeflateMinSize bytes or more as Automerge does. See Document for
// HeadIndexes.
func EncodeDocument(d *Document) ([]byte, error) {
	return encodeDocument(d, sliceOps(d.Ops), true)
}

// EncodeDocumentUncompressed is EncodeDocument without deflate. Automerge
// reads both forms.
func EncodeDocumentUncompressed(d *Document) ([]byte, error) {
	return encodeDocument(d, sliceOps(d.Ops), false)
}

// EncodeDocumentOps is EncodeDocument with the ops taken from ops, in
// document order, instead of d.Ops: each op is encoded as it comes, so a
// caller holding its ops in another form never builds an []Op (about 256
// bytes an op). ops may yield the same *Op every time, refilled; the
// encoder does not keep it. d.HeadIndexes must be set.
func EncodeDocumentOps(d *Document, ops iter.Seq[*Op]) ([]byte, error) {
	if len(d.HeadIndexes) != len(d.Heads) {
		return nil, fmt.Errorf("encode document: %d head indexes for %d heads: %w", len(d.HeadIndexes), len(d.Heads), ErrInvalidChange)
	}
	return encodeDocument(d, ops, true)
}

func encodeDocument(d *Document, ops iter.Seq[*Op], compress bool) ([]byte, error) {
	headIdx := d.HeadIndexes
	if len(headIdx) != len(d.Heads) {
		var err error
		if headIdx, err = computeHeadIndexes(d); err != nil {
			return nil, fmt.Errorf("encode document: head indexes: %w", err)
		}
	}
	changeCols, err := encodeChangeMetas(d.Changes, len(d.Actors))
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	opCols, err := encodeOps(ops, documentOps, len(d.Actors))
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	changeCols, opCols = packColumns(changeCols), packColumns(opCols)
	if compress {
		deflateColumns(changeCols, opCols)
	}

	body := make([]byte, 0, 64+len(d.Actors)*17+len(d.Heads)*33+columnsLen(changeCols)+columnsLen(opCols))
	body = AppendUleb(body, uint64(len(d.Actors)))
	for _, a := range d.Actors {
		body = appendBytes(body, a)
	}
	body = AppendUleb(body, uint64(len(d.Heads)))
	for _, h := range d.Heads {
		body = append(body, h[:]...)
	}
	body = appendColumnTable(body, changeCols)
	body = appendColumnTable(body, opCols)
	body = appendColumnData(body, changeCols)
	body = appendColumnData(body, opCols)
	for _, i := range headIdx {
		body = AppendUleb(body, i)
	}
	h := chunkHash(ChunkDocument, body)
	var sum [4]byte
	copy(sum[:], h[:4])
	return appendChunk(make([]byte, 0, len(body)+16), ChunkDocument, sum, body), nil
}

// encodeChangeMetas writes the change metadata columns, sorted by
// specification.
func encodeChangeMetas(ms []ChangeMeta, numActors int) ([]column, error) {
	var (
		actor, depCount = newUintEncoder(), newUintEncoder()
		seq, maxOp, tm  = newDeltaEncoder(), newDeltaEncoder(), newDeltaEncoder()
		deps            = newDeltaEncoder()
		message         = newStrEncoder()
		extra           = newValueEncoder()
	)
	for i := range ms {
		m := &ms[i]
		if int(m.Actor) >= numActors {
			return nil, fmt.Errorf("change %d actor %d: %w", i, m.Actor, ErrInvalidChange)
		}
		if m.Seq > math.MaxInt64 || m.MaxOp > math.MaxInt64 {
			return nil, fmt.Errorf("change %d seq %d or max op %d too large: %w", i, m.Seq, m.MaxOp, ErrInvalidChange)
		}
		actor.appendValue(uint64(m.Actor))
		seq.appendValue(int64(m.Seq))
		maxOp.appendValue(int64(m.MaxOp))
		tm.appendValue(m.Time)
		message.appendOrNull(m.Message)
		depCount.appendValue(uint64(len(m.Deps)))
		for _, dep := range m.Deps {
			if dep >= uint64(len(ms)) {
				return nil, fmt.Errorf("change %d dependency %d: %w", i, dep, ErrInvalidChange)
			}
			deps.appendValue(int64(dep))
		}
		extra.appendBytes(m.Extra)
	}
	return []column{
		{specChActor, actor.finish()},
		{specChSeq, seq.finish()},
		{specChMaxOp, maxOp.finish()},
		{specChTime, tm.finish()},
		{specChMessage, message.finish()},
		{specChDepGroup, depCount.finish()},
		{specChDeps, deps.finish()},
		{specChExtraMeta, extra.meta.finish()},
		{specChExtraRaw, extra.raw},
	}, nil
}
