package crdt

import (
	"fmt"
	"slices"
)

// View is a read-only view of a document as it was at some heads. Making
// one costs a walk over the change graph, not a copy of the document: reads
// through the view skip ops that came later. Reading lists and texts
// through a view scans them (O(n)) instead of using the position index.
// Writes through a view fail with [ErrReadOnly].
type View struct {
	d     *Doc
	heads []ChangeHash
	at    *clock
}

// View returns a read-only view of the document at the given heads (all
// of which the document must have). With no heads it views the empty
// document.
func (d *Doc) View(heads ...ChangeHash) (*View, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	for _, h := range heads {
		if _, ok := d.byHash[h]; !ok {
			return nil, fmt.Errorf("view: unknown head %s", h)
		}
	}
	return &View{d: d, heads: slices.Clone(heads), at: d.clockAt(heads)}, nil
}

// Heads returns the heads the view was made at.
func (v *View) Heads() []ChangeHash { return slices.Clone(v.heads) }

// RootMap returns the root of the viewed document as a read-only Map.
func (v *View) RootMap() *Map { return &Map{doc: v.d, bound: true, at: v.at} }

// Root returns the root of the viewed document as a Value of [KindMap].
func (v *View) Root() *Value { return &Value{kind: KindMap, doc: v.d, val: v.RootMap()} }

// Path returns a read-only [*Path] into the viewed document.
func (v *View) Path(path ...any) *Path { return (&Path{d: v.d, at: v.at}).Path(path...) }
