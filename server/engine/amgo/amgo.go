//go:build cgo

// Package amgo implements the relay's docsync.Engine with automerge-go, the
// cgo binding of the Rust Automerge core. It is the reference engine: the
// pure-Go crdt engine must behave the same (both pass enginetest). Only
// this package imports automerge-go, so builds with CGO_ENABLED=0 simply
// leave it out.
package amgo

import (
	"fmt"
	"strings"

	am "github.com/automerge/automerge-go"

	"github.com/commonplace/commonplace/server/docsync"
)

// Name is this engine's registry name.
const Name = "automerge"

// Engine is the automerge-go engine. The zero value is ready to use.
type Engine struct{}

// New returns the automerge-go engine.
func New() Engine { return Engine{} }

// Name implements docsync.Engine.
func (Engine) Name() string { return Name }

// New implements docsync.Engine.
func (Engine) New() docsync.Doc { return &Doc{d: am.New()} }

// Load implements docsync.Engine. Empty input is an error: a 0-byte
// snapshot is damage, never an empty document.
func (Engine) Load(data []byte) (_ docsync.Doc, err error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("load: empty input: %w", docsync.ErrBadDocument)
	}
	defer recoverInto(&err, docsync.ErrBadDocument)
	d, err := am.Load(data)
	if err != nil {
		return nil, fmt.Errorf("load: %v: %w", err, docsync.ErrBadDocument)
	}
	// automerge-go's Load leaves the incremental baseline at the empty
	// document; move it to the loaded state as the contract requires.
	d.SaveIncremental()
	return &Doc{d: d}, nil
}

// Doc wraps one automerge-go document.
type Doc struct {
	d *am.Doc
}

// Heads implements docsync.Doc.
func (d *Doc) Heads() []docsync.Hash { return docsync.SortedHashes(d.d.Heads()) }

// Save implements docsync.Doc.
func (d *Doc) Save() []byte { return d.d.Save() }

// SaveIncremental implements docsync.Doc.
func (d *Doc) SaveIncremental() []byte { return d.d.SaveIncremental() }

// LoadIncremental implements docsync.Doc.
func (d *Doc) LoadIncremental(data []byte) (err error) {
	if len(data) == 0 {
		return fmt.Errorf("load incremental: empty input: %w", docsync.ErrBadDocument)
	}
	defer recoverInto(&err, docsync.ErrBadDocument)
	// Into a non-empty document automerge-go loads what it can parse
	// and drops the rest silently, so damaged bytes would pass for a
	// chunk. Parse on its own first; only a complaint about dependencies
	// (the chunk is fine, its history lives in another chunk) may go on.
	if _, err := am.LoadChanges(data); err != nil && !strings.Contains(err.Error(), missingDeps) {
		return fmt.Errorf("load incremental: %v: %w", err, docsync.ErrBadDocument)
	}
	if err := d.d.LoadIncremental(data); err != nil {
		return fmt.Errorf("load incremental: %v: %w", err, docsync.ErrBadDocument)
	}
	return nil
}

// missingDeps is how the pinned Automerge core words a change whose
// dependencies are not loaded yet.
const missingDeps = "deps should already be in the document"

// NewSyncState implements docsync.Doc.
func (d *Doc) NewSyncState() docsync.SyncState {
	return &syncState{d: d.d, s: am.NewSyncState(d.d)}
}

// Automerge returns the underlying automerge-go document, for tests and
// tools that read or edit content.
func (d *Doc) Automerge() *am.Doc { return d.d }

type syncState struct {
	d *am.Doc
	s *am.SyncState
	// received and answered track the first exchange: see Generate.
	received, answered bool
}

func (s *syncState) Receive(msg []byte) (err error) {
	if len(msg) == 0 {
		return fmt.Errorf("receive: empty message: %w", docsync.ErrBadSyncMessage)
	}
	defer recoverInto(&err, docsync.ErrBadSyncMessage)
	if _, err := s.s.ReceiveMessage(msg); err != nil {
		return fmt.Errorf("receive: %v: %w", err, docsync.ErrBadSyncMessage)
	}
	s.received = true
	return nil
}

// Generate returns the next message. The Automerge core pinned by
// automerge-go stays silent when a peer's first message shows it is
// already in sync, so a client that reconnects with nothing new never
// hears the relay's heads and never learns its changes are stored (newer
// cores always answer a fresh sync state once). In that case answer with
// a message from a scratch state: it carries our heads and a summary of
// all our changes, and asks for nothing.
func (s *syncState) Generate() ([]byte, bool) {
	m, ok := s.s.GenerateMessage()
	if ok {
		s.answered = true
		return m.Bytes(), true
	}
	if !s.received || s.answered {
		return nil, false
	}
	s.answered = true
	m, ok = am.NewSyncState(s.d).GenerateMessage()
	if !ok {
		return nil, false
	}
	return m.Bytes(), true
}

// recoverInto turns a panic inside automerge-go (its helpers panic on
// results they did not expect) into an error wrapping sentinel.
func recoverInto(err *error, sentinel error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("automerge-go panicked: %v: %w", r, sentinel)
	}
}

var _ docsync.Engine = Engine{}
