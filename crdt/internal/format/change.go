package format

import (
	"bytes"
	"fmt"
	"iter"
	"math"
	"unicode/utf8"
)

// A change chunk's contents: dependencies (count, then 32-byte hashes),
// author (length-prefixed), seq, start op, time (signed), message
// (length-prefixed), other actors (count, then length-prefixed), the op
// column table and data, and any extra bytes to the end.

// EncodeChange writes c as a change chunk, sets c.Hash and c.Raw and
// returns the chunk. It writes exactly what c holds: Deps, the actor table
// and each op's Pred in the given order, so that a decoded change
// re-encodes to the same bytes. Callers building new changes must sort Deps
// by hash, list other actors sorted after the author, and sort Pred by
// (counter, actor ID), as Automerge does.
func EncodeChange(c *Change) ([]byte, error) {
	return encodeChange(c, sliceOps(c.Ops))
}

// EncodeChangeOps is EncodeChange with the ops taken from ops instead of
// c.Ops, which is not read; like EncodeDocumentOps, it encodes each op as
// it comes, and ops may yield the same *Op every time, refilled.
func EncodeChangeOps(c *Change, ops iter.Seq[*Op]) ([]byte, error) {
	return encodeChange(c, ops)
}

func encodeChange(c *Change, ops iter.Seq[*Op]) ([]byte, error) {
	if len(c.Actors) == 0 {
		return nil, fmt.Errorf("encode change: no author: %w", ErrInvalidChange)
	}
	if c.StartOp == 0 {
		return nil, fmt.Errorf("encode change: start op is 0: %w", ErrInvalidChange)
	}
	cols, err := encodeOps(ops, changeOps, len(c.Actors))
	if err != nil {
		return nil, fmt.Errorf("encode change: %w", err)
	}
	cols = packColumns(cols)

	body := make([]byte, 0, 128+32*len(c.Deps)+len(c.Message)+len(c.Extra)+columnsLen(cols))
	body = AppendUleb(body, uint64(len(c.Deps)))
	for _, d := range c.Deps {
		body = append(body, d[:]...)
	}
	body = appendBytes(body, c.Actors[0])
	body = AppendUleb(body, c.Seq)
	body = AppendUleb(body, c.StartOp)
	body = AppendSleb(body, c.Time)
	body = appendBytes(body, []byte(c.Message))
	body = AppendUleb(body, uint64(len(c.Actors)-1))
	for _, a := range c.Actors[1:] {
		body = appendBytes(body, a)
	}
	body = appendColumnTable(body, cols)
	body = appendColumnData(body, cols)
	body = append(body, c.Extra...)

	c.Hash = chunkHash(ChunkChange, body)
	var sum [4]byte
	copy(sum[:], c.Hash[:4])
	c.Raw = appendChunk(make([]byte, 0, len(body)+16), ChunkChange, sum, body)
	return c.Raw, nil
}

func appendBytes(dst, b []byte) []byte {
	dst = AppendUleb(dst, uint64(len(b)))
	return append(dst, b...)
}

func columnsLen(cols []column) int {
	n := 0
	for _, c := range cols {
		n += len(c.data) + 10
	}
	return n
}

// checkOpActors checks every actor index in op i against an actor table of
// n entries, that list IDs are not zero, and that counters fit the signed
// delta columns.
func checkOpActors(i int, op *Op, n int, layout opLayout) error {
	bad := func(what string, id OpID) error {
		return fmt.Errorf("op %d: %s %d@%d: %w", i, what, id.Counter, id.Actor, ErrInvalidChange)
	}
	ok := func(id OpID) bool { return int(id.Actor) < n && id.Counter <= math.MaxInt64 }
	if !op.Obj.IsZero() && !ok(op.Obj) {
		return bad("obj", op.Obj)
	}
	if !op.Key.IsProp && !op.Key.Elem.IsZero() && !ok(op.Key.Elem) {
		return bad("key", op.Key.Elem)
	}
	list := op.Pred
	if layout == documentOps {
		if op.ID.IsZero() || !ok(op.ID) {
			return bad("id", op.ID)
		}
		list = op.Succ
	}
	for _, id := range list {
		if id.IsZero() || !ok(id) {
			return bad("pred/succ", id)
		}
	}
	return nil
}

// DecodeChange decodes one change chunk, plain or compressed, with nothing
// after it. Hash is computed over the uncompressed chunk, which Raw holds.
// The result shares no memory with b.
func DecodeChange(b []byte) (*Change, error) {
	c, err := decodeChange(b, true)
	if err != nil {
		return nil, fmt.Errorf("decode change: %w", err)
	}
	return c, nil
}

// DecodeChangeHeader is DecodeChange without the ops: it fills everything
// but Ops (hash, actors, seq, start op, time, message, deps, extra, Raw)
// and does not read the op columns, which makes it cheap for the sync
// protocol and for storage indexing.
func DecodeChangeHeader(b []byte) (*Change, error) {
	c, err := decodeChange(b, false)
	if err != nil {
		return nil, fmt.Errorf("decode change header: %w", err)
	}
	return c, nil
}

func decodeChange(b []byte, withOps bool) (*Change, error) {
	ch, rest, err := ReadChunk(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the chunk: %w", len(rest), ErrTrailingData)
	}
	return changeFromChunk(ch, withOps)
}

// ChangeFromChunk decodes a change or compressed change chunk returned by
// ReadChunk or SplitChunks.
func ChangeFromChunk(ch Chunk) (*Change, error) {
	c, err := changeFromChunk(ch, true)
	if err != nil {
		return nil, fmt.Errorf("decode change: %w", err)
	}
	return c, nil
}

func changeFromChunk(ch Chunk, withOps bool) (*Change, error) {
	raw, data, hash, err := changeBytes(ch, false)
	if err != nil {
		return nil, err
	}
	c, err := parseChangeBody(data, withOps)
	if err != nil {
		return nil, err
	}
	c.Hash = hash
	c.Raw = raw
	return c, nil
}

// changeBytes returns a change chunk's bytes (raw, inflated if ch is
// compressed), its data (the part after the header) and its hash. The
// bytes are a copy of ch's unless owned says the caller hands ch's over;
// an inflated chunk is always new.
func changeBytes(ch Chunk, owned bool) (raw, data []byte, hash ChangeHash, err error) {
	switch ch.Type {
	case ChunkChange:
		raw = ch.Bytes
		if !owned {
			// Copy, so that the change does not pin or alias the caller's buffer.
			raw = bytes.Clone(ch.Bytes)
		}
		data = raw[len(raw)-len(ch.Data):]
		if ch.hashed {
			hash = ch.hash
		} else {
			hash = chunkHash(ChunkChange, data)
		}
	case ChunkCompressed:
		budget := maxInflated
		inflated, err := inflate(ch.Data, &budget)
		if err != nil {
			return nil, nil, hash, err
		}
		raw = appendChunk(make([]byte, 0, len(inflated)+16), ChunkChange, ch.Checksum, inflated)
		data = raw[len(raw)-len(inflated):]
		hash = chunkHash(ChunkChange, data)
		if !bytes.Equal(hash[:4], ch.Checksum[:]) {
			return nil, nil, hash, fmt.Errorf("compressed change: %w", ErrBadChecksum)
		}
	default:
		return nil, nil, hash, fmt.Errorf("%s chunk: %w", ch.Type, ErrWrongChunkType)
	}
	return raw, data, hash, nil
}

// changeFields are a change's fields before its actor table's other
// actors, as views into its data.
type changeFields struct {
	deps         []byte // 32 bytes per dependency
	author       []byte
	seq, startOp uint64
	time         int64
	message      []byte
	otherActors  int
}

// readChangeFields reads a change's data up to its other actors, which r
// is left in front of, and checks what Automerge checks of those fields.
func readChangeFields(r *reader) (changeFields, error) {
	var f changeFields
	n, err := r.count(32)
	if err != nil {
		return f, fmt.Errorf("deps: %w", err)
	}
	f.deps, _ = r.take(uint64(n) * 32) // count checked the length
	if f.author, err = readOwnedActor(r); err != nil {
		return f, fmt.Errorf("author: %w", err)
	}
	if f.seq, err = r.uleb(); err != nil {
		return f, fmt.Errorf("seq: %w", err)
	}
	if f.startOp, err = r.uleb(); err != nil {
		return f, fmt.Errorf("start op: %w", err)
	}
	if f.startOp == 0 {
		return f, fmt.Errorf("start op is 0: %w", ErrCorrupt)
	}
	if f.time, err = r.sleb(); err != nil {
		return f, fmt.Errorf("time: %w", err)
	}
	msgLen, err := r.uleb()
	if err != nil {
		return f, fmt.Errorf("message: %w", err)
	}
	if f.message, err = r.take(msgLen); err != nil {
		return f, fmt.Errorf("message: %w", err)
	}
	if !utf8.Valid(f.message) {
		return f, fmt.Errorf("message is not UTF-8: %w", ErrCorrupt)
	}
	if f.otherActors, err = r.count(1); err != nil {
		return f, fmt.Errorf("other actors: %w", err)
	}
	return f, nil
}

// parseChangeBody parses a change chunk's data. data must belong to the
// change (changeFromChunk passes its own copy): actors are views into it.
func parseChangeBody(data []byte, withOps bool) (*Change, error) {
	r := reader{b: data}
	f, err := readChangeFields(&r)
	if err != nil {
		return nil, err
	}
	c := &Change{Seq: f.seq, StartOp: f.startOp, Time: f.time, Message: string(f.message)}
	if len(f.deps) > 0 {
		c.Deps = appendDeps(make([]ChangeHash, 0, len(f.deps)/32), f.deps)
	}
	c.Actors = make([][]byte, 1, f.otherActors+1)
	c.Actors[0] = f.author
	for i := 0; i < f.otherActors; i++ {
		a, err := readOwnedActor(&r)
		if err != nil {
			return nil, fmt.Errorf("actor %d: %w", i+1, err)
		}
		c.Actors = append(c.Actors, a)
	}
	var cs columnSet
	if withOps {
		hs, err := readColumnHeaders(&r)
		if err != nil {
			return nil, fmt.Errorf("op columns: %w", err)
		}
		budget := 0
		if cs, err = readColumnData(&r, hs, false, &budget); err != nil {
			return nil, fmt.Errorf("op columns: %w", err)
		}
	} else if err := skipChangeColumns(&r); err != nil {
		return nil, fmt.Errorf("op columns: %w", err)
	}
	if !r.done() {
		c.Extra = append([]byte{}, r.b[r.off:]...)
	}
	if !withOps {
		return c, nil
	}
	if c.Ops, err = decodeOps(cs, changeOps, len(c.Actors), rowLimit(len(data))); err != nil {
		return nil, err
	}
	if len(c.Ops) == 0 {
		c.Ops = nil
	}
	return c, nil
}

// appendDeps appends the hashes packed in deps, 32 bytes each.
func appendDeps(dst []ChangeHash, deps []byte) []ChangeHash {
	for i := 0; i+32 <= len(deps); i += 32 {
		dst = append(dst, ChangeHash(deps[i:i+32]))
	}
	return dst
}

// readOwnedActor reads a length-prefixed actor ID as a capped view of the
// input, for input the change owns (parseChangeBody reads the change's own
// copy of its chunk, so its actors need no copy of their own).
func readOwnedActor(r *reader) ([]byte, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	b, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return b[:len(b):len(b)], nil
}

// readActor reads a length-prefixed actor ID, copying it out of the input.
func readActor(r *reader) ([]byte, error) {
	b, err := readOwnedActor(r)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// CompressChange returns the deflate-compressed chunk (type 2) for an
// uncompressed change chunk, as Automerge writes for changes over
// DeflateMinSize bytes; smaller changes are returned unchanged. The
// compressed chunk carries the uncompressed change's checksum.
func CompressChange(raw []byte) ([]byte, error) {
	ch, rest, err := ReadChunk(raw)
	if err != nil {
		return nil, fmt.Errorf("compress change: %w", err)
	}
	if ch.Type != ChunkChange || len(rest) != 0 {
		return nil, fmt.Errorf("compress change: not a single change chunk: %w", ErrWrongChunkType)
	}
	if len(raw) <= DeflateMinSize {
		return raw, nil
	}
	return appendChunk(nil, ChunkCompressed, ch.Checksum, deflate(ch.Data)), nil
}
