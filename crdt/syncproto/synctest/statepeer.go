package synctest

// Message is what a sync message of automerge-go or crdt offers.
type Message interface{ Bytes() []byte }

// State is the sync-state API automerge-go and crdt share.
type State[M Message] interface {
	GenerateMessage() (M, bool)
	ReceiveMessage(msg []byte) (M, error)
}

// StatePeer adapts an automerge-go-style sync state to Peer.
type StatePeer[M Message, S State[M]] struct {
	state    S
	newState func() S
	heads    func() [][32]byte
}

// NewStatePeer returns a Peer over newState(); Reconnect calls newState
// again. heads reports the document's heads.
func NewStatePeer[M Message, S State[M]](newState func() S, heads func() [][32]byte) *StatePeer[M, S] {
	return &StatePeer[M, S]{state: newState(), newState: newState, heads: heads}
}

// Generate implements Peer.
func (p *StatePeer[M, S]) Generate() ([]byte, bool) {
	m, ok := p.state.GenerateMessage()
	if !ok {
		return nil, false
	}
	return m.Bytes(), true
}

// Receive implements Peer.
func (p *StatePeer[M, S]) Receive(msg []byte) error {
	_, err := p.state.ReceiveMessage(msg)
	return err
}

// Heads implements Peer.
func (p *StatePeer[M, S]) Heads() [][32]byte { return p.heads() }

// Reconnect implements Peer.
func (p *StatePeer[M, S]) Reconnect() { p.state = p.newState() }

// State returns the current sync state.
func (p *StatePeer[M, S]) State() S { return p.state }

// SetState replaces the sync state (to resume from a saved one).
func (p *StatePeer[M, S]) SetState(s S) { p.state = s }
