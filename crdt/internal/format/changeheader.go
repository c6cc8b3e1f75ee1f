package format

import "fmt"

// ChangeHeader is what a change graph keeps of a change: its hash, its
// bytes, its author, sequence number and dependencies. ReadChangeHeader
// fills one without the allocations of a Change (no Change, no actor
// list, dependencies left packed), which matters to a peer that takes
// thousands of changes it never reads.
type ChangeHeader struct {
	Hash ChangeHash
	// Raw is the uncompressed change chunk; Author is a view into it.
	Raw    []byte
	Author []byte
	Seq    uint64
	deps   []byte // 32 bytes per dependency, in the change's order
}

// NumDeps returns how many dependencies the change has.
func (h *ChangeHeader) NumDeps() int { return len(h.deps) / 32 }

// Dep returns dependency i.
func (h *ChangeHeader) Dep(i int) ChangeHash { return ChangeHash(h.deps[i*32 : i*32+32]) }

// AppendDeps appends the change's dependencies to dst.
func (h *ChangeHeader) AppendDeps(dst []ChangeHash) []ChangeHash { return appendDeps(dst, h.deps) }

// ReadChangeHeader reads the header of a change or compressed change chunk
// returned by ReadChunk or SplitChunks, and checks the rest of the change
// as DecodeChangeHeader does. owned says the caller hands ch's bytes
// over to the header, which then keeps views into them; otherwise they
// are copied.
func ReadChangeHeader(ch Chunk, owned bool) (ChangeHeader, error) {
	raw, data, hash, err := changeBytes(ch, owned)
	if err != nil {
		return ChangeHeader{}, fmt.Errorf("read change header: %w", err)
	}
	r := reader{b: data}
	f, err := readChangeFields(&r)
	if err != nil {
		return ChangeHeader{}, fmt.Errorf("read change header: %w", err)
	}
	for i := range f.otherActors {
		if _, err := readOwnedActor(&r); err != nil {
			return ChangeHeader{}, fmt.Errorf("read change header: actor %d: %w", i+1, err)
		}
	}
	if err := skipChangeColumns(&r); err != nil {
		return ChangeHeader{}, fmt.Errorf("read change header: op columns: %w", err)
	}
	return ChangeHeader{Hash: hash, Raw: raw, Author: f.author, Seq: f.seq, deps: f.deps}, nil
}
