package difftest

import (
	"encoding/hex"
	"errors"
	"sort"
	"time"
)

// Hash is a change hash, whichever engine made it.
type Hash [32]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ErrOtherEngine is returned when a Doc is asked to merge with or apply a
// Change from a different engine; bytes are the only way across.
var ErrOtherEngine = errors.New("difftest: value belongs to another engine")

// Engine is one Automerge implementation, seen through what the tests do.
type Engine interface {
	Name() string
	New(actor string) (Doc, error)
	Load(data []byte) (Doc, error)
	LoadChanges(data []byte) ([]Change, error)
	SaveChanges(cs []Change) ([]byte, error)
}

// Doc is one replica of a document in one engine.
type Doc interface {
	ActorID() string
	SetActorID(actor string) error
	// Edit applies one operation to the uncommitted transaction.
	Edit(op Op) error
	Commit(msg string, at time.Time, allowEmpty bool) (Hash, error)
	Heads() []Hash
	Save() []byte
	SaveIncremental() []byte
	LoadIncremental(data []byte) error
	// Fork copies the document as of asOf (nil: its current heads).
	Fork(asOf []Hash) (Doc, error)
	Merge(other Doc) error
	Changes(since []Hash) ([]Change, error)
	// Change finds one change by hash. (automerge-go's Apply given one
	// element of what Changes returned applies all of them; a Change from
	// here is applied alone.)
	Change(h Hash) (Change, error)
	Apply(cs ...Change) error
	// Tree reads the whole document.
	Tree() (*Node, error)
}

// Change is one change in one engine.
type Change interface {
	Hash() Hash
	Save() []byte
	Deps() []Hash
	Actor() string
	Seq() uint64
}

// SortedHashes returns hs sorted, as a new slice.
func SortedHashes(hs []Hash) []Hash {
	out := append([]Hash(nil), hs...)
	sort.Slice(out, func(i, j int) bool { return string(out[i][:]) < string(out[j][:]) })
	return out
}
