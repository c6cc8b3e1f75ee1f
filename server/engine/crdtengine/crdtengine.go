// Package crdtengine implements the relay's docsync.Engine with the pure-Go
// crdt package. It is what CGO_ENABLED=0 builds of the relay run on, and
// what the Workers build and the browser core use, so the relay's tests run
// against it as well as against automerge-go.
package crdtengine

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/docsync"
)

// Name is this engine's registry name (`--engine crdt`).
const Name = "crdt"

// Engine is the crdt engine. The zero value is ready to use.
type Engine struct{}

// New returns the crdt engine.
func New() Engine { return Engine{} }

// Name implements docsync.Engine.
func (Engine) Name() string { return Name }

// New implements docsync.Engine.
func (Engine) New() docsync.Doc { return &Doc{d: crdt.New()} }

// Load implements docsync.Engine. Empty input is an error: a 0-byte
// snapshot is damage, never an empty document.
func (Engine) Load(data []byte) (docsync.Doc, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("load: empty input: %w", docsync.ErrBadDocument)
	}
	d, err := crdt.Load(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w: %w", err, docsync.ErrBadDocument)
	}
	// Like automerge-go, crdt's Load leaves the incremental baseline at the
	// empty document; the contract wants it at the loaded state.
	d.SaveIncremental()
	return &Doc{d: d}, nil
}

// Doc wraps one crdt document.
type Doc struct {
	d *crdt.Doc
}

// Heads implements docsync.Doc.
func (d *Doc) Heads() []docsync.Hash { return docsync.SortedHashes(d.d.Heads()) }

// Save implements docsync.Doc.
func (d *Doc) Save() []byte { return d.d.Save() }

// SaveIncremental implements docsync.Doc.
func (d *Doc) SaveIncremental() []byte { return d.d.SaveIncremental() }

// LoadIncremental implements docsync.Doc.
func (d *Doc) LoadIncremental(data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("load incremental: empty input: %w", docsync.ErrBadDocument)
	}
	if err := d.d.LoadIncremental(data); err != nil {
		return fmt.Errorf("load incremental: %w: %w", err, docsync.ErrBadDocument)
	}
	return nil
}

// NewSyncState implements docsync.Doc.
func (d *Doc) NewSyncState() docsync.SyncState {
	return &syncState{s: crdt.NewSyncState(d.d)}
}

// CRDT returns the underlying crdt document, for tests and tools that read
// or edit content.
func (d *Doc) CRDT() *crdt.Doc { return d.d }

type syncState struct {
	s *crdt.SyncState
}

func (s *syncState) Receive(msg []byte) error {
	if len(msg) == 0 {
		return fmt.Errorf("receive: empty message: %w", docsync.ErrBadSyncMessage)
	}
	if _, err := s.s.ReceiveMessage(msg); err != nil {
		return fmt.Errorf("receive: %w: %w", err, docsync.ErrBadSyncMessage)
	}
	return nil
}

func (s *syncState) Generate() ([]byte, bool) {
	m, ok := s.s.GenerateMessage()
	if !ok {
		return nil, false
	}
	return m.Bytes(), true
}

var _ docsync.Engine = Engine{}
