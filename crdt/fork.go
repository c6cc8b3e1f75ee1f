package crdt

import (
	"fmt"
	"slices"
)

// RootMap returns the root of the document as a Map.
func (d *Doc) RootMap() *Map { return &Map{doc: d, bound: true} }

// Root returns the root of the document as a Value of [KindMap].
func (d *Doc) Root() *Value { return &Value{kind: KindMap, doc: d, val: d.RootMap()} }

// Path returns a [*Path] that points to a position in the doc.
// Path will panic unless each path component is a string or an int.
// Calling Path with no arguments returns a path to the [Doc.Root].
func (d *Doc) Path(path ...any) *Path { return (&Path{d: d}).Path(path...) }

// Fork returns a new, independent, copy of the document with a new actor
// ID. If asOf is empty then it is forked in its current state,
// otherwise it returns a version as of the given heads.
func (d *Doc) Fork(asOf ...ChangeHash) (*Doc, error) {
	d.mu.Lock()
	if err := d.closeTx(); err != nil {
		d.mu.Unlock()
		return nil, err
	}
	if len(asOf) == 0 || slices.Equal(asOf, d.heads) {
		b, err := encodeDocument(d)
		d.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("fork: %w", err)
		}
		return Load(b)
	}
	for _, h := range asOf {
		if _, ok := d.byHash[h]; !ok {
			d.mu.Unlock()
			return nil, fmt.Errorf("fork: unknown head %s", h)
		}
	}
	in := d.ancestors(asOf)
	var chs []*Change
	for i, c := range d.changes {
		if in[i] {
			chs = append(chs, c)
		}
	}
	d.mu.Unlock()
	f := New()
	if err := f.applyChanges(chs); err != nil {
		return nil, fmt.Errorf("fork: %w", err)
	}
	return f, nil
}

// Merge extracts all changes from d2 that are not in d
// and then applies them to d. It returns d's new heads.
func (d *Doc) Merge(d2 *Doc) ([]ChangeHash, error) {
	if d == d2 {
		return d.Heads(), nil
	}
	d2.mu.Lock()
	if err := d2.closeTx(); err != nil {
		d2.mu.Unlock()
		return nil, err
	}
	theirs := slices.Clone(d2.changes)
	d2.mu.Unlock()

	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	var missing []*Change
	for _, c := range theirs {
		if _, ok := d.byHash[c.hash]; !ok {
			missing = append(missing, c)
		}
	}
	if err := d.applyChanges(missing); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return slices.Clone(d.heads), nil
}
