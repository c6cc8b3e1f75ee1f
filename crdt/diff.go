package crdt

import (
	"fmt"
	"slices"
	"strings"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// PatchAction says what a [Patch] does.
type PatchAction int

const (
	// PatchPut sets Key of a map, or overwrites Index of a list, to Value.
	PatchPut PatchAction = iota
	// PatchDelete removes Key from a map, or Length elements (code points
	// of a text) starting at Index.
	PatchDelete
	// PatchInsert inserts Values into a list before Index.
	PatchInsert
	// PatchSpliceText inserts Text into a text before position Index.
	PatchSpliceText
	// PatchIncrement adds Delta to the counter at Key or Index.
	PatchIncrement
)

// String returns the action's name.
func (a PatchAction) String() string {
	switch a {
	case PatchPut:
		return "put"
	case PatchDelete:
		return "delete"
	case PatchInsert:
		return "insert"
	case PatchSpliceText:
		return "splice"
	case PatchIncrement:
		return "increment"
	}
	return fmt.Sprintf("PatchAction(%d)", int(a))
}

// Patch is one step turning the document at some heads into the document
// at later heads. Applied in order, patches are self-consistent: Path and
// Index always refer to the state with the previous patches applied (so to
// the final state for objects that earlier patches do not touch).
type Patch struct {
	// Path leads from the root to the object the patch edits: strings
	// for map keys, ints for list indexes.
	Path   []any
	Action PatchAction
	Key    string // map patches
	Index  int    // list and text patches
	// Value is what PatchPut writes. An object comes whole, as a read-only
	// view at the later heads: patches never descend into an object that
	// an earlier patch put or inserted.
	Value  *Value
	Values []*Value // PatchInsert, read like Value
	Text   string   // PatchSpliceText
	Length int      // PatchDelete in lists and texts
	Delta  int64    // PatchIncrement
	// Conflict is set on a PatchPut when other concurrent values remain
	// (see [Map.Conflicts]).
	Conflict bool
}

// Diff returns the patches that turn the document as of before into the
// document as of after (nil or empty heads mean the empty document). A UI
// holding the state at before can apply them to reach after. It costs a
// walk over the document.
func (d *Doc) Diff(before, after []ChangeHash) ([]Patch, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	for _, h := range append(slices.Clone(before), after...) {
		if _, ok := d.byHash[h]; !ok {
			return nil, fmt.Errorf("diff: unknown head %s", h)
		}
	}
	df := &differ{d: d, b: d.clockAt(before), a: d.clockAt(after)}
	df.av = df.a
	if sorted := slices.SortedFunc(slices.Values(after), compareHash); slices.Equal(sorted, d.heads) {
		df.a = nil // the current state: visibility needs no clock
	}
	df.object(d.objs[opID{}], nil)
	return df.out, nil
}

type differ struct {
	d    *Doc
	b, a *clock
	av   *clock // the clock values are read at: a, even when a is nil
	out  []Patch
}

type child struct {
	id  opID
	seg any
}

func (df *differ) object(obj *object, path []any) {
	var kids []child
	if obj.typ.isSeq() {
		kids = df.seq(obj, path)
	} else {
		kids = df.mapObj(obj, path)
	}
	for _, k := range kids {
		df.object(df.d.objs[k.id], append(slices.Clone(path), k.seg))
	}
}

// counterAt is the value of counter op o (among sibs) at c.
func (df *differ) counterAt(o *op, sibs []*op, c *clock) int64 {
	return df.d.valueAt(o, c, sibs...).val.(*Counter).val
}

func (df *differ) mapObj(obj *object, path []any) []child {
	keys := make([]string, 0, len(obj.props))
	for k := range obj.props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var kids []child
	for _, k := range keys {
		kops := obj.props[k]
		ops := kops.all
		wb, wa := winnerAt(ops, df.b), kops.winnerAt(df.a)
		switch {
		case wa == nil && wb != nil:
			df.out = append(df.out, Patch{Path: path, Action: PatchDelete, Key: k})
		case wa != nil && (wb == nil || wb.id != wa.id):
			df.out = append(df.out, Patch{Path: path, Action: PatchPut, Key: k,
				Value: df.d.valueAt(wa, df.av, ops...), Conflict: conflicted(ops, df.a)})
		case wa != nil && wa.isCounter():
			if delta := df.counterAt(wa, ops, df.a) - df.counterAt(wb, ops, df.b); delta != 0 {
				df.out = append(df.out, Patch{Path: path, Action: PatchIncrement, Key: k, Delta: delta})
			}
		}
		if wa != nil && wa == wb && wa.isMake() {
			kids = append(kids, child{wa.id, k})
		}
	}
	return kids
}

func conflicted(ops []*op, c *clock) bool {
	n := 0
	for _, o := range ops {
		if visibleAt(o, ops, c) {
			n++
		}
	}
	return n > 1
}

func (df *differ) seq(obj *object, path []any) []child {
	text := obj.typ == objText
	var kids []child
	var run *Patch
	var sb strings.Builder
	flush := func() {
		if run == nil {
			return
		}
		if run.Action == PatchSpliceText {
			run.Text = sb.String()
			sb.Reset()
		}
		df.out = append(df.out, *run)
		run = nil
	}
	extend := func(action PatchAction, idx int) *Patch {
		if run != nil && run.Action != action {
			flush()
		}
		if run == nil {
			run = &Patch{Path: path, Action: action, Index: idx}
		}
		return run
	}
	idx := 0
	obj.seq.each(func(e *op) bool {
		vb, va := elemWinnerAt(e, df.b), elemWinnerAt(e, df.a)
		if vb == nil && va == nil {
			return true
		}
		ops := elemOps(e).all
		width := 1
		if text && va != nil {
			width = int(textWidth(va))
		}
		switch {
		case vb != nil && va == nil:
			w := 1
			if text {
				w = int(textWidth(vb))
			}
			extend(PatchDelete, idx).Length += w
			return true
		case vb == nil && va == nil:
			return true
		case vb == nil && text:
			extend(PatchSpliceText, idx)
			if va.action() == format.ActionSet && va.val.typ == format.ValueString {
				sb.WriteString(va.val.str)
			} else {
				sb.WriteString("\uFFFC")
			}
		case vb == nil:
			p := extend(PatchInsert, idx)
			p.Values = append(p.Values, df.d.valueAt(va, df.av, ops...))
		case vb.id != va.id:
			flush()
			df.out = append(df.out, Patch{Path: path, Action: PatchPut, Index: idx,
				Value: df.d.valueAt(va, df.av, ops...), Conflict: conflicted(ops, df.a)})
		case va.isCounter():
			flush()
			if delta := df.counterAt(va, ops, df.a) - df.counterAt(vb, ops, df.b); delta != 0 {
				df.out = append(df.out, Patch{Path: path, Action: PatchIncrement, Index: idx, Delta: delta})
			}
		default:
			flush()
		}
		if va == vb && va.isMake() {
			kids = append(kids, child{va.id, idx})
		}
		idx += width
		return true
	})
	flush()
	return kids
}
