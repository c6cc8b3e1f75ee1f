package crdt

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Save exports a document to its serialized form: one document chunk, ops
// in document order (objects by ID, map keys sorted, list elements in list
// order), as Automerge writes it.
func (d *Doc) Save() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		panic(err)
	}
	b, err := encodeDocument(d)
	if err != nil {
		panic(fmt.Errorf("crdt: save: %w", err))
	}
	d.savedUntil = len(d.changes)
	return b
}

// SaveIncremental exports the changes since the last call to [Doc.Save] or
// [Doc.SaveIncremental] for passing to [Doc.LoadIncremental] on a different doc.
func (d *Doc) SaveIncremental() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		panic(err)
	}
	out := SaveChanges(d.changes[d.savedUntil:])
	d.savedUntil = len(d.changes)
	return out
}

// sortedActors returns the actors that wrote changes (the only ones ops
// can mention), sorted by bytes as the document format wants, and each Doc
// actor's index among them.
func (d *Doc) sortedActors() ([][]byte, []uint32) {
	var order []uint32
	for a, seqs := range d.actorSeqs {
		if len(seqs) > 0 {
			order = append(order, uint32(a))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int { return bytes.Compare(d.actors.ids[a], d.actors.ids[b]) })
	sorted := make([][]byte, len(order))
	rank := make([]uint32, len(d.actors.ids))
	for i, a := range order {
		sorted[i] = d.actors.ids[a]
		rank[a] = uint32(i)
	}
	return sorted, rank
}

// document builds the document chunk's contents.
func (d *Doc) document() *format.Document {
	actors, rank := d.sortedActors()
	doc := &format.Document{Actors: actors, Heads: make([]format.ChangeHash, len(d.heads))}
	doc.HeadIndexes = make([]uint64, len(d.heads))
	for i, h := range d.heads {
		doc.Heads[i] = format.ChangeHash(h)
		doc.HeadIndexes[i] = uint64(d.byHash[h])
	}
	doc.Changes = make([]format.ChangeMeta, len(d.changes))
	for i, c := range d.changes {
		m := format.ChangeMeta{
			Actor: rank[d.actors.index[string(c.actor)]], Seq: c.seq, MaxOp: c.maxOp(),
			Time: c.time, Message: c.message, Extra: c.extra, Deps: make([]uint64, len(c.deps)),
		}
		for j, h := range c.deps {
			m.Deps[j] = uint64(d.byHash[h])
		}
		doc.Changes[i] = m
	}
	id := func(x opID) format.OpID {
		if x.counter == 0 {
			return format.OpID{}
		}
		return format.OpID{Counter: x.counter, Actor: rank[x.actor]}
	}
	conv := func(obj *object, o *op, key format.Key) format.Op {
		fo := format.Op{ID: id(o.id), Obj: id(obj.id), Key: key, Insert: o.insert, Action: o.action(), Value: o.val.toFormat()}
		if len(o.succ) > 0 {
			fo.Succ = make([]format.OpID, len(o.succ))
			for i, s := range o.succ {
				fo.Succ[i] = id(s)
			}
		}
		if m := o.markData(); m != nil {
			fo.MarkName, fo.Expand = m.name, m.expand
		}
		return fo
	}
	objs := make([]*object, 0, len(d.objs))
	n := 0
	for _, o := range d.objs {
		objs = append(objs, o)
		n += o.opCount()
	}
	slices.SortFunc(objs, func(a, b *object) int { return d.compareIDs(a.id, b.id) })
	doc.Ops = d.scratch.get(n)
	for _, obj := range objs {
		if obj.seq == nil {
			keys := make([]string, 0, len(obj.props))
			for k := range obj.props {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				key := format.Key{Prop: k, IsProp: true}
				for _, o := range obj.props[k] {
					doc.Ops = append(doc.Ops, conv(obj, o, key))
				}
			}
			continue
		}
		obj.seq.each(func(e *op) bool {
			doc.Ops = append(doc.Ops, conv(obj, e, format.Key{Elem: id(e.elem.ref)}))
			for _, x := range e.elem.extra {
				doc.Ops = append(doc.Ops, conv(obj, x, format.Key{Elem: id(e.id)}))
			}
			return true
		})
	}
	return doc
}

// compareIDs orders op IDs as Automerge does (counter, then actor bytes).
func (d *Doc) compareIDs(a, b opID) int {
	if c := cmp.Compare(a.counter, b.counter); c != 0 || a.actor == b.actor {
		return c
	}
	return bytes.Compare(d.actors.ids[a.actor], d.actors.ids[b.actor])
}

// encodeDocument encodes d as a document chunk; the caller holds d.mu.
func encodeDocument(d *Doc) ([]byte, error) {
	doc := d.document()
	b, err := format.EncodeDocument(doc)
	d.scratch.put(doc.Ops)
	return b, err
}
