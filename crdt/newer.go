package crdt

import "github.com/commonplace/commonplace/crdt/internal/history"

// newerThan returns, in history order, the indexes of the changes that are
// neither in since nor among its ancestors (unknown hashes in since are
// ignored): what Changes(since) and the sync protocol's HashesSince send.
// The history is kept in causal order, so history.NewerThan's walk back
// from the heads applies; a history that is not (d.acausal) is marked.
func (d *Doc) newerThan(since []ChangeHash) []int {
	if d.acausal {
		return d.newerThanByMarking(since)
	}
	known := make([]int, 0, len(since))
	for _, h := range since {
		if i, ok := d.byHash[h]; ok {
			known = append(known, i)
		}
	}
	heads := make([]int, len(d.heads))
	for n, h := range d.heads {
		heads[n] = d.byHash[h]
	}
	return history.NewerThan(heads, known, func(i int, visit func(int)) {
		for _, h := range d.changes[i].deps {
			if j, ok := d.byHash[h]; ok && j < i {
				visit(j)
			}
		}
	})
}

// newerThanByMarking is newerThan by marking every ancestor of since.
func (d *Doc) newerThanByMarking(since []ChangeHash) []int {
	seen := d.ancestors(since)
	var out []int
	for i := range d.changes {
		if !seen[i] {
			out = append(out, i)
		}
	}
	return out
}
