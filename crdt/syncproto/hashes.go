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
