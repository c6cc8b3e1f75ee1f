package format

import (
	"fmt"
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
// changes have Ops nil, and each op is encoded through one reused Op, so
// it allocates a fraction of what ReconstructChanges does on large
// documents.
func ReconstructChangeHeaders(d *Document) ([]*Change, error) {
	chs, err := reconstruct(d, false)
	if err != nil {
		return nil, fmt.Errorf("reconstruct changes: %w", err)
	}
	return chs, nil
}

func reconstruct(d *Document, keepOps bool) ([]*Change, error) {
	size := rebuildSize{ops: len(d.Ops)}
	for i := range d.Ops {
		size.succs += len(d.Ops[i].Succ)
	}
	return rebuild(d, opsSource(d.Ops), size, keepOps)
}

// RebuildChanges is ReconstructChanges for a LazyDocument: it decodes the
// ops as it goes rather than holding them all.
func (d *LazyDocument) RebuildChanges() ([]*Change, error) {
	return d.rebuild(true)
}

// RebuildChangeHeaders is ReconstructChangeHeaders for a LazyDocument.
func (d *LazyDocument) RebuildChangeHeaders() ([]*Change, error) {
	return d.rebuild(false)
}

func (d *LazyDocument) rebuild(keepOps bool) ([]*Change, error) {
	// Rows in the action and succ actor columns, as sizes only: the
	// decoder checks the columns against each other as it reads.
	var size rebuildSize
	var err error
	if size.ops, err = countRows(d.ops.cols.get(specAction), d.ops.limit); err != nil {
		return nil, fmt.Errorf("reconstruct changes: op columns: %w", err)
	}
	size.succs, _ = countRows(d.ops.cols.get(specSuccActor), d.ops.limit) // 0 if bad
	chs, err := rebuild(&d.Document, d.EachOp, size, keepOps)
	if err != nil {
		return nil, fmt.Errorf("reconstruct changes: %w", err)
	}
	return chs, nil
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
