package docsync

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/server/wire"
)

// ErrBadSyncMessage is wrapped by SyncState.Receive when the bytes are not
// an Automerge sync message the engine can apply.
var ErrBadSyncMessage = errors.New("docsync: bad sync message")

// ErrBadDocument is wrapped by Engine.Load and Doc.LoadIncremental when the
// bytes are not a saved document or change chunk.
var ErrBadDocument = errors.New("docsync: bad document bytes")

// Hash is the SHA-256 hash of one Automerge change.
type Hash [32]byte

// String returns the hash in lowercase hex, as Automerge prints it.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// SortHashes sorts heads in byte order, the canonical order of a heads set.
func SortHashes(hs []Hash) {
	slices.SortFunc(hs, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
}

// SortedHashes converts an engine's own change-hash type to Hashes in the
// canonical order, which is how every engine's Doc.Heads answers.
func SortedHashes[H ~[32]byte](hs []H) []Hash {
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = Hash(h)
	}
	SortHashes(out)
	return out
}

// Engine is the Automerge implementation the core syncs with. It is
// defined here, on the consumer side, and kept small so a second engine
// (the pure-Go crdt package) can stand in for automerge-go. Every engine
// must pass enginetest.Run.
type Engine interface {
	// Name is the engine's registry name, e.g. "automerge".
	Name() string
	// New returns an empty document.
	New() Doc
	// Load returns the document saved in data (a Save result, optionally
	// followed by more chunks). Its incremental baseline is the loaded
	// state: SaveIncremental right after Load returns nothing.
	Load(data []byte) (Doc, error)
}

// Doc is one Automerge document held by an engine. A Doc is used by one
// goroutine at a time; the core serialises access per document.
type Doc interface {
	// Heads returns the current heads, sorted (see SortHashes).
	Heads() []Hash
	// Save returns the whole document in Automerge's compressed format
	// and makes the current state the incremental baseline.
	Save() []byte
	// SaveIncremental returns the changes added since the last Save,
	// SaveIncremental or Load (empty if none) and moves the baseline.
	SaveIncremental() []byte
	// LoadIncremental applies a Save or SaveIncremental result. It does
	// not move the incremental baseline. Damaged bytes wrap
	// ErrBadDocument. A chunk whose dependencies are not loaded yet may
	// fail too (the core retries it after the other chunks) or be held
	// back until they arrive.
	LoadIncremental(data []byte) error
	// NewSyncState starts the sync protocol with one peer from scratch.
	NewSyncState() SyncState
}

// SyncState is the Automerge sync protocol state for one document and one
// peer.
type SyncState interface {
	// Receive applies one sync message from the peer to the document.
	// Bytes that are not a sync message wrap ErrBadSyncMessage.
	Receive(msg []byte) error
	// Generate returns the next message for the peer, or ok == false
	// when the peer is up to date as far as this state knows.
	Generate() (msg []byte, ok bool)
}

// CheckSync reports whether data is a sync message the core would take
// into an empty document: what a transport asks before a message may
// create a document (and claim it), so bytes that would fail later leave
// no claim behind. It runs the core itself on a scratch document, so the
// check and the real handling cannot disagree. A panicking engine counts
// as one that cannot read the bytes.
func CheckSync(e Engine, data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: engine panicked: %v", ErrBadSyncMessage, r)
		}
	}()
	const scratch = "check"
	_, err = New(e, scratch, Options{}).Handle(scratch, wire.Message{Type: wire.TypeSync, DocumentID: scratch, Data: data})
	return err
}
