package relay

import (
	"slices"
	"testing"
)

func TestWarmSetKeepsTheMostRecent(t *testing.T) {
	es := make([]*entry, 5)
	for i := range es {
		es[i] = &entry{}
	}
	for _, tc := range []struct {
		name    string
		max     int
		touches []int // indexes into es, in order
		forget  []int
		evicted []int // what falls out, in order
		left    int
	}{
		{"under the bound", 3, []int{0, 1, 2}, nil, nil, 3},
		{"oldest falls out", 2, []int{0, 1, 2}, nil, []int{0}, 2},
		{"a touch makes it recent", 2, []int{0, 1, 0, 2}, nil, []int{1}, 2},
		{"touching again adds nothing", 2, []int{3, 3, 3}, nil, nil, 1},
		{"forgotten entries leave room", 2, []int{0, 1}, []int{0}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWarmSet(tc.max)
			var out []int
			for _, i := range tc.touches {
				for _, e := range w.touch(es[i]) {
					out = append(out, slices.Index(es, e))
				}
			}
			for _, i := range tc.forget {
				w.forget(es[i])
			}
			if !slices.Equal(out, tc.evicted) {
				t.Errorf("evicted %v, want %v", out, tc.evicted)
			}
			if w.len() != tc.left {
				t.Errorf("%d warm, want %d", w.len(), tc.left)
			}
		})
	}
}
