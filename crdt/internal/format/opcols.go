package format

import (
	"fmt"
	"iter"
)

// The op columns are shared by change chunks (with pred) and document
// chunks (with id and succ). opLayout says which of the two.
type opLayout uint8

const (
	changeOps opLayout = iota
	documentOps
)

// encodeOps writes the ops that ops yields as columns sorted by
// specification. Empty columns are included here and dropped by
// packColumns. ops may yield one Op refilled each time, so that callers
// holding ops in another form need not build an []Op. Every actor index
// is checked against numActors.
func encodeOps(ops iter.Seq[*Op], layout opLayout, numActors int) ([]column, error) {
	e := newOpEncoder(layout, numActors)
	for op := range ops {
		if err := e.add(op); err != nil {
			return nil, err
		}
	}
	return e.columns(), nil
}

// sliceOps yields the ops of a slice.
func sliceOps(ops []Op) iter.Seq[*Op] {
	return rowOps(len(ops), func(i int) *Op { return &ops[i] })
}

// rowOps yields row(0) to row(n-1).
func rowOps(n int, row func(int) *Op) iter.Seq[*Op] {
	return func(yield func(*Op) bool) {
		for i := range n {
			if !yield(row(i)) {
				return
			}
		}
	}
}

// opEncoder writes op rows into columns as they come, so that ops never
// need to exist all at once.
type opEncoder struct {
	layout    opLayout
	numActors int
	n         int // rows so far

	objActor, keyActor, idActor, listActor rleEncoder[uint64]
	objCtr, action, listCount              rleEncoder[uint64]
	keyCtr, idCtr, listCtr                 deltaEncoder
	keyStr, markName                       rleEncoder[string]
	insert, expand                         boolEncoder
	vals                                   valueEncoder
}

func newOpEncoder(layout opLayout, numActors int) *opEncoder {
	e := &opEncoder{layout: layout, numActors: numActors}
	for _, u := range []*rleEncoder[uint64]{&e.objActor, &e.keyActor, &e.idActor, &e.listActor, &e.objCtr, &e.action, &e.listCount, &e.vals.meta} {
		u.put = putUleb
	}
	for _, d := range []*deltaEncoder{&e.keyCtr, &e.idCtr, &e.listCtr} {
		d.rle.put = putSleb
	}
	e.keyStr.put, e.markName.put = putStr, putStr
	e.expand.maybe = true
	// A change usually has a few ops, and then most columns are a few
	// bytes: all of them start in one allocation rather than one (or
	// more, as each grows) apiece. A column that outgrows its share moves
	// out (the full slice expression caps it).
	bufs := [...]*[]byte{&e.objActor.buf, &e.keyActor.buf, &e.idActor.buf, &e.listActor.buf,
		&e.objCtr.buf, &e.action.buf, &e.listCount.buf, &e.keyCtr.rle.buf, &e.idCtr.rle.buf,
		&e.listCtr.rle.buf, &e.keyStr.buf, &e.markName.buf, &e.insert.buf, &e.expand.buf,
		&e.vals.meta.buf, &e.vals.raw}
	const seed = 16
	arena := make([]byte, len(bufs)*seed)
	for i, b := range bufs {
		*b = arena[i*seed : i*seed : (i+1)*seed]
	}
	return e
}

// add appends one op's row, checking its actor indexes.
func (e *opEncoder) add(op *Op) error {
	i := e.n
	if err := checkOpActors(i, op, e.numActors, e.layout); err != nil {
		return err
	}
	if op.Obj.IsZero() {
		e.objActor.appendNull()
		e.objCtr.appendNull()
	} else {
		e.objActor.appendValue(uint64(op.Obj.Actor))
		e.objCtr.appendValue(op.Obj.Counter)
	}
	switch {
	case op.Key.IsProp:
		e.keyActor.appendNull()
		e.keyCtr.appendNull()
		e.keyStr.appendValue(op.Key.Prop)
	case op.Key.Elem.IsZero():
		e.keyActor.appendNull()
		e.keyCtr.appendValue(0)
		e.keyStr.appendNull()
	default:
		e.keyActor.appendValue(uint64(op.Key.Elem.Actor))
		e.keyCtr.appendValue(int64(op.Key.Elem.Counter))
		e.keyStr.appendNull()
	}
	list := op.Pred
	if e.layout == documentOps {
		e.idActor.appendValue(uint64(op.ID.Actor))
		e.idCtr.appendValue(int64(op.ID.Counter))
		list = op.Succ
	}
	e.insert.append(op.Insert)
	e.action.appendValue(uint64(op.Action))
	if err := e.vals.append(&op.Value); err != nil {
		return fmt.Errorf("op %d: %w", i, err)
	}
	e.listCount.appendValue(uint64(len(list)))
	for _, id := range list {
		e.listActor.appendValue(uint64(id.Actor))
		e.listCtr.appendValue(int64(id.Counter))
	}
	e.expand.append(op.Expand)
	e.markName.appendOrNull(op.MarkName)
	e.n++
	return nil
}

// columns finishes the columns, sorted by specification.
func (e *opEncoder) columns() []column {
	cols := []column{
		{specObjActor, e.objActor.finish()},
		{specObjCtr, e.objCtr.finish()},
		{specKeyActor, e.keyActor.finish()},
		{specKeyCtr, e.keyCtr.finish()},
		{specKeyStr, e.keyStr.finish()},
	}
	if e.layout == documentOps {
		cols = append(cols, column{specIDActor, e.idActor.finish()}, column{specIDCtr, e.idCtr.finish()})
	}
	cols = append(cols,
		column{specInsert, e.insert.finish()},
		column{specAction, e.action.finish()},
		column{specValMeta, e.vals.meta.finish()},
		column{specValRaw, e.vals.raw},
	)
	listSpecs := [3]uint32{specPredGroup, specPredActor, specPredCtr}
	if e.layout == documentOps {
		listSpecs = [3]uint32{specSuccGroup, specSuccActor, specSuccCtr}
	}
	return append(cols,
		column{listSpecs[0], e.listCount.finish()},
		column{listSpecs[1], e.listActor.finish()},
		column{listSpecs[2], e.listCtr.finish()},
		column{specExpand, e.expand.finish()},
		column{specMarkName, e.markName.finish()},
	)
}

// countRows returns the number of entries in an RLE column without
// decoding its values' meaning, failing if it exceeds limit.
func countRows(b []byte, limit int) (int, error) {
	r := reader{b: b}
	total := uint64(0)
	for !r.done() {
		n, err := r.sleb()
		if err != nil {
			return 0, err
		}
		switch {
		case n > 0:
			total += uint64(n)
			if _, err := r.uleb(); err != nil {
				return 0, err
			}
		case n < 0:
			if n == -1<<63 {
				return 0, fmt.Errorf("literal run length: %w", ErrCorrupt)
			}
			k := uint64(-n)
			if k > uint64(r.remaining()) {
				return 0, fmt.Errorf("literal run of %d: %w", k, ErrTruncated)
			}
			total += k
			for ; k > 0; k-- {
				if _, err := r.uleb(); err != nil {
					return 0, err
				}
			}
		default:
			c, err := r.uleb()
			if err != nil {
				return 0, err
			}
			total += c
		}
		if total > uint64(limit) {
			return 0, fmt.Errorf("more than %d rows: %w", limit, ErrTooLarge)
		}
	}
	return int(total), nil
}

// opDecoder holds the column decoders for ops.
//
// The column decoders are held by value: an opReader is then one
// allocation, not sixteen, which counts when a sync applies one small
// change at a time.
type opDecoder struct {
	objActor, objCtr, keyActor, idActor, action, listCount, listActor rleDecoder[uint64]
	keyCtr, idCtr, listCtr                                            deltaDecoder
	keyStr, markName                                                  rleDecoder[string]
	insert, expand                                                    boolDecoder
	vals                                                              valueDecoder
	numActors                                                         uint64
}

// rowLimit bounds how many rows (ops plus pred/succ entries) a chunk of n
// bytes may claim. RLE lets a few bytes stand for many rows (deleting a
// long run of text is a handful of bytes for thousands of ops), so the
// bound is generous per byte, but it keeps a short hostile input from
// claiming billions of rows.
func rowLimit(n int) int {
	const perByte, floor, ceiling = 1024, 4096, 1 << 26
	if n > ceiling/perByte {
		return ceiling
	}
	return n*perByte + floor
}

// opReader decodes op rows one at a time.
type opReader struct {
	dec    opDecoder
	layout opLayout
	n      int // rows
	budget int // pred/succ entries still allowed
}

// newOpReader prepares to decode the op columns. limit bounds ops plus
// list entries.
func newOpReader(cs columnSet, layout opLayout, numActors int, limit int) (*opReader, error) {
	n, err := countRows(cs.get(specAction), limit)
	if err != nil {
		return nil, fmt.Errorf("action column: %w", err)
	}
	listSpecs := [3]uint32{specPredGroup, specPredActor, specPredCtr}
	if layout == documentOps {
		listSpecs = [3]uint32{specSuccGroup, specSuccActor, specSuccCtr}
	}
	return &opReader{
		dec: opDecoder{
			objActor:  *newUintDecoder(cs.get(specObjActor)),
			objCtr:    *newUintDecoder(cs.get(specObjCtr)),
			keyActor:  *newUintDecoder(cs.get(specKeyActor)),
			keyCtr:    *newDeltaDecoder(cs.get(specKeyCtr)),
			keyStr:    *newStrDecoder(cs.get(specKeyStr)),
			idActor:   *newUintDecoder(cs.get(specIDActor)),
			idCtr:     *newDeltaDecoder(cs.get(specIDCtr)),
			insert:    *newBoolDecoder(cs.get(specInsert)),
			action:    *newUintDecoder(cs.get(specAction)),
			vals:      *newValueDecoder(cs.get(specValMeta), cs.get(specValRaw)),
			listCount: *newUintDecoder(cs.get(listSpecs[0])),
			listActor: *newUintDecoder(cs.get(listSpecs[1])),
			listCtr:   *newDeltaDecoder(cs.get(listSpecs[2])),
			expand:    *newBoolDecoder(cs.get(specExpand)),
			markName:  *newStrDecoder(cs.get(specMarkName)),
			numActors: uint64(numActors),
		},
		layout: layout,
		n:      n,
		budget: limit - n,
	}, nil
}

// next decodes the next row into op, appending its pred or succ list to
// ids (op's list aliases ids until ids grows again).
func (r *opReader) next(op *Op, ids *[]OpID) error {
	return r.dec.next(op, r.layout, ids, &r.budget)
}

// decodeOps decodes the op columns. limit bounds ops plus list entries.
func decodeOps(cs columnSet, layout opLayout, numActors int, limit int) ([]Op, error) {
	r, err := newOpReader(cs, layout, numActors, limit)
	if err != nil {
		return nil, err
	}
	ops := make([]Op, r.n)
	var ids []OpID // backing store for every op's pred or succ list
	for i := range ops {
		if err := r.next(&ops[i], &ids); err != nil {
			return nil, fmt.Errorf("op %d: %w", i, err)
		}
	}
	// Point each op's list into the shared backing array now that it has
	// stopped growing.
	off := 0
	for i := range ops {
		op := &ops[i]
		list := &op.Pred
		if layout == documentOps {
			list = &op.Succ
		}
		k := len(*list)
		if k == 0 {
			*list = nil
			continue
		}
		*list = ids[off : off+k : off+k]
		off += k
	}
	return ops, nil
}

// actorIndex checks an actor index against the actor table.
func (d *opDecoder) actorIndex(a uint64, what string) (uint32, error) {
	if a >= d.numActors {
		return 0, fmt.Errorf("%s actor index %d out of range (%d actors): %w", what, a, d.numActors, ErrCorrupt)
	}
	return uint32(a), nil
}

func (d *opDecoder) next(op *Op, layout opLayout, ids *[]OpID, budget *int) error {
	// Object: both null for the root.
	a, aok, err := d.objActor.next()
	if err != nil {
		return fmt.Errorf("obj actor: %w", err)
	}
	c, cok, err := d.objCtr.next()
	if err != nil {
		return fmt.Errorf("obj counter: %w", err)
	}
	switch {
	case !aok && !cok:
	case aok && cok && c > 0:
		if op.Obj.Actor, err = d.actorIndex(a, "obj"); err != nil {
			return err
		}
		op.Obj.Counter = c
	default:
		return fmt.Errorf("obj (%d %v, %d %v): %w", a, aok, c, cok, ErrCorrupt)
	}

	// Key: a string, the list head (counter 0), or an element ID.
	a, aok, err = d.keyActor.next()
	if err != nil {
		return fmt.Errorf("key actor: %w", err)
	}
	kc, kcok, err := d.keyCtr.next()
	if err != nil {
		return fmt.Errorf("key counter: %w", err)
	}
	s, sok, err := d.keyStr.next()
	if err != nil {
		return fmt.Errorf("key string: %w", err)
	}
	switch {
	case sok && !aok && !kcok:
		op.Key = Key{Prop: s, IsProp: true}
	case !sok && !aok && kcok && kc == 0:
	case !sok && aok && kcok && kc > 0:
		if op.Key.Elem.Actor, err = d.actorIndex(a, "key"); err != nil {
			return err
		}
		op.Key.Elem.Counter = uint64(kc)
	default:
		return fmt.Errorf("key (actor %v, counter %d %v, string %v): %w", aok, kc, kcok, sok, ErrCorrupt)
	}

	if layout == documentOps {
		a, aok, err = d.idActor.next()
		if err != nil {
			return fmt.Errorf("id actor: %w", err)
		}
		ic, icok, err := d.idCtr.next()
		if err != nil {
			return fmt.Errorf("id counter: %w", err)
		}
		if !aok || !icok || ic <= 0 {
			return fmt.Errorf("id (actor %v, counter %d %v): %w", aok, ic, icok, ErrCorrupt)
		}
		if op.ID.Actor, err = d.actorIndex(a, "id"); err != nil {
			return err
		}
		op.ID.Counter = uint64(ic)
	}

	if op.Insert, err = d.insert.next(); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	act, ok, err := d.action.next()
	if err != nil {
		return fmt.Errorf("action: %w", err)
	}
	if !ok {
		return fmt.Errorf("action is null: %w", ErrCorrupt)
	}
	op.Action = Action(act)
	if err := d.vals.next(&op.Value); err != nil {
		return err
	}

	k, ok, err := d.listCount.next()
	if err != nil {
		return fmt.Errorf("pred/succ count: %w", err)
	}
	if !ok {
		return fmt.Errorf("pred/succ count is null: %w", ErrCorrupt)
	}
	if k > uint64(*budget) {
		return fmt.Errorf("pred/succ count %d: %w", k, ErrTooLarge)
	}
	*budget -= int(k)
	start := len(*ids)
	for j := uint64(0); j < k; j++ {
		a, aok, err := d.listActor.next()
		if err != nil {
			return fmt.Errorf("pred/succ actor: %w", err)
		}
		c, cok, err := d.listCtr.next()
		if err != nil {
			return fmt.Errorf("pred/succ counter: %w", err)
		}
		if !aok || !cok || c <= 0 {
			return fmt.Errorf("pred/succ entry (actor %v, counter %d %v): %w", aok, c, cok, ErrCorrupt)
		}
		ai, err := d.actorIndex(a, "pred/succ")
		if err != nil {
			return err
		}
		*ids = append(*ids, OpID{Counter: uint64(c), Actor: ai})
	}
	// Record the length for now; decodeOps re-slices into the final array.
	list := (*ids)[start:len(*ids):len(*ids)]
	if layout == documentOps {
		op.Succ = list
	} else {
		op.Pred = list
	}

	if op.Expand, err = d.expand.next(); err != nil {
		return fmt.Errorf("expand: %w", err)
	}
	name, ok, err := d.markName.next()
	if err != nil {
		return fmt.Errorf("mark name: %w", err)
	}
	if ok {
		op.MarkName = name
	}
	return nil
}
