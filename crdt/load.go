package crdt

import (
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Load loads a document from its serialized form: a document chunk
// optionally followed by change chunks (as Save and SaveIncremental
// produce), or change chunks alone. Empty input gives an empty document.
//
// The op set is built straight from the document's ops, which come in
// document order (so list elements already come in list order); the
// changes are rebuilt from the document and their hashes checked against
// the heads it records.
func Load(b []byte) (*Doc, error) {
	d := New()
	chunks, err := format.SplitChunks(b)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	rest := chunks
	if len(chunks) > 0 && chunks[0].Type == format.ChunkDocument {
		if err := d.loadDocument(chunks[0]); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		rest = chunks[1:]
	}
	var chs []*Change
	for i, ch := range rest {
		if ch.Type == format.ChunkDocument {
			more, err := loadChunks(ch.Bytes)
			if err != nil {
				return nil, fmt.Errorf("load: chunk %d: %w", i+1, err)
			}
			chs = append(chs, more...)
			continue
		}
		fc, err := format.ChangeFromChunk(ch)
		if err != nil {
			return nil, fmt.Errorf("load: chunk %d: %w", i+1, err)
		}
		chs = append(chs, changeFromFormat(fc, true))
	}
	if err := d.checkClosed(chs); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := d.applyChanges(chs); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	// As in automerge-go, SaveIncremental on a loaded document returns
	// every change: loading does not count as saving.
	return d, nil
}

// LoadIncremental applies the changes exported by [Doc.SaveIncremental].
// It is the callers responsibility to ensure that every incremental change
// is applied to keep the documents in sync.
//
// As in automerge-go, loading into a document that has no changes yet is
// a load: changes whose dependencies are missing make it fail with
// [ErrMissingDeps]. A document with history queues them instead, as
// [Doc.Apply] does.
func (d *Doc) LoadIncremental(raw []byte) error {
	chs, err := loadChunks(raw)
	if err != nil {
		return fmt.Errorf("load incremental: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return err
	}
	if len(d.changes) == 0 && len(d.queue) == 0 {
		if err := d.checkClosed(chs); err != nil {
			return fmt.Errorf("load incremental: %w", err)
		}
	}
	return d.applyChanges(chs)
}

// ErrMissingDeps means changes being loaded depend on changes that are
// neither in the document nor among them.
var ErrMissingDeps = errors.New("change's deps should already be in the document")

// checkClosed verifies that every dependency of chs is in the document or
// among chs.
func (d *Doc) checkClosed(chs []*Change) error {
	have := make(map[ChangeHash]bool, len(chs))
	for _, c := range chs {
		have[c.hash] = true
	}
	for _, c := range chs {
		for _, h := range c.deps {
			if _, ok := d.byHash[h]; !ok && !have[h] {
				return fmt.Errorf("change %s needs %s: %w", c.hash, h, ErrMissingDeps)
			}
		}
	}
	return nil
}

// loadDocument fills an empty Doc from a document chunk.
func (d *Doc) loadDocument(chunk format.Chunk) error {
	doc, err := format.DecodeDocumentLazy(chunk.Bytes)
	if err != nil {
		return err
	}
	actors := make([]uint32, len(doc.Actors))
	for i, a := range doc.Actors {
		actors[i] = d.actors.intern(a)
	}
	// Rebuild the changes' bytes and hashes first (without keeping their
	// ops), then build the op set. Each step decodes the op columns row by
	// row, so the document's ops are never held in decoded form, and the
	// rebuild's working memory is garbage before the op set grows.
	fcs, err := doc.RebuildChangeHeaders()
	if err != nil {
		return err
	}
	if len(fcs) != len(doc.Changes) {
		return fmt.Errorf("rebuilt %d changes of %d: %w", len(fcs), len(doc.Changes), format.ErrCorrupt)
	}
	chs := make([]*Change, len(fcs))
	for i, fc := range fcs {
		chs[i] = changeFromFormat(fc, false)
		if m := doc.Changes[i].MaxOp; m >= fc.StartOp {
			chs[i].numOps = m - fc.StartOp + 1
		}
	}
	fcs = nil
	if err := d.loadOps(doc, actors); err != nil {
		return err
	}
	for _, c := range chs {
		d.addToHistory(c, d.actors.intern(c.actor))
	}
	return nil
}

// loadOps builds the op set from a document's ops, decoding them as it
// goes.
func (d *Doc) loadOps(doc *format.LazyDocument, actors []uint32) error {
	mapID := func(id format.OpID) (opID, error) {
		if id.Counter == 0 {
			return opID{}, nil
		}
		if int(id.Actor) >= len(actors) {
			return opID{}, fmt.Errorf("actor index %d: %w", id.Actor, format.ErrCorrupt)
		}
		return opID{counter: id.Counter, actor: actors[id.Actor]}, nil
	}
	// Increments first: a counter's visibility depends on them. Only
	// documents that have any pay for a pass to find them.
	incs := map[opID]int64{}
	hasIncs, err := doc.HasAction(format.ActionIncrement)
	if err != nil {
		return err
	}
	if hasIncs {
		err := doc.EachOp(func(_ int, fo *format.Op) error {
			if fo.Action != format.ActionIncrement {
				return nil
			}
			id, err := mapID(fo.ID)
			incs[id] = scalarFromFormat(fo.Value).int()
			return err
		})
		if err != nil {
			return err
		}
	}
	var obj *object
	var last *seqNode
	var lastElem *op
	return doc.EachOp(func(i int, fo *format.Op) error {
		if fo.Action > maxAction {
			return fmt.Errorf("op %d: action %d: %w", i, fo.Action, format.ErrCorrupt)
		}
		if fo.Action == format.ActionDelete {
			return fmt.Errorf("op %d: delete stored in a document: %w", i, format.ErrCorrupt)
		}
		objID, err := mapID(fo.Obj)
		if err != nil {
			return err
		}
		if obj == nil || obj.id != objID {
			if obj = d.objs[objID]; obj == nil {
				return fmt.Errorf("op %d: %w", i, ErrMissingObject)
			}
			last, lastElem = nil, nil
		}
		if obj.typ.isSeq() == fo.Key.IsProp {
			return fmt.Errorf("op %d: key kind does not match object type: %w", i, format.ErrCorrupt)
		}
		o := d.slab.op(op{act: uint8(fo.Action), insert: fo.Insert, val: scalarFromFormat(fo.Value)})
		if o.id, err = mapID(fo.ID); err != nil {
			return err
		}
		if o.id.counter > d.maxOp {
			d.maxOp = o.id.counter
		}
		if len(fo.Succ) > 0 {
			o.succ = make([]opID, len(fo.Succ))
			for j, s := range fo.Succ {
				if o.succ[j], err = mapID(s); err != nil {
					return err
				}
				if v, ok := incs[o.succ[j]]; ok {
					o.addInc(v)
				}
			}
		}
		if fo.Action == format.ActionMark {
			o.setMark(&markData{name: fo.MarkName, expand: fo.Expand})
		}
		switch {
		case fo.Key.IsProp:
			k := obj.props[fo.Key.Prop]
			if k == nil {
				k = &keyOps{}
				obj.props[fo.Key.Prop] = k
			}
			k.add(o, &d.actors)
		case fo.Insert:
			ref, err := mapID(fo.Key.Elem)
			if err != nil {
				return err
			}
			o.elem = d.slab.elem(elemData{ref: ref})
			o.elem.width = d.elemWidth(obj, o)
			last = obj.seq.appendElem(last, o)
			lastElem = o
		default:
			eid, err := mapID(fo.Key.Elem)
			if err != nil {
				return err
			}
			e := lastElem
			if e == nil || e.id != eid {
				e = obj.elem(eid)
			}
			if e == nil {
				return fmt.Errorf("op %d: %w", i, ErrMissingElement)
			}
			elemKey(e).add(o, &d.actors)
			obj.seq.setWidth(e, d.elemWidth(obj, e))
		}
		if o.isMake() {
			d.objs[o.id] = newObject(o.id, objTypeOf(o.action()), obj.id, o)
		}
		return nil
	})
}
