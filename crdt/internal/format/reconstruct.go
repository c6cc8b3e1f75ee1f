package format

import (
	"bytes"
	"fmt"
	"slices"
)

// A document stores ops, not changes. ReconstructChanges rebuilds the
// changes as Automerge does on load: each op goes to the change of its
// actor whose max op is the first at or above the op's counter; pred lists
// are the inverse of succ lists; a succ that names no stored op is a
// delete, recreated with the object and key of the op it deleted. Each
// rebuilt change is encoded and hashed, and the hashes must produce the
// document's heads.

// ReconstructChanges rebuilds every change recorded in d, in d.Changes
// order, with Hash and Raw set. It returns ErrHeadsMismatch if the rebuilt
// changes do not hash to d.Heads.
func ReconstructChanges(d *Document) ([]*Change, error) {
	chs, err := reconstruct(d, true)
	if err != nil {
		return nil, fmt.Errorf("reconstruct changes: %w", err)
	}
	return chs, nil
}

// ReconstructChangeHeaders is ReconstructChanges for callers that need the
// changes' bytes, hashes and metadata but not their ops: the returned
// changes have Ops nil, and the ops are built in one reused buffer, so it
// allocates a fraction of what ReconstructChanges does on large documents.
func ReconstructChangeHeaders(d *Document) ([]*Change, error) {
	chs, err := reconstruct(d, false)
	if err != nil {
		return nil, fmt.Errorf("reconstruct changes: %w", err)
	}
	return chs, nil
}

// opRef is an op of the document (del false: index into d.Ops) or a
// recreated delete (del true: index into the deletes).
type opRef struct {
	counter uint64
	index   int32
	del     bool
}

type deleteOp struct {
	id    OpID
	obj   OpID
	key   Key
	preds []OpID
}

func reconstruct(d *Document, keepOps bool) ([]*Change, error) {
	nActors := len(d.Actors)
	if err := checkOpActors(d.Ops, nActors, documentOps); err != nil {
		return nil, err
	}
	cmpActor := func(a, b uint32) int { return bytes.Compare(d.Actors[a], d.Actors[b]) }
	cmpID := func(a, b OpID) int {
		if a.Counter != b.Counter {
			if a.Counter < b.Counter {
				return -1
			}
			return 1
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
	changeOf := func(id OpID) (int32, error) {
		if int(id.Actor) >= nActors {
			return 0, fmt.Errorf("op %d@%d: actor out of range: %w", id.Counter, id.Actor, ErrCorrupt)
		}
		list := byActor[id.Actor]
		k, _ := slices.BinarySearchFunc(list, id.Counter, func(ci int32, c uint64) int {
			if d.Changes[ci].MaxOp < c {
				return -1
			}
			return 1
		})
		if k == len(list) {
			return 0, fmt.Errorf("op %d@%d: no change holds it: %w", id.Counter, id.Actor, ErrCorrupt)
		}
		return list[k], nil
	}

	// Index the stored ops, then invert succ into pred.
	index := make(map[OpID]int32, len(d.Ops))
	for i := range d.Ops {
		index[d.Ops[i].ID] = int32(i)
	}
	if len(index) != len(d.Ops) {
		return nil, fmt.Errorf("duplicate op IDs: %w", ErrCorrupt)
	}
	predCount := make([]int32, len(d.Ops))
	var dels []deleteOp
	delIndex := map[OpID]int32{}
	for i := range d.Ops {
		op := &d.Ops[i]
		for _, s := range op.Succ {
			if j, ok := index[s]; ok {
				predCount[j]++
				continue
			}
			k, ok := delIndex[s]
			if !ok {
				key := op.Key
				if !key.IsProp && op.Insert {
					key.Elem = op.ID
				}
				k = int32(len(dels))
				delIndex[s] = k
				dels = append(dels, deleteOp{id: s, obj: op.Obj, key: key})
			}
			dels[k].preds = append(dels[k].preds, op.ID)
		}
	}
	predStart := make([]int32, len(d.Ops)+1)
	for i, c := range predCount {
		predStart[i+1] = predStart[i] + c
	}
	predStore := make([]OpID, predStart[len(d.Ops)])
	fill := slices.Clone(predStart[:len(d.Ops)])
	for i := range d.Ops {
		for _, s := range d.Ops[i].Succ {
			if j, ok := index[s]; ok {
				predStore[fill[j]] = d.Ops[i].ID
				fill[j]++
			}
		}
	}
	preds := func(r opRef) []OpID {
		if r.del {
			return dels[r.index].preds
		}
		return predStore[predStart[r.index]:predStart[r.index+1]]
	}

	// Assign ops to changes.
	opCount := make([]int32, len(d.Changes)+1)
	owner := make([]int32, len(d.Ops)+len(dels))
	for i := range d.Ops {
		c, err := changeOf(d.Ops[i].ID)
		if err != nil {
			return nil, err
		}
		owner[i] = c
		opCount[c+1]++
	}
	for i := range dels {
		c, err := changeOf(dels[i].id)
		if err != nil {
			return nil, err
		}
		owner[len(d.Ops)+i] = c
		opCount[c+1]++
	}
	for i := 1; i < len(opCount); i++ {
		opCount[i] += opCount[i-1]
	}
	refs := make([]opRef, len(owner))
	pos := slices.Clone(opCount[:len(d.Changes)])
	for i, c := range owner {
		r := opRef{index: int32(i)}
		if i >= len(d.Ops) {
			r = opRef{index: int32(i - len(d.Ops)), del: true, counter: dels[i-len(d.Ops)].id.Counter}
		} else {
			r.counter = d.Ops[i].ID.Counter
		}
		refs[pos[c]] = r
		pos[c]++
	}

	hashes := make([]ChangeHash, len(d.Changes))
	out := make([]*Change, len(d.Changes))
	trans := make([]int32, nActors) // doc actor index -> change actor index + 1
	var touched []uint32
	var scratchOps []Op     // reused when !keepOps
	var scratchPreds []OpID // likewise
	for ci := range d.Changes {
		m := &d.Changes[ci]
		ops := refs[opCount[ci]:opCount[ci+1]]
		slices.SortFunc(ops, func(a, b opRef) int {
			switch {
			case a.counter < b.counter:
				return -1
			case a.counter > b.counter:
				return 1
			}
			return 0
		})
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
		for _, r := range ops {
			obj, key := refObjKey(d, dels, r)
			use(obj)
			if !key.IsProp {
				use(key.Elem)
			}
			for _, p := range preds(r) {
				use(p)
			}
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

		c := &Change{
			Actors:  actors,
			Seq:     m.Seq,
			StartOp: m.MaxOp - uint64(len(ops)) + 1,
			Time:    m.Time,
			Message: m.Message,
			Extra:   m.Extra,
		}
		if len(ops) > 0 {
			nPreds := 0
			for _, r := range ops {
				nPreds += len(preds(r))
			}
			var store []OpID
			if keepOps {
				c.Ops = make([]Op, len(ops))
				store = make([]OpID, 0, nPreds)
			} else {
				scratchOps = slices.Grow(scratchOps[:0], len(ops))[:len(ops)]
				clear(scratchOps)
				c.Ops = scratchOps
				store = slices.Grow(scratchPreds[:0], nPreds)
				scratchPreds = store // appends stay within its capacity
			}
			for k, r := range ops {
				op := &c.Ops[k]
				if r.del {
					del := &dels[r.index]
					op.Obj, op.Key, op.Action = del.obj, del.key, ActionDelete
				} else {
					src := &d.Ops[r.index]
					op.Obj, op.Key = src.Obj, src.Key
					op.Insert, op.Action, op.Value = src.Insert, src.Action, src.Value
					op.Expand, op.MarkName = src.Expand, src.MarkName
				}
				op.Obj = tr(op.Obj)
				if !op.Key.IsProp {
					op.Key.Elem = tr(op.Key.Elem)
				}
				ps := preds(r)
				slices.SortFunc(ps, cmpID)
				start := len(store)
				for _, p := range ps {
					store = append(store, tr(p))
				}
				if len(ps) > 0 {
					op.Pred = store[start:len(store):len(store)]
				}
			}
		}
		for _, a := range touched {
			trans[a] = 0
		}
		trans[m.Actor] = 0

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
		if _, err := EncodeChange(c); err != nil {
			return nil, fmt.Errorf("change %d: %w", ci, err)
		}
		if !keepOps {
			c.Ops = nil
		}
		hashes[ci] = c.Hash
		out[ci] = c
	}

	// The heads are the changes nothing depends on.
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
		return out, fmt.Errorf("%d heads rebuilt, %d recorded: %w", len(heads), len(want), ErrHeadsMismatch)
	}
	return out, nil
}

// refObjKey returns the object and key of a referenced op.
func refObjKey(d *Document, dels []deleteOp, r opRef) (OpID, Key) {
	if r.del {
		return dels[r.index].obj, dels[r.index].key
	}
	op := &d.Ops[r.index]
	return op.Obj, op.Key
}

// computeHeadIndexes finds the index in d.Changes of each of d.Heads.
func computeHeadIndexes(d *Document) ([]uint64, error) {
	if len(d.Heads) == 0 {
		return nil, nil
	}
	chs, err := reconstruct(d, false)
	if err != nil {
		return nil, err
	}
	at := make(map[ChangeHash]uint64, len(chs))
	for i, c := range chs {
		at[c.Hash] = uint64(i)
	}
	idx := make([]uint64, len(d.Heads))
	for i, h := range d.Heads {
		k, ok := at[h]
		if !ok {
			return nil, fmt.Errorf("head %x is no change of the document: %w", h[:4], ErrHeadsMismatch)
		}
		idx[i] = k
	}
	return idx, nil
}
