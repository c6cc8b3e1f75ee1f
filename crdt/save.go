package crdt

import (
	"bytes"
	"fmt"
	"iter"
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

// document builds the document chunk's contents but its ops, which
// docOps yields; rank maps Doc actor indexes to the chunk's.
func (d *Doc) document() (*format.Document, []uint32) {
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
	return doc, rank
}

// docOps yields every op in document order (objects by ID, map keys
// sorted, list elements in list order), refilling one format.Op.
func (d *Doc) docOps(rank []uint32) iter.Seq[*format.Op] {
	return func(yield func(*format.Op) bool) {
		r := opRows{rank: rank}
		fo := &r.fo
		objs := make([]*object, 0, len(d.objs))
		for _, o := range d.objs {
			objs = append(objs, o)
		}
		slices.SortFunc(objs, func(a, b *object) int { return d.compareIDs(a.id, b.id) })
		for _, obj := range objs {
			fo.Obj = r.id(obj.id)
			if obj.seq == nil {
				keys := make([]string, 0, len(obj.props))
				for k := range obj.props {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				fo.Key = format.Key{IsProp: true}
				for _, k := range keys {
					fo.Key.Prop = k
					for _, o := range obj.props[k].all {
						if !yield(r.fill(o)) {
							return
						}
					}
				}
				continue
			}
			fo.Key = format.Key{}
			for n := obj.seq.first; n != nil; n = n.next {
				for _, e := range n.elems {
					fo.Key.Elem = r.id(e.elem.ref)
					if !yield(r.fill(e)) {
						return
					}
					later := e.later()
					if len(later) == 0 {
						continue
					}
					fo.Key.Elem = r.id(e.id)
					for _, x := range later {
						if !yield(r.fill(x)) {
							return
						}
					}
				}
			}
		}
	}
}

// opRows turns stored ops into rows of a document chunk, refilling one
// format.Op: Save writes hundreds of thousands of rows, and building each
// anew (256 bytes) cost more than encoding it.
type opRows struct {
	rank []uint32 // Doc actor index -> the chunk's
	fo   format.Op
	succ []format.OpID
}

func (r *opRows) id(x opID) format.OpID {
	if x.counter == 0 {
		return format.OpID{}
	}
	return format.OpID{Counter: x.counter, Actor: r.rank[x.actor]}
}

// fill sets everything of r.fo but its object and key from o.
func (r *opRows) fill(o *op) *format.Op {
	fo := &r.fo
	fo.ID = r.id(o.id)
	fo.Insert = o.insert
	fo.Action = o.action()
	o.val.fill(&fo.Value)
	fo.Succ = nil
	if len(o.succ) > 0 {
		r.succ = r.succ[:0]
		for _, s := range o.succ {
			r.succ = append(r.succ, r.id(s))
		}
		fo.Succ = r.succ
	}
	if m := o.markData(); m != nil {
		fo.MarkName, fo.Expand = m.name, m.expand
	} else if fo.MarkName != "" || fo.Expand {
		fo.MarkName, fo.Expand = "", false
	}
	return fo
}

// compareIDs orders op IDs as Automerge does (counter, then actor bytes).
func (d *Doc) compareIDs(a, b opID) int { return d.actors.compare(a, b) }

// encodeDocument encodes d as a document chunk; the caller holds d.mu.
func encodeDocument(d *Doc) ([]byte, error) {
	doc, rank := d.document()
	return format.EncodeDocumentOps(doc, d.docOps(rank))
}
