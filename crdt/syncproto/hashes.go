package syncproto

import (
	"bytes"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

func compareHash(a, b format.ChangeHash) int { return bytes.Compare(a[:], b[:]) }

// sortedUnique sorts hs byte-wise and drops repeats, in place.
func sortedUnique(hs []format.ChangeHash) []format.ChangeHash {
	slices.SortFunc(hs, compareHash)
	return slices.Compact(hs)
}

func hashSet(hs []format.ChangeHash) map[format.ChangeHash]struct{} {
	set := make(map[format.ChangeHash]struct{}, len(hs))
	for _, h := range hs {
		set[h] = struct{}{}
	}
	return set
}

// appendMembers appends the hashes of hs whose membership in set is in.
func appendMembers(dst, hs []format.ChangeHash, set map[format.ChangeHash]struct{}, in bool) []format.ChangeHash {
	for _, h := range hs {
		if _, ok := set[h]; ok == in {
			dst = append(dst, h)
		}
	}
	return dst
}

// appendKnown appends the hashes of hs that g has applied.
func appendKnown(dst []format.ChangeHash, g Graph, hs []format.ChangeHash) []format.ChangeHash {
	for _, h := range hs {
		if g.HasChange(h) {
			dst = append(dst, h)
		}
	}
	return dst
}

// pickedSet is a list of hashes in the order they were picked, with a
// membership test: a scan while the list is short, as it is for nearly
// every answer (a change or two), and a map once it grows.
type pickedSet struct {
	list  []format.ChangeHash
	index map[format.ChangeHash]struct{}
}

// pickedScanMax is the longest list pickedSet scans instead of indexing.
const pickedScanMax = 16

func (p *pickedSet) add(h format.ChangeHash) {
	p.list = append(p.list, h)
	switch {
	case p.index != nil:
		p.index[h] = struct{}{}
	case len(p.list) > pickedScanMax:
		p.index = hashSet(p.list)
	}
}

func (p *pickedSet) has(h format.ChangeHash) bool {
	if p.index != nil {
		_, ok := p.index[h]
		return ok
	}
	return slices.Contains(p.list, h)
}

// hasAny reports whether any of hs is in the set.
func (p *pickedSet) hasAny(hs []format.ChangeHash) bool {
	return slices.ContainsFunc(hs, p.has)
}
