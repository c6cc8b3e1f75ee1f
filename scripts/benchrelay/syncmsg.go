package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/crdt"
)

// errSyncMessage marks bytes that are not an Automerge sync message.
var errSyncMessage = errors.New("malformed sync message")

// Sync message type bytes: v1, and v2 which appends capabilities after the
// changes. Both start with the same fields.
const (
	syncMessageV1 = 0x42
	syncMessageV2 = 0x43
)

// maxHashes bounds a hash list so a corrupt count cannot allocate much.
const maxHashes = 1 << 16

// serverView is what a sync message says about its sender's copy of a
// document: its heads, and the heads it believes both sides share (the
// lastSync of each "have" entry). The generator uses it to decide when the
// server has an edit (trap 13 of docs/automerge-repo-wire.md: on a document
// others edit, lastSync can be checked locally when heads cannot).
type serverView struct {
	Heads    []crdt.ChangeHash
	LastSync []crdt.ChangeHash
}

// parseSyncHeader decodes the heads and the have entries' lastSync hashes of
// an Automerge sync message and ignores the rest (need, blooms' contents,
// changes). The engines expose a message's heads but not its have entries.
func parseSyncHeader(b []byte) (serverView, error) {
	var v serverView
	if len(b) == 0 || (b[0] != syncMessageV1 && b[0] != syncMessageV2) {
		return v, fmt.Errorf("%w: type byte", errSyncMessage)
	}
	r := reader{b: b[1:]}
	v.Heads = r.hashes()
	_ = r.hashes() // need
	nHave := r.uleb()
	if nHave > maxHashes {
		r.fail()
	}
	for i := uint64(0); i < nHave && r.err == nil; i++ {
		v.LastSync = append(v.LastSync, r.hashes()...)
		r.skip(r.uleb()) // bloom filter bytes
	}
	if r.err != nil {
		return serverView{}, r.err
	}
	return v, nil
}

// reader walks a byte slice and remembers the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or oversized field", errSyncMessage)
	}
	r.b = nil
}

func (r *reader) uleb() uint64 {
	if r.err != nil {
		return 0
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[k:]
	return n
}

func (r *reader) skip(n uint64) {
	if r.err != nil {
		return
	}
	if n > uint64(len(r.b)) {
		r.fail()
		return
	}
	r.b = r.b[n:]
}

func (r *reader) hashes() []crdt.ChangeHash {
	n := r.uleb()
	if r.err != nil {
		return nil
	}
	if n > maxHashes || n*32 > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	out := make([]crdt.ChangeHash, n)
	for i := range out {
		copy(out[i][:], r.b[:32])
		r.b = r.b[32:]
	}
	return out
}
