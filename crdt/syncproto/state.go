package syncproto

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// stateType is the first byte of a saved sync state.
const stateType byte = 0x43

// State is what one peer remembers about syncing one document with one
// other peer. Only SharedHeads survives Save/Load; the rest belongs to one
// connection, which is why a reconnecting peer starts from NewState or a
// loaded state.
type State struct {
	// SharedHeads are heads both peers are known to have.
	SharedHeads []format.ChangeHash
	// LastSentHeads are our heads as of the last message we sent.
	LastSentHeads []format.ChangeHash
	// SentHashes are changes sent this session that the peer has not yet
	// acknowledged through its heads.
	SentHashes map[format.ChangeHash]struct{}
	// InFlight is set when we sent a message and have not heard back.
	InFlight bool
	// HaveResponded is set once we sent anything on this connection.
	HaveResponded bool

	// What the peer said in its last message; meaningful once Received.
	Received   bool
	TheirHeads []format.ChangeHash
	TheirNeed  []format.ChangeHash
	TheirHave  []Have

	// Capabilities, learnt from the peer's flags section.
	PeerFlagsSeen         bool // peer understands TypeV2 messages
	PeerSupportsSyncReset bool
	PeerReadOnly          bool

	// Quiet, which a relay sets, leaves out answers that could tell the
	// peer nothing: see Generate. Automerge's peers leave it unset.
	Quiet bool
	// OneExchange, which a relay sets for a peer whose session lasts one
	// request and its answer (HTTP sync), makes the first answer ask the
	// peer to forget which changes it sent (FlagSyncReset). The relay
	// forgets the session after the exchange, and with it any change that
	// came before its dependencies (a bloom filter's false positive can
	// hold one back): the peer must send such a change again when asked,
	// not count it as delivered.
	OneExchange bool
}

// NewState returns the state for a fresh connection with a peer.
func NewState() *State {
	return &State{SentHashes: map[format.ChangeHash]struct{}{}}
}

// Encode returns the persistent part of the state: 0x43 then the shared
// heads.
func (s *State) Encode() []byte {
	return appendHashes([]byte{stateType}, s.SharedHeads)
}

// DecodeState reads a saved state. Errors wrap ErrMalformed or
// ErrWrongType. Bytes after the shared heads are ignored, as Rust Automerge
// ignores them.
func DecodeState(raw []byte) (*State, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("decode sync state: %w: empty input", ErrMalformed)
	}
	if raw[0] != stateType {
		return nil, fmt.Errorf("decode sync state: %w: 0x%02x, want 0x43", ErrWrongType, raw[0])
	}
	r := reader{buf: raw, off: 1}
	heads, err := r.hashes()
	if err != nil {
		return nil, fmt.Errorf("decode sync state shared heads: %w", err)
	}
	s := NewState()
	s.SharedHeads = heads
	return s, nil
}

// sendWholeDocument reports whether the peer has nothing and can take a
// TypeV2 message, so a saved document beats a list of changes.
func (s *State) sendWholeDocument() bool {
	return s.Received && len(s.TheirHeads) == 0 && s.PeerFlagsSeen
}
