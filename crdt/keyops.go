package crdt

import (
	"bytes"
	"cmp"
	"slices"
)

// keyOps are the ops at one map key, or at one list or text element (its
// insert op first, then every later op on it).
//
// A key that is written over and over (a presence field, a counter, a
// status) collects hundreds or thousands of overwritten ops, and all of
// them must stay: Save writes them with their successors, and views at
// old heads read them. What an edit needs, though, is only the ops that
// are visible now (those with no successor but increments: usually one,
// several while writers conflict) and the few ops its predecessors name.
// So keyOps keep the visible ops apart, and find a predecessor by binary
// search over op-ID order: an edit costs the same on a fresh key as on one
// with a long history.
type keyOps struct {
	all []*op // every op, in op-ID order: what Save writes and views read
	vis []*op // the ops visible now, in op-ID order
}

// compare orders op IDs as Automerge does: by counter, then by the bytes
// of the actor ID.
func (t *actorTable) compare(a, b opID) int {
	if c := cmp.Compare(a.counter, b.counter); c != 0 || a.actor == b.actor {
		return c
	}
	return bytes.Compare(t.ids[a.actor], t.ids[b.actor])
}

// insertByID puts o into ops, kept in op-ID order. Ops nearly always
// arrive in order, so the end is tried first.
func insertByID(ops []*op, o *op, t *actorTable) []*op {
	n := len(ops)
	if n == 0 || t.compare(ops[n-1].id, o.id) < 0 {
		return append(ops, o)
	}
	i, _ := slices.BinarySearchFunc(ops, o.id, func(x *op, id opID) int { return t.compare(x.id, id) })
	return slices.Insert(ops, i, o)
}

// add stores a new op (with whatever successors it already has).
func (k *keyOps) add(o *op, t *actorTable) {
	k.all = insertByID(k.all, o, t)
	if o.visible() {
		k.vis = insertByID(k.vis, o, t)
	}
}

// find returns the op with the given ID, or nil.
func (k *keyOps) find(id opID, t *actorTable) *op {
	i, ok := slices.BinarySearchFunc(k.all, id, func(x *op, id opID) int { return t.compare(x.id, id) })
	if !ok {
		return nil
	}
	return k.all[i]
}

// supersede records that op id (an overwrite, a delete or, when inc is an
// increment, an addition) succeeds each op of pred at this key; IDs that
// name no op here are ignored.
func (s *opSet) supersede(k *keyOps, pred []opID, id opID, inc *incomingOp) {
	for _, p := range pred {
		x := k.find(p, &s.actors)
		if x == nil {
			continue
		}
		was := x.visible()
		s.addSucc(x, id, inc)
		if was && !x.visible() {
			k.vis = slices.DeleteFunc(k.vis, func(v *op) bool { return v == x })
		}
	}
}

// winner is the visible op with the greatest ID, or nil.
func (k *keyOps) winner() *op {
	if len(k.vis) == 0 {
		return nil
	}
	return k.vis[len(k.vis)-1]
}

// winnerAt is the op a read at c sees: the winner now, or for a view the
// visible-at-c op with the greatest ID.
func (k *keyOps) winnerAt(c *clock) *op {
	if c == nil {
		return k.winner()
	}
	return winnerAt(k.all, c)
}

// visibleIDs returns the IDs of the visible ops (only of counters if
// onlyCounters): the pred of an op that overwrites or deletes the key.
func (k *keyOps) visibleIDs(onlyCounters bool) []opID {
	var ids []opID
	for _, o := range k.vis {
		if !onlyCounters || o.isCounter() {
			ids = append(ids, o.id)
		}
	}
	return ids
}

// visibleAt returns the ops visible at c, in op-ID order.
func (k *keyOps) visibleAt(c *clock) []*op {
	if c == nil {
		return k.vis
	}
	var out []*op
	for _, o := range k.all {
		if visibleAt(o, k.all, c) {
			out = append(out, o)
		}
	}
	return out
}

// elemKey returns the keyOps of element e, making them when the first
// later op arrives: an element that is only inserted (and perhaps
// deleted), as most text is, carries none.
func elemKey(e *op) *keyOps {
	if e.elem.ops == nil {
		k := &keyOps{all: []*op{e}}
		if e.visible() {
			k.vis = []*op{e}
		}
		e.elem.ops = k
	}
	return e.elem.ops
}

// elemOps returns the keyOps of element e for reading: its own, or a
// temporary one holding just e.
func elemOps(e *op) *keyOps {
	if e.elem.ops != nil {
		return e.elem.ops
	}
	k := &keyOps{all: []*op{e}}
	if e.visible() {
		k.vis = k.all
	}
	return k
}

// later returns the ops on element e after its insert op.
func (e *op) later() []*op {
	if e.elem.ops == nil {
		return nil
	}
	return e.elem.ops.all[1:]
}
