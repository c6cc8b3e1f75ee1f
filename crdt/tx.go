package crdt

import (
	"bytes"
	"fmt"
	"iter"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// transaction collects the ops made locally since the last commit. Ops are
// applied to the op set as they are made; the transaction only remembers
// what Commit needs to encode the change, compactly (the value lives in
// the stored op).
type transaction struct {
	startOp uint64
	seq     uint64
	ops     pendingList
}

// pendingOp is a local op awaiting commit. o is the stored op (nil for a
// delete); key is the reference element of an insert or the element an
// op targets, unless isProp. Text inserts, the bulk of most transactions,
// need nothing more; other ops keep their key and pred in more.
type pendingOp struct {
	o      *op
	obj    opID
	key    opID
	more   *pendingMore
	action uint8
	insert bool
	isProp bool
}

type pendingMore struct {
	prop string
	pred []opID
}

func (p *pendingOp) prop() string {
	if p.more == nil {
		return ""
	}
	return p.more.prop
}

func (p *pendingOp) pred() []opID {
	if p.more == nil {
		return nil
	}
	return p.more.pred
}

// pendingList stores pending ops in fixed-size blocks: appending never
// copies, and commit can drop each block once it has been converted.
type pendingList struct {
	blocks [][]pendingOp
	n      int
}

const pendingBlock = 4096

func (l *pendingList) add(p pendingOp) {
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == cap(l.blocks[len(l.blocks)-1]) {
		// Blocks double from 16 ops up to pendingBlock, so that small
		// transactions stay small.
		size := 16
		if len(l.blocks) > 0 {
			size = min(2*cap(l.blocks[len(l.blocks)-1]), pendingBlock)
		}
		l.blocks = append(l.blocks, make([]pendingOp, 0, size))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, p)
	l.n++
}

func (l *pendingList) len() int { return l.n }

// CommitOptions are (rarer) options passed to commit.
// If Time is not set then time.Now() is used. To omit a timestamp pass a pointer to the zero time: &time.Time{}
// If AllowEmpty is not set then commits with no operations will error.
type CommitOptions struct {
	Time       *time.Time
	AllowEmpty bool
}

// Commit adds a new version to the document with all operations so far.
// The returned ChangeHash is the new head of the document.
// Note: You should call commit immediately after modifying the document
// as most methods that inspect or modify the documents' history
// will automatically commit any outstanding changes.
func (d *Doc) Commit(msg string, opts ...CommitOptions) (ChangeHash, error) {
	allowEmpty := false
	t := time.Now()
	for _, o := range opts {
		if o.AllowEmpty {
			allowEmpty = true
		}
		if o.Time != nil {
			t = *o.Time
		}
	}
	if !utf8.ValidString(msg) {
		return ChangeHash{}, fmt.Errorf("commit message: %w", ErrInvalidUTF8)
	}
	var millis int64
	if !t.IsZero() {
		millis = t.UnixMilli()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tx == nil || d.tx.ops.len() == 0 {
		if !allowEmpty {
			return ChangeHash{}, ErrEmptyCommit
		}
		d.tx = &transaction{startOp: d.maxOp + 1, seq: d.nextSeq(d.actor)}
	}
	c, err := d.commit(msg, millis)
	if err != nil {
		return ChangeHash{}, err
	}
	return c.hash, nil
}

// closeTx commits outstanding ops as an anonymous change (no message, no
// time), as automerge-go does before reading history.
func (d *Doc) closeTx() error {
	if d.tx == nil || d.tx.ops.len() == 0 {
		d.tx = nil
		return nil
	}
	_, err := d.commit("", 0)
	return err
}

// openTx starts a transaction if none is open and returns the ID the next
// local op gets.
func (d *Doc) nextOpID() opID {
	if d.tx == nil {
		d.tx = &transaction{startOp: d.maxOp + 1, seq: d.nextSeq(d.actor)}
	}
	return opID{counter: d.tx.startOp + uint64(d.tx.ops.len()), actor: d.actor}
}

// commit encodes the open transaction as a change and records it.
func (d *Doc) commit(msg string, millis int64) (*Change, error) {
	tx := d.tx
	d.tx = nil
	actors, local := d.changeActors(tx.ops)
	fc := &format.Change{
		Actors:  actors,
		Seq:     tx.seq,
		StartOp: tx.startOp,
		Time:    millis,
		Message: msg,
	}
	for _, h := range d.commitDeps(tx.seq) {
		fc.Deps = append(fc.Deps, format.ChangeHash(h))
	}
	raw, err := format.EncodeChangeOps(fc, tx.ops.rows(local))
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	c := changeFromFormat(fc, false)
	c.raw = raw
	c.numOps = uint64(tx.ops.len())
	d.addToHistory(c, d.actor)
	return c, nil
}

// rows yields the pending ops as rows of a change, refilling one
// format.Op, and drops each block once it is encoded. local maps Doc
// actor indexes to the change's.
func (l *pendingList) rows(local []uint32) iter.Seq[*format.Op] {
	id := func(x opID) format.OpID {
		if x.counter == 0 {
			return format.OpID{}
		}
		return format.OpID{Counter: x.counter, Actor: local[x.actor]}
	}
	return func(yield func(*format.Op) bool) {
		var fo format.Op
		var pred []format.OpID
		for bi, block := range l.blocks {
			for i := range block {
				p := &block[i]
				fo.Obj, fo.Insert, fo.Action = id(p.obj), p.insert, format.Action(p.action)
				if p.isProp {
					fo.Key = format.Key{Prop: p.prop(), IsProp: true}
				} else {
					fo.Key = format.Key{Elem: id(p.key)}
				}
				fo.Value.Type, fo.MarkName, fo.Expand = format.ValueNull, "", false
				if p.o != nil {
					p.o.val.fill(&fo.Value)
					if m := p.o.markData(); m != nil {
						fo.MarkName, fo.Expand = m.name, m.expand
					}
				}
				pred = pred[:0]
				for _, x := range p.pred() {
					pred = append(pred, id(x))
				}
				fo.Pred = pred
				if !yield(&fo) {
					return
				}
			}
			l.blocks[bi] = nil // encoded: let it go
		}
	}
}

// changeActors returns a change's actor table (the author first, then every
// other actor its ops mention, sorted by bytes) and, indexed by Doc actor,
// each of those actors' index in it.
func (d *Doc) changeActors(ops pendingList) ([][]byte, []uint32) {
	used := make([]bool, len(d.actors.ids))
	note := func(id opID) {
		if id.counter != 0 && id.actor != d.actor {
			used[id.actor] = true
		}
	}
	for _, block := range ops.blocks {
		for i := range block {
			note(block[i].obj)
			if !block[i].isProp {
				note(block[i].key)
			}
			for _, p := range block[i].pred() {
				note(p)
			}
		}
	}
	var others []uint32
	for a, ok := range used {
		if ok {
			others = append(others, uint32(a))
		}
	}
	slices.SortFunc(others, func(a, b uint32) int {
		return bytes.Compare(d.actors.ids[a], d.actors.ids[b])
	})
	actors := [][]byte{d.actors.ids[d.actor]}
	local := make([]uint32, len(d.actors.ids)) // d.actor maps to 0
	for i, a := range others {
		actors = append(actors, d.actors.ids[a])
		local[a] = uint32(i + 1)
	}
	return actors, local
}

func fmtID(id opID) format.OpID { return format.OpID{Counter: id.counter, Actor: id.actor} }

// record appends a local op to the transaction; o is the op stored for it.
func (d *Doc) record(in *incomingOp, o *op) {
	p := pendingOp{o: o, obj: in.obj, action: uint8(in.action), insert: in.insert, isProp: in.isProp}
	if !in.isProp {
		p.key = in.elem
	}
	if in.isProp || len(in.pred) > 0 {
		p.more = &pendingMore{prop: in.prop, pred: in.pred}
	}
	d.tx.ops.add(p)
}

// commitDeps returns the dependencies of our next change (seq): the heads,
// plus our own previous change even when it is no longer a head, as Rust
// Automerge does; sorted.
func (d *Doc) commitDeps(seq uint64) []ChangeHash {
	deps := slices.Clone(d.heads)
	if seq > 1 && int(d.actor) < len(d.actorSeqs) && len(d.actorSeqs[d.actor]) >= int(seq-1) {
		prev := d.changes[d.actorSeqs[d.actor][seq-2]].hash
		if !slices.Contains(deps, prev) {
			deps = append(deps, prev)
			slices.SortFunc(deps, compareHash)
		}
	}
	return deps
}
