package format

import (
	"bytes"
	"cmp"
	"compress/flate"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Column types: the low three bits of a column specification.
const (
	colGroup         = 0
	colActor         = 1
	colInteger       = 2
	colDeltaInteger  = 3
	colBoolean       = 4
	colString        = 5
	colValueMetadata = 6
	colValue         = 7
)

// deflateBit marks a deflate-compressed column. It is not part of the
// column's identity or of the order columns are written in.
const deflateBit = 8

// DeflateMinSize is the column length from which Automerge compresses
// document columns, and above which it compresses change chunks when asked.
const DeflateMinSize = 256

// maxInflated caps the total bytes this package inflates for one chunk.
// Real documents (hundreds of thousands of ops) inflate to a few MiB.
const maxInflated = 256 << 20

func spec(id, typ uint32) uint32 { return id<<4 | typ }

// Column specifications used in change and document chunks.
var (
	specObjActor    = spec(0, colActor)
	specObjCtr      = spec(0, colInteger)
	specKeyActor    = spec(1, colActor)
	specKeyCtr      = spec(1, colDeltaInteger)
	specKeyStr      = spec(1, colString)
	specIDActor     = spec(2, colActor)
	specIDCtr       = spec(2, colDeltaInteger)
	specInsert      = spec(3, colBoolean)
	specAction      = spec(4, colInteger)
	specValMeta     = spec(5, colValueMetadata)
	specValRaw      = spec(5, colValue)
	specPredGroup   = spec(7, colGroup)
	specPredActor   = spec(7, colActor)
	specPredCtr     = spec(7, colDeltaInteger)
	specSuccGroup   = spec(8, colGroup)
	specSuccActor   = spec(8, colActor)
	specSuccCtr     = spec(8, colDeltaInteger)
	specExpand      = spec(9, colBoolean)
	specMarkName    = spec(10, colString)
	specChActor     = spec(0, colActor)
	specChSeq       = spec(0, colDeltaInteger)
	specChMaxOp     = spec(1, colDeltaInteger)
	specChTime      = spec(2, colDeltaInteger)
	specChMessage   = spec(3, colString)
	specChDepGroup  = spec(4, colGroup)
	specChDeps      = spec(4, colDeltaInteger)
	specChExtraMeta = spec(5, colValueMetadata)
	specChExtraRaw  = spec(5, colValue)
)

// column is one column: its specification (deflate bit cleared once
// inflated) and its bytes.
type column struct {
	spec uint32
	data []byte
}

// columnSet is a parsed column table, sorted by specification.
type columnSet []column

// get returns the data of the column with the given specification, or nil
// when the column is absent (Automerge omits empty columns).
func (cs columnSet) get(s uint32) []byte {
	for _, c := range cs {
		if c.spec&^deflateBit == s {
			return c.data
		}
	}
	return nil
}

// columnHeader is a column's specification and length as read from a
// column table, before its data is located.
type columnHeader struct {
	spec   uint32
	length uint64
}

// readColumnHeaders reads a column table: a count, then (spec, length)
// pairs. Specifications must be strictly increasing, ignoring the deflate bit.
func readColumnHeaders(r *reader) ([]columnHeader, error) {
	var hs []columnHeader
	err := walkColumnHeaders(r, func(n int, h columnHeader) error {
		if hs == nil {
			hs = make([]columnHeader, 0, n)
		}
		hs = append(hs, h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if hs == nil {
		hs = []columnHeader{}
	}
	return hs, nil
}

// walkColumnHeaders reads a column table as readColumnHeaders does,
// calling visit with the table's size and each header instead of keeping
// them.
func walkColumnHeaders(r *reader, visit func(n int, h columnHeader) error) error {
	n, err := r.count(2)
	if err != nil {
		return fmt.Errorf("column count: %w", err)
	}
	var total uint64
	var prev uint32
	for i := range n {
		s, err := r.uleb()
		if err != nil {
			return fmt.Errorf("column %d spec: %w", i, err)
		}
		if s > 0xffffffff {
			return fmt.Errorf("column %d spec %d: %w", i, s, ErrOverflow)
		}
		l, err := r.uleb()
		if err != nil {
			return fmt.Errorf("column %d length: %w", i, err)
		}
		if i > 0 && uint32(s)&^deflateBit <= prev&^deflateBit {
			return fmt.Errorf("column %d spec %#x not after %#x: %w", i, s, prev, ErrCorrupt)
		}
		total += l
		if l > uint64(len(r.b)) || total > uint64(len(r.b)) {
			return fmt.Errorf("column %d length %d exceeds input: %w", i, l, ErrTruncated)
		}
		prev = uint32(s)
		if err := visit(n, columnHeader{uint32(s), l}); err != nil {
			return err
		}
	}
	return nil
}

// skipChangeColumns checks a change's column table and steps over the
// column data, refusing what readColumnHeaders and readColumnData would
// refuse in a change, without keeping either: for readers that want a
// change's header only.
func skipChangeColumns(r *reader) error {
	var total uint64
	err := walkColumnHeaders(r, func(_ int, h columnHeader) error {
		if h.spec&deflateBit != 0 {
			return fmt.Errorf("column %#x is deflated in a change: %w", h.spec, ErrCorrupt)
		}
		total += h.length
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := r.take(total); err != nil {
		return fmt.Errorf("column data: %w", err)
	}
	return nil
}

// readColumnData slices the column data that follows the headers, inflating
// deflated columns if allowDeflate (documents); changes may not contain
// deflated columns. budget tracks inflated bytes across a chunk.
func readColumnData(r *reader, hs []columnHeader, allowDeflate bool, budget *int) (columnSet, error) {
	cs := make(columnSet, len(hs))
	for i, h := range hs {
		b, err := r.take(h.length)
		if err != nil {
			return nil, fmt.Errorf("column %#x data: %w", h.spec, err)
		}
		if h.spec&deflateBit != 0 {
			if !allowDeflate {
				return nil, fmt.Errorf("column %#x is deflated in a change: %w", h.spec, ErrCorrupt)
			}
			if b, err = inflate(b, budget); err != nil {
				return nil, fmt.Errorf("column %#x: %w", h.spec, err)
			}
		}
		cs[i] = column{spec: h.spec &^ deflateBit, data: b}
	}
	return cs, nil
}

// inflate decompresses raw deflate data, charging the output to budget.
func inflate(b []byte, budget *int) ([]byte, error) {
	fr := flate.NewReader(bytes.NewReader(b))
	defer fr.Close()
	var out bytes.Buffer
	n, err := io.Copy(&out, io.LimitReader(fr, int64(*budget)+1))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w: %w", ErrCorrupt, err)
	}
	if n > int64(*budget) {
		return nil, fmt.Errorf("inflated data over %d bytes: %w", maxInflated, ErrTooLarge)
	}
	*budget -= int(n)
	return out.Bytes(), nil
}

// deflate compresses b as raw deflate.
func deflate(b []byte) []byte {
	var z deflater
	return z.deflate(b)
}

// deflater compresses one buffer after another with one flate.Writer: a
// new Writer allocates and clears about 800 KiB of tables, more than most
// columns it compresses. Reset makes it write what a new one would.
type deflater struct {
	w *flate.Writer
}

func (z *deflater) deflate(b []byte) []byte {
	out := bytes.NewBuffer(make([]byte, 0, len(b)/2+64))
	if z.w == nil {
		z.w, _ = flate.NewWriter(out, flate.DefaultCompression) // level is valid, so no error
	} else {
		z.w.Reset(out)
	}
	_, _ = z.w.Write(b) // writes to a bytes.Buffer do not fail
	_ = z.w.Close()
	return out.Bytes()
}

// packColumns drops empty columns. cols must be sorted by specification.
func packColumns(cols []column) []column {
	kept := make([]column, 0, len(cols))
	for _, c := range cols {
		if len(c.data) > 0 {
			kept = append(kept, c)
		}
	}
	return kept
}

// deflateColumns deflates every column of DeflateMinSize bytes or more in
// tables, flagging it, as Automerge does in documents. Deflate is most of
// the cost of saving a large document and columns are independent, so up
// to GOMAXPROCS goroutines share them, largest first, each with its own
// deflater; which goroutine compressed a column does not change its bytes.
func deflateColumns(tables ...[]column) {
	var big []*column
	for _, t := range tables {
		for i := range t {
			if len(t[i].data) >= DeflateMinSize {
				big = append(big, &t[i])
			}
		}
	}
	slices.SortStableFunc(big, func(a, b *column) int { return cmp.Compare(len(b.data), len(a.data)) })
	var next atomic.Int64
	work := func() {
		var z deflater
		for i := next.Add(1) - 1; i < int64(len(big)); i = next.Add(1) - 1 {
			c := big[i]
			c.spec, c.data = c.spec|deflateBit, z.deflate(c.data)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(big)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// appendColumnTable writes the count and (spec, length) pairs of cols.
func appendColumnTable(dst []byte, cols []column) []byte {
	dst = AppendUleb(dst, uint64(len(cols)))
	for _, c := range cols {
		dst = AppendUleb(dst, uint64(c.spec))
		dst = AppendUleb(dst, uint64(len(c.data)))
	}
	return dst
}

// appendColumnData writes the bytes of cols, in order.
func appendColumnData(dst []byte, cols []column) []byte {
	for _, c := range cols {
		dst = append(dst, c.data...)
	}
	return dst
}
