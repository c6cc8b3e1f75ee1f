package crdt

import (
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// ErrDuplicateSeq means a change reuses the seq number of a different change
// by the same actor.
var ErrDuplicateSeq = errors.New("crdt: duplicate seq number for actor")

// Apply the given change(s) to the document. Changes whose dependencies
// are missing are queued and applied once the dependencies arrive; changes
// the document already has are ignored.
func (d *Doc) Apply(chs ...*Change) error {
	if len(chs) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return err
	}
	return d.applyChanges(chs)
}

func (d *Doc) applyChanges(chs []*Change) error {
	for _, c := range chs {
		if _, ok := d.byHash[c.hash]; ok {
			continue
		}
		if _, ok := d.queue[c.hash]; ok {
			continue
		}
		if !d.ready(c) {
			d.enqueue(c)
			continue
		}
		if err := d.applyAndRelease(c); err != nil {
			return err
		}
	}
	return nil
}

// enqueue holds c until its missing dependencies arrive, noting it under
// each of them so that their arrival finds it without a scan.
func (d *Doc) enqueue(c *Change) {
	if d.queue == nil {
		d.queue = make(map[ChangeHash]*Change)
		d.waiting = make(map[ChangeHash][]*Change)
	}
	d.queue[c.hash] = c
	for _, h := range c.deps {
		if _, ok := d.byHash[h]; !ok {
			d.waiting[h] = append(d.waiting[h], c)
		}
	}
}

// ready reports whether every dependency of c has been applied.
func (d *Doc) ready(c *Change) bool {
	for _, h := range c.deps {
		if _, ok := d.byHash[h]; !ok {
			return false
		}
	}
	return true
}

// applyAndRelease applies c, then every queued change that c's arrival
// (directly or in turn) makes ready, in the order they were queued.
func (d *Doc) applyAndRelease(c *Change) error {
	if err := d.applyChange(c); err != nil {
		return err
	}
	arrived := []ChangeHash{c.hash}
	for len(arrived) > 0 {
		h := arrived[0]
		arrived = arrived[1:]
		waiters := d.waiting[h]
		delete(d.waiting, h)
		for _, w := range waiters {
			if _, queued := d.queue[w.hash]; !queued || !d.ready(w) {
				continue
			}
			delete(d.queue, w.hash)
			if _, dup := d.byHash[w.hash]; dup {
				continue
			}
			if err := d.applyChange(w); err != nil {
				return err
			}
			arrived = append(arrived, w.hash)
		}
	}
	return nil
}

// applyChange applies one change whose dependencies are all present.
func (d *Doc) applyChange(c *Change) error {
	fc, err := c.decoded()
	if err != nil {
		return err
	}
	if len(fc.Actors) == 0 {
		return fmt.Errorf("change %s: no author: %w", c.hash, format.ErrCorrupt)
	}
	actors := make([]uint32, len(fc.Actors))
	for i, a := range fc.Actors {
		actors[i] = d.actors.intern(a)
	}
	author := actors[0]
	if c.seq < d.nextSeq(author) {
		return fmt.Errorf("change %s: actor %s seq %d: %w", c.hash, c.ActorID(), c.seq, ErrDuplicateSeq)
	}
	mapID := func(id format.OpID) (opID, error) {
		if id.Counter == 0 {
			return opID{}, nil
		}
		if int(id.Actor) >= len(actors) {
			return opID{}, fmt.Errorf("change %s: actor index %d: %w", c.hash, id.Actor, format.ErrCorrupt)
		}
		return opID{counter: id.Counter, actor: actors[id.Actor]}, nil
	}
	ins := make([]incomingOp, len(fc.Ops))
	for i := range fc.Ops {
		fo := &fc.Ops[i]
		ins[i] = incomingOp{
			id:     opID{counter: fc.StartOp + uint64(i), actor: author},
			prop:   fo.Key.Prop,
			isProp: fo.Key.IsProp,
			insert: fo.Insert,
			action: fo.Action,
			val:    scalarFromFormat(fo.Value),
		}
		in := &ins[i]
		var err error
		if in.obj, err = mapID(fo.Obj); err != nil {
			return err
		}
		if in.elem, err = mapID(fo.Key.Elem); err != nil {
			return err
		}
		if len(fo.Pred) > 0 {
			in.pred = make([]opID, len(fo.Pred))
			for j, p := range fo.Pred {
				if in.pred[j], err = mapID(p); err != nil {
					return err
				}
			}
		}
		if fo.Action == format.ActionMark {
			in.mark = &markData{name: fo.MarkName, expand: fo.Expand}
		}
	}
	// Check first, so that a bad change leaves the document untouched.
	if err := d.check(ins); err != nil {
		return fmt.Errorf("change %s: %w", c.hash, err)
	}
	for i := range ins {
		if _, err := d.apply(&ins[i]); err != nil {
			return fmt.Errorf("change %s: %w", c.hash, err)
		}
	}
	kept := *c
	kept.ops = nil // the history keeps bytes, not decoded ops
	d.addToHistory(&kept, author)
	return nil
}

// check verifies that a change's ops can all be applied: each targets an
// object that exists (or that an earlier op of the change makes) with a key
// of the right kind, each element it refers to exists (or is inserted
// earlier in the change), and each action fits.
func (d *Doc) check(ins []incomingOp) error {
	made := map[opID]objType{}
	inserted := map[opID]bool{}
	for i := range ins {
		in := &ins[i]
		if in.action > maxAction {
			return fmt.Errorf("op %d: action %d: %w", in.id.counter, in.action, format.ErrCorrupt)
		}
		obj := d.objs[in.obj]
		typ, ok := made[in.obj]
		if obj != nil {
			typ, ok = obj.typ, true
		}
		if !ok {
			return fmt.Errorf("op %d: %w", in.id.counter, ErrMissingObject)
		}
		if typ.isSeq() == in.isProp {
			return fmt.Errorf("op %d: key kind does not match object type: %w", in.id.counter, format.ErrCorrupt)
		}
		if typ.isSeq() {
			if in.insert && in.action == format.ActionDelete {
				return fmt.Errorf("op %d: insert of a delete: %w", in.id.counter, format.ErrCorrupt)
			}
			ref := in.elem
			if !(in.insert && ref.isZero()) && !inserted[ref] && (obj == nil || obj.elem(ref) == nil) {
				return fmt.Errorf("op %d: %w", in.id.counter, ErrMissingElement)
			}
			if in.insert {
				inserted[in.id] = true
			}
		}
		switch in.action {
		case format.ActionMakeMap, format.ActionMakeList, format.ActionMakeText, format.ActionMakeTable:
			made[in.id] = objTypeOf(in.action)
		}
	}
	return nil
}
