package crdt

import (
	"errors"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// ErrReadOnly is returned when writing through a view of past heads.
var ErrReadOnly = errors.New("crdt: read-only view")

// clock describes a past state of a document: for each actor index, the
// greatest op counter included. An actor's changes are sequential, so an op
// is part of the state exactly when its counter is at most its actor's
// entry. A nil *clock means the current state.
type clock struct {
	maxOp []uint64
}

func (c *clock) covers(id opID) bool {
	return int(id.actor) < len(c.maxOp) && id.counter <= c.maxOp[id.actor]
}

// clockAt computes the clock of the state after the changes in heads and
// all their ancestors.
func (d *Doc) clockAt(heads []ChangeHash) *clock {
	c := &clock{maxOp: make([]uint64, len(d.actors.ids))}
	for i, in := range d.ancestors(heads) {
		if !in {
			continue
		}
		ch := d.changes[i]
		a := d.actors.index[string(ch.actor)]
		if m := ch.maxOp(); ch.numOps > 0 && m > c.maxOp[a] {
			c.maxOp[a] = m
		}
	}
	return c
}

// visibleAt reports whether o is visible at c; sibs are the ops sharing
// its key or element (needed to tell increments from overwrites).
func visibleAt(o *op, sibs []*op, c *clock) bool {
	if c == nil {
		return o.visible()
	}
	if !c.covers(o.id) || !(o.action() == format.ActionSet || o.isMake()) {
		return false
	}
	for _, s := range o.succ {
		if !c.covers(s) {
			continue
		}
		if !o.isCounter() || !isIncrement(s, sibs) {
			return false
		}
	}
	return true
}

func isIncrement(id opID, sibs []*op) bool {
	for _, x := range sibs {
		if x.id == id {
			return x.action() == format.ActionIncrement
		}
	}
	return false
}

// winnerAt returns the visible op with the greatest ID among ops (sorted
// by ID) at c; keyOps.winnerAt answers for the current state without a
// scan.
func winnerAt(ops []*op, c *clock) *op {
	for i := len(ops) - 1; i >= 0; i-- {
		if visibleAt(ops[i], ops, c) {
			return ops[i]
		}
	}
	return nil
}

// valueAt converts op o (from sibs) to a Value as of c.
func (d *Doc) valueAt(o *op, c *clock, sibs ...*op) *Value {
	v := d.valueOf(o)
	if c == nil || o == nil {
		return v
	}
	switch x := v.val.(type) {
	case *Map:
		x.at = c
	case *List:
		x.at = c
	case *Text:
		x.at = c
	case *Counter:
		x.val = int64(o.val.num)
		for _, s := range o.succ {
			if !c.covers(s) {
				continue
			}
			for _, y := range sibs {
				if y.id == s && y.action() == format.ActionIncrement {
					x.val += y.val.int()
				}
			}
		}
	}
	return v
}
