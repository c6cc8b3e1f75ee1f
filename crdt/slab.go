package crdt

// Ops are never freed while their document lives (deletes only add
// successors), so they are allocated in slabs: one allocation per block
// instead of one per op, no size-class rounding, and less for the garbage
// collector to track. Blocks grow from slabMin to slabMax entries (small
// blocks keep the garbage collector pacing smooth while loading).
const (
	slabMin = 16
	slabMax = 4096
)

type slab struct {
	ops   []op
	elems []elemData
}

func (s *slab) op(o op) *op {
	if len(s.ops) == cap(s.ops) {
		s.ops = make([]op, 0, min(max(2*cap(s.ops), slabMin), slabMax))
	}
	s.ops = append(s.ops, o)
	return &s.ops[len(s.ops)-1]
}

func (s *slab) elem(e elemData) *elemData {
	if len(s.elems) == cap(s.elems) {
		s.elems = make([]elemData, 0, min(max(2*cap(s.elems), slabMin), slabMax))
	}
	s.elems = append(s.elems, e)
	return &s.elems[len(s.elems)-1]
}
