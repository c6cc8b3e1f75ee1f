package syncproto

import (
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// TestPickedSet checks membership and order on both sides of the point
// where the set starts indexing.
func TestPickedSet(t *testing.T) {
	for _, n := range []int{0, 1, pickedScanMax, pickedScanMax + 1, 3 * pickedScanMax} {
		var p pickedSet
		var want []format.ChangeHash
		for i := range n {
			h := format.ChangeHash{byte(i), 1}
			p.add(h)
			want = append(want, h)
		}
		if !slices.Equal(p.list, want) {
			t.Fatalf("n=%d: list out of order", n)
		}
		for i := range n {
			if !p.has(format.ChangeHash{byte(i), 1}) {
				t.Fatalf("n=%d: added hash %d missing", n, i)
			}
		}
		if p.has(format.ChangeHash{byte(n), 1}) || p.has(format.ChangeHash{0, 2}) {
			t.Fatalf("n=%d: a hash never added is a member", n)
		}
		if n > 0 && !p.hasAny([]format.ChangeHash{{9, 9}, {byte(n - 1), 1}}) {
			t.Fatalf("n=%d: hasAny missed a member", n)
		}
		if (p.index != nil) != (n > pickedScanMax) {
			t.Fatalf("n=%d: indexed %v", n, p.index != nil)
		}
	}
}
