package crdt

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt/syncproto"
)

// SyncState represents the state of syncing between a local copy of
// a doc and a peer; and lets you optimize bandwidth used to ensure
// two docs are always in sync.
//
// It speaks Automerge's sync protocol, so the peer may be automerge-go,
// @automerge/automerge or another crdt document. With peers that advertise
// it (Automerge 2.2 and later, and crdt) it uses the newer message format,
// which sends a peer that has nothing the whole document in one compressed
// chunk.
type SyncState struct {
	Doc *Doc

	state *syncproto.State
}

// NewSyncState returns a new sync state to sync with a peer
func NewSyncState(d *Doc) *SyncState {
	return &SyncState{Doc: d, state: syncproto.NewState()}
}

// LoadSyncState lets you resume syncing with a peer from where you left off.
func LoadSyncState(d *Doc, raw []byte) (*SyncState, error) {
	st, err := syncproto.DecodeState(raw)
	if err != nil {
		return nil, fmt.Errorf("crdt.LoadSyncState: %w", err)
	}
	return &SyncState{Doc: d, state: st}, nil
}

// ReceiveMessage should be called with every message created by GenerateMessage
// on the peer side.
func (ss *SyncState) ReceiveMessage(msg []byte) (*SyncMessage, error) {
	m, err := syncproto.DecodeMessage(msg)
	if err != nil {
		return nil, fmt.Errorf("crdt.ReceiveMessage: %w", err)
	}
	sm := &SyncMessage{msg: m}
	d := ss.Doc
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	if err := syncproto.Receive(docGraph{d}, ss.state, m); err != nil {
		return sm, fmt.Errorf("crdt.ReceiveMessage: %w", err)
	}
	return sm, nil
}

// GenerateMessage generates the next message to send to the client.
// If `valid` is false the clients are currently in sync and there are
// no more messages to send (until you either modify the underlying document)
func (ss *SyncState) GenerateMessage() (sm *SyncMessage, valid bool) {
	d := ss.Doc
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		panic(err)
	}
	m, ok := syncproto.Generate(docGraph{d}, ss.state)
	if !ok {
		return nil, false
	}
	return &SyncMessage{msg: m}, true
}

// Save serializes the sync state so that you can resume it later.
// This is an optimization to reduce the number of round-trips required
// to get two peers in sync at a later date.
func (ss *SyncState) Save() []byte {
	return ss.state.Encode()
}
