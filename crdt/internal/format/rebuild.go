package format

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
)

// How the changes are rebuilt without a map from op ID to op: every op is
// copied into a compact row, and its ID and each of its succ entries into a
// sort key. Sorting both by (actor, counter) lines them up: a succ entry
// names a stored op exactly when the two meet in a merge, the entries
// naming one op are its preds, and entries naming no stored op are deletes.
// The merged sequence, all ops of an actor in counter order, splits into
// that actor's changes at their max ops. Each change is then encoded from
// the rows through one reused Op.

// opSource calls yield with each op of a document in document order; op
// is valid only during the call.
type opSource func(yield func(i int, op *Op) error) error

// opsSource walks an []Op.
func opsSource(ops []Op) opSource {
	return func(yield func(int, *Op) error) error {
		for i := range ops {
			if err := yield(i, &ops[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// recValue is a Value in a third of the space: numbers in num (as
// scalars are stored in crdt), strings, bytes and raw bytes in str.
type recValue struct {
	typ ValueType
	num uint64
	str string
}

func packValue(v *Value) recValue {
	switch v.Type {
	case ValueNull, ValueFalse, ValueTrue:
		return recValue{typ: v.Type}
	case ValueUint:
		return recValue{typ: v.Type, num: v.Uint}
	case ValueInt, ValueCounter, ValueTimestamp:
		return recValue{typ: v.Type, num: uint64(v.Int)}
	case ValueFloat:
		return recValue{typ: v.Type, num: math.Float64bits(v.Float)}
	case ValueString:
		return recValue{typ: v.Type, str: v.Str}
	case ValueBytes:
		return recValue{typ: v.Type, str: string(v.Bytes)}
	default:
		return recValue{typ: v.Type, str: string(v.Raw)}
	}
}

func (p recValue) unpack() Value {
	v := Value{Type: p.typ}
	switch p.typ {
	case ValueNull, ValueFalse, ValueTrue:
	case ValueUint:
		v.Uint = p.num
	case ValueInt, ValueCounter, ValueTimestamp:
		v.Int = int64(p.num)
	case ValueFloat:
		v.Float = math.Float64frombits(p.num)
	case ValueString:
		v.Str = p.str
	case ValueBytes:
		v.Bytes = []byte(p.str)
	default:
		v.Raw = []byte(p.str)
	}
	return v
}

// recRow is an op of a rebuilt change: a stored op, or a recreated delete.
// Op IDs are split into counters and actors to save the padding of three
// OpIDs.
type recRow struct {
	idCtr, objCtr, elemCtr       uint64 // elem: the key when !isProp
	valNum                       uint64
	valStr                       string
	action                       Action
	idActor, objActor, elemActor uint32
	predLo, predHi               int32 // the links naming this op as a successor
	prop                         int32 // the key (index into strs) when isProp
	mark                         int32 // mark name: index into strs plus one, 0 for none
	valType                      ValueType
	insert, isProp, expand       bool
}

func (r *recRow) id() OpID   { return OpID{Counter: r.idCtr, Actor: r.idActor} }
func (r *recRow) obj() OpID  { return OpID{Counter: r.objCtr, Actor: r.objActor} }
func (r *recRow) elem() OpID { return OpID{Counter: r.elemCtr, Actor: r.elemActor} }

func (r *recRow) setValue(v *Value) {
	p := packValue(v)
	r.valType, r.valNum, r.valStr = p.typ, p.num, p.str
}

func (r *recRow) value() Value {
	return recValue{typ: r.valType, num: r.valNum, str: r.valStr}.unpack()
}

// idKey is an op ID with a row: the op's own row, or for a succ entry the
// row of the op that lists it.
type idKey struct {
	ctr   uint64
	actor uint32
	row   int32
}

func sameID(a, b idKey) bool { return a.ctr == b.ctr && a.actor == b.actor }

// idBefore orders IDs by (actor, counter), ignoring rows.
func idBefore(a, b idKey) bool { return a.actor < b.actor || a.actor == b.actor && a.ctr < b.ctr }

func cmpIDKey(a, b idKey) int {
	if c := cmp.Compare(a.actor, b.actor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ctr, b.ctr); c != 0 {
		return c
	}
	return cmp.Compare(a.row, b.row)
}

// rebuildRows holds the rows of a document's ops and recreated deletes.
type rebuildRows struct {
	rows  []recRow // stored ops, in document order
	dels  []recRow // recreated deletes; row len(rows)+i
	links []idKey  // succ entries, sorted by the op they name
	strs  []string // map keys and mark names
}

func (t *rebuildRows) row(i int32) *recRow {
	if int(i) < len(t.rows) {
		return &t.rows[i]
	}
	return &t.dels[int(i)-len(t.rows)]
}

// rebuildSize is how many ops and succ entries a document holds, to size
// the rebuild's arrays.
type rebuildSize struct{ ops, succs int }

// rebuild reconstructs the changes d.Changes describes from the ops src
// yields (d.Ops is not read).
func rebuild(d *Document, src opSource, size rebuildSize, keepOps bool) ([]*Change, error) {
	nActors := len(d.Actors)
	cmpActor := func(a, b uint32) int { return bytes.Compare(d.Actors[a], d.Actors[b]) }
	cmpID := func(a, b OpID) int {
		if c := cmp.Compare(a.Counter, b.Counter); c != 0 {
			return c
		}
		return cmpActor(a.Actor, b.Actor)
	}

	// Changes per actor, in order, with max ops that never decrease and
	// seqs counting up from 1.
	byActor := make([][]int32, nActors)
	for i, m := range d.Changes {
		if int(m.Actor) >= nActors {
			return nil, fmt.Errorf("change %d actor %d: %w", i, m.Actor, ErrCorrupt)
		}
		list := byActor[m.Actor]
		if len(list) > 0 && d.Changes[list[len(list)-1]].MaxOp > m.MaxOp {
			return nil, fmt.Errorf("change %d: max op goes down: %w", i, ErrCorrupt)
		}
		if m.Seq != uint64(len(list))+1 {
			return nil, fmt.Errorf("change %d: seq %d, want %d: %w", i, m.Seq, len(list)+1, ErrCorrupt)
		}
		byActor[m.Actor] = append(list, int32(i))
	}

	t, seq, err := collectRows(src, nActors, size)
	if err != nil {
		return nil, err
	}

	// Split each actor's ops into its changes.
	type span struct{ lo, hi int32 }
	spans := make([]span, len(d.Changes))
	for p := 0; p < len(seq); {
		a := seq[p].actor
		list, c := byActor[a], 0
		for ; p < len(seq) && seq[p].actor == a; p++ {
			for c < len(list) && d.Changes[list[c]].MaxOp < seq[p].ctr {
				c++
			}
			if c == len(list) {
				return nil, fmt.Errorf("op %d@%d: no change holds it: %w", seq[p].ctr, a, ErrCorrupt)
			}
			s := &spans[list[c]]
			if s.hi == 0 {
				s.lo = int32(p)
			}
			s.hi = int32(p + 1)
		}
	}

	hashes := make([]ChangeHash, len(d.Changes))
	out := make([]*Change, len(d.Changes))
	trans := make([]int32, nActors) // doc actor index -> change actor index + 1
	var touched []uint32
	var scratch Op
	var scratchPreds []OpID
	for ci := range d.Changes {
		m := &d.Changes[ci]
		ops := seq[spans[ci].lo:spans[ci].hi]
		if uint64(len(ops)) > m.MaxOp {
			return nil, fmt.Errorf("change %d: %d ops but max op %d: %w", ci, len(ops), m.MaxOp, ErrCorrupt)
		}

		// The change's actor table: author, then every other actor its ops
		// mention, sorted.
		touched = touched[:0]
		use := func(id OpID) {
			if id.IsZero() || id.Actor == m.Actor || trans[id.Actor] != 0 {
				return
			}
			trans[id.Actor] = -1
			touched = append(touched, id.Actor)
		}
		nPreds := 0
		for _, k := range ops {
			r := t.row(k.row)
			use(r.obj())
			if !r.isProp {
				use(r.elem())
			}
			for _, l := range t.links[r.predLo:r.predHi] {
				use(t.rows[l.row].id())
			}
			nPreds += int(r.predHi - r.predLo)
		}
		slices.SortFunc(touched, cmpActor)
		actors := make([][]byte, 1, len(touched)+1)
		actors[0] = d.Actors[m.Actor]
		trans[m.Actor] = 1
		for _, a := range touched {
			actors = append(actors, d.Actors[a])
			trans[a] = int32(len(actors))
		}
		tr := func(id OpID) OpID {
			if id.IsZero() {
				return id
			}
			return OpID{Counter: id.Counter, Actor: uint32(trans[id.Actor] - 1)}
		}
		// fill writes op k of the change into op, appending its preds to
		// preds, which must have room for them.
		fill := func(k int, op *Op, preds []OpID) []OpID {
			r := t.row(ops[k].row)
			*op = Op{Obj: tr(r.obj()), Insert: r.insert, Action: r.action, Value: r.value(), Expand: r.expand}
			if r.isProp {
				op.Key = Key{Prop: t.strs[r.prop], IsProp: true}
			} else {
				op.Key.Elem = tr(r.elem())
			}
			if r.mark > 0 {
				op.MarkName = t.strs[r.mark-1]
			}
			start := len(preds)
			for _, l := range t.links[r.predLo:r.predHi] {
				preds = append(preds, t.rows[l.row].id())
			}
			ps := preds[start:]
			slices.SortFunc(ps, cmpID)
			for j := range ps {
				ps[j] = tr(ps[j])
			}
			if len(ps) > 0 {
				op.Pred = ps[:len(ps):len(ps)]
			}
			return preds
		}

		c := &Change{
			Actors:  actors,
			Seq:     m.Seq,
			StartOp: m.MaxOp - uint64(len(ops)) + 1,
			Time:    m.Time,
			Message: m.Message,
			Extra:   m.Extra,
		}
		if len(m.Deps) > 0 {
			c.Deps = make([]ChangeHash, len(m.Deps))
			for k, dep := range m.Deps {
				if dep >= uint64(ci) {
					return nil, fmt.Errorf("change %d depends on change %d, which is not earlier: %w", ci, dep, ErrCorrupt)
				}
				c.Deps[k] = hashes[dep]
			}
			slices.SortFunc(c.Deps, func(a, b ChangeHash) int { return bytes.Compare(a[:], b[:]) })
		}
		row := func(k int) *Op {
			scratchPreds = fill(k, &scratch, scratchPreds[:0])
			return &scratch
		}
		if keepOps && len(ops) > 0 {
			c.Ops = make([]Op, len(ops))
			store := make([]OpID, 0, nPreds)
			for k := range c.Ops {
				store = fill(k, &c.Ops[k], store)
			}
			row = func(k int) *Op { return &c.Ops[k] }
		}
		if _, err := encodeChange(c, rowOps(len(ops), row)); err != nil {
			return nil, fmt.Errorf("change %d: %w", ci, err)
		}
		for _, a := range touched {
			trans[a] = 0
		}
		trans[m.Actor] = 0
		hashes[ci] = c.Hash
		out[ci] = c
	}
	if err := checkHeads(d, hashes); err != nil {
		return out, err
	}
	return out, nil
}

// collectRows copies the ops src yields into rows, pairs succ entries with
// the ops they name, recreates deletes, and returns every op's ID and row
// sorted by (actor, counter).
func collectRows(src opSource, nActors int, size rebuildSize) (*rebuildRows, []idKey, error) {
	t := &rebuildRows{rows: make([]recRow, 0, size.ops), links: make([]idKey, 0, size.succs)}
	keys := make([]idKey, 0, size.ops)
	strIdx := map[string]int32{}
	intern := func(s string) int32 {
		i, ok := strIdx[s]
		if !ok {
			i = int32(len(t.strs))
			t.strs = append(t.strs, s)
			strIdx[s] = i
		}
		return i
	}
	err := src(func(i int, op *Op) error {
		if err := checkOpActors(i, op, nActors, documentOps); err != nil {
			return err
		}
		if i >= math.MaxInt32/2 || len(t.links) >= math.MaxInt32/2 {
			return fmt.Errorf("op %d: too many ops or successors: %w", i, ErrTooLarge)
		}
		r := recRow{idCtr: op.ID.Counter, idActor: op.ID.Actor, objCtr: op.Obj.Counter, objActor: op.Obj.Actor,
			action: op.Action, insert: op.Insert, isProp: op.Key.IsProp, expand: op.Expand}
		r.setValue(&op.Value)
		if op.Key.IsProp {
			r.prop = intern(op.Key.Prop)
		} else {
			r.elemCtr, r.elemActor = op.Key.Elem.Counter, op.Key.Elem.Actor
		}
		if op.MarkName != "" {
			r.mark = intern(op.MarkName) + 1
		}
		t.rows = append(t.rows, r)
		keys = append(keys, idKey{ctr: op.ID.Counter, actor: op.ID.Actor, row: int32(i)})
		for _, s := range op.Succ {
			t.links = append(t.links, idKey{ctr: s.Counter, actor: s.Actor, row: int32(i)})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(keys, cmpIDKey)
	for i := 1; i < len(keys); i++ {
		if sameID(keys[i-1], keys[i]) {
			return nil, nil, fmt.Errorf("duplicate op ID %d@%d: %w", keys[i].ctr, keys[i].actor, ErrCorrupt)
		}
	}
	slices.SortFunc(t.links, cmpIDKey)

	// Merge the ops with the succ entries, in (actor, counter) order:
	// once to count the deletes, then to build them.
	nextGroup := func(lo int) int {
		hi := lo + 1
		for hi < len(t.links) && sameID(t.links[hi], t.links[lo]) {
			hi++
		}
		return hi
	}
	nDels := 0
	for lo, k := 0, 0; lo < len(t.links); lo = nextGroup(lo) {
		for k < len(keys) && idBefore(keys[k], t.links[lo]) {
			k++
		}
		if k == len(keys) || !sameID(keys[k], t.links[lo]) {
			nDels++
		}
	}
	t.dels = make([]recRow, 0, nDels)
	seq := make([]idKey, 0, len(keys)+nDels)
	k := 0
	for lo := 0; lo < len(t.links); {
		target := t.links[lo]
		hi := nextGroup(lo)
		for k < len(keys) && idBefore(keys[k], target) {
			seq = append(seq, keys[k])
			k++
		}
		var r *recRow
		if k < len(keys) && sameID(keys[k], target) {
			r = &t.rows[keys[k].row]
		} else {
			// No stored op: a delete, in the object and key of the first
			// op (in document order) it removed.
			from := &t.rows[target.row]
			del := recRow{idCtr: target.ctr, idActor: target.actor, objCtr: from.objCtr, objActor: from.objActor,
				action: ActionDelete, isProp: from.isProp, prop: from.prop, elemCtr: from.elemCtr, elemActor: from.elemActor}
			if !from.isProp && from.insert {
				del.elemCtr, del.elemActor = from.idCtr, from.idActor
			}
			seq = append(seq, idKey{ctr: target.ctr, actor: target.actor, row: int32(len(t.rows) + len(t.dels))})
			t.dels = append(t.dels, del)
			r = &t.dels[len(t.dels)-1]
		}
		r.predLo, r.predHi = int32(lo), int32(hi)
		lo = hi
	}
	seq = append(seq, keys[k:]...)
	return t, seq, nil
}

// checkHeads checks that the changes nothing depends on hash to d.Heads.
func checkHeads(d *Document, hashes []ChangeHash) error {
	isDep := make([]bool, len(d.Changes))
	for _, m := range d.Changes {
		for _, dep := range m.Deps {
			isDep[dep] = true
		}
	}
	var heads []ChangeHash
	for i, dep := range isDep {
		if !dep {
			heads = append(heads, hashes[i])
		}
	}
	want := slices.Clone(d.Heads)
	cmpHash := func(a, b ChangeHash) int { return bytes.Compare(a[:], b[:]) }
	slices.SortFunc(heads, cmpHash)
	slices.SortFunc(want, cmpHash)
	if !slices.Equal(heads, want) {
		return fmt.Errorf("%d heads rebuilt, %d recorded: %w", len(heads), len(want), ErrHeadsMismatch)
	}
	return nil
}
