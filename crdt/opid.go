package crdt

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// opID identifies an operation inside a Doc: a Lamport counter and an index
// into the Doc's actor table (the order actors were first seen, not the
// sorted order the binary format uses). The zero opID is the root object and
// the head of every sequence.
type opID struct {
	counter uint64
	actor   uint32
}

func (id opID) isZero() bool { return id.counter == 0 }

// actorTable interns actor IDs so that ops can refer to them by a small
// integer. Ordering ops needs the bytes, so compare goes through the table.
type actorTable struct {
	ids   [][]byte
	index map[string]uint32
}

func newActorTable() actorTable {
	return actorTable{index: make(map[string]uint32)}
}

// intern returns the index of actor, adding it if it is new.
func (t *actorTable) intern(actor []byte) uint32 {
	if i, ok := t.index[string(actor)]; ok {
		return i
	}
	i := uint32(len(t.ids))
	t.ids = append(t.ids, bytes.Clone(actor))
	t.index[string(actor)] = i
	return i
}

// less orders op IDs the way Automerge does: by counter, then by the bytes of
// the actor ID.
func (t *actorTable) less(a, b opID) bool {
	if a.counter != b.counter {
		return a.counter < b.counter
	}
	if a.actor == b.actor {
		return false
	}
	return bytes.Compare(t.ids[a.actor], t.ids[b.actor]) < 0
}

// NewActorID generates a new random actor ID, hex-encoded (16 random bytes,
// as Automerge does).
func NewActorID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("crdt: read random actor id: %w", err))
	}
	return hex.EncodeToString(b[:])
}
