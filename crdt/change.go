package crdt

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// ChangeHash is a SHA-256 hash identifying an automerge change.
// Like a git commit, the hash encompasses both the changes made,
// any metadata (like commit message, or timestamp)
// and any changes on which this change depends.
type ChangeHash [32]byte

// String returns the hex-encoded form of the change hash.
func (ch ChangeHash) String() string {
	return hex.EncodeToString(ch[:])
}

// NewChangeHash creates a change hash from its hex representation.
func NewChangeHash(s string) (ChangeHash, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return ChangeHash{}, fmt.Errorf("crdt.NewChangeHash: %w", err)
	}
	if len(b) != 32 {
		return ChangeHash{}, fmt.Errorf("crdt.NewChangeHash: expected 32 bytes, got %v", len(b))
	}
	return ChangeHash(b), nil
}

// Change is a set of mutations to the document. It is analogous
// to a commit in a version control system like Git.
//
// A Change is immutable and keeps the exact bytes it was created or loaded
// from, so saving it never re-encodes it.
type Change struct {
	hash    ChangeHash
	raw     []byte // uncompressed change chunk
	actor   []byte
	seq     uint64
	startOp uint64
	numOps  uint64
	time    int64
	message string
	deps    []ChangeHash
	extra   []byte
	// ops is the decoded change when it is at hand; otherwise it is decoded
	// from raw when the change is applied to a document.
	ops *format.Change
}

// ActorID identifies the actor that made the change, hex-encoded.
func (c *Change) ActorID() string { return hex.EncodeToString(c.actor) }

// ActorSeq is 1 for the first change by a given
// actor, 2 for the next, and so on.
func (c *Change) ActorSeq() uint64 { return c.seq }

// Hash identifies the change by the SHA-256 of its binary representation.
func (c *Change) Hash() ChangeHash { return c.hash }

// Dependencies returns the hashes of all changes that this change
// directly depends on.
func (c *Change) Dependencies() []ChangeHash {
	return append([]ChangeHash{}, c.deps...)
}

// Message returns the commit message (if any).
func (c *Change) Message() string { return c.message }

// Timestamp returns the commit time (or the zero Unix time if one was not
// set: time.UnixMilli(0), as automerge-go does).
func (c *Change) Timestamp() time.Time { return time.UnixMilli(c.time) }

// Save exports the change for transferring between systems.
func (c *Change) Save() []byte { return append([]byte(nil), c.raw...) }

// maxOp is the counter of the change's last op.
func (c *Change) maxOp() uint64 { return c.startOp + c.numOps - 1 }

// changeFromFormat wraps a decoded change. keepOps says whether to keep the
// decoded ops (worth it when the change is about to be applied).
func changeFromFormat(fc *format.Change, keepOps bool) *Change {
	c := &Change{
		hash:    ChangeHash(fc.Hash),
		raw:     fc.Raw,
		seq:     fc.Seq,
		startOp: fc.StartOp,
		numOps:  uint64(len(fc.Ops)),
		time:    fc.Time,
		message: fc.Message,
		deps:    make([]ChangeHash, len(fc.Deps)),
		extra:   fc.Extra,
	}
	if len(fc.Actors) > 0 {
		c.actor = fc.Actors[0]
	}
	for i, d := range fc.Deps {
		c.deps[i] = ChangeHash(d)
	}
	if keepOps {
		c.ops = fc
	}
	return c
}

// decoded returns the change's ops, decoding the raw bytes if needed.
func (c *Change) decoded() (*format.Change, error) {
	if c.ops != nil {
		return c.ops, nil
	}
	fc, err := format.DecodeChange(c.raw)
	if err != nil {
		return nil, fmt.Errorf("decode change %s: %w", c.hash, err)
	}
	return fc, nil
}

// LoadChanges loads changes from bytes (see also [SaveChanges] and
// [Change.Save]). The bytes may hold change chunks (plain or compressed)
// and document chunks, in any mix.
func LoadChanges(raw []byte) ([]*Change, error) {
	chs, err := loadChunks(raw)
	if err != nil {
		return nil, fmt.Errorf("load changes: %w", err)
	}
	return chs, nil
}

// SaveChanges saves multiple changes to bytes (see also [LoadChanges]).
func SaveChanges(cs []*Change) []byte {
	n := 0
	for _, c := range cs {
		n += len(c.raw)
	}
	out := make([]byte, 0, n)
	for _, c := range cs {
		out = append(out, c.raw...)
	}
	return out
}
