package crdt

import (
	"weak"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// The change encoder takes ops as []format.Op, 256 bytes an op: a large
// commit needs a big transient buffer. A Doc remembers its last one
// through a weak pointer, so commits in a row reuse it, while an idle
// document holds on to nothing once the garbage collector runs. (Save
// streams its ops into the encoder and needs no such buffer.)
type opScratch struct {
	p weak.Pointer[[]format.Op]
}

// get returns an empty buffer with room for n ops.
func (s *opScratch) get(n int) []format.Op {
	if p := s.p.Value(); p != nil && cap(*p) >= n {
		buf := (*p)[:0]
		s.p = weak.Pointer[[]format.Op]{}
		return buf
	}
	return make([]format.Op, 0, n)
}

// put hands a buffer back once the encoder is done with it, dropping what
// its ops point to. Buffers are zero beyond their length (get hands them
// out empty and they are only appended to), so clearing the used part
// keeps the whole buffer zero.
func (s *opScratch) put(buf []format.Op) {
	clear(buf)
	buf = buf[:0]
	s.p = weak.Make(&buf)
}
