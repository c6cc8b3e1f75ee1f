// Package wire holds the automerge-repo network protocol v1 messages as they
// travel over a WebSocket: one CBOR map per binary frame. It decodes what
// stock automerge-repo 2.x clients send (cbor-x: map16 headers, undefined
// as f7) and encodes what they accept. It does no routing and no IO.
package wire

// Message types of automerge-repo's network protocol v1.
const (
	TypeJoin                     = "join"
	TypePeer                     = "peer"
	TypeError                    = "error"
	TypeRequest                  = "request"
	TypeSync                     = "sync"
	TypeDocUnavailable           = "doc-unavailable"
	TypeEphemeral                = "ephemeral"
	TypeRemoteSubscriptionChange = "remote-subscription-change"
	TypeRemoteHeadsChanged       = "remote-heads-changed"
)

// ProtocolV1 is the only protocol version this relay speaks.
const ProtocolV1 = "1"

// PeerMetadata is sent with join and peer.
type PeerMetadata struct {
	StorageID   string `cbor:"storageId,omitempty"`
	IsEphemeral bool   `cbor:"isEphemeral"`
}

// HeadsAt is one storage peer's heads of a document, as gossiped in
// remote-heads-changed.
type HeadsAt struct {
	Heads     []string `cbor:"heads"`
	Timestamp uint64   `cbor:"timestamp"`
}

// Message is any protocol message; Type says which fields are meaningful.
type Message struct {
	Type       string `cbor:"type"`
	SenderID   string `cbor:"senderId,omitempty"`
	TargetID   string `cbor:"targetId,omitempty"`
	DocumentID string `cbor:"documentId,omitempty"`
	// Data is the Automerge sync message (request, sync) or the CBOR of
	// an ephemeral payload (ephemeral).
	Data []byte `cbor:"data,omitempty"`

	// join, peer
	PeerMetadata              *PeerMetadata `cbor:"peerMetadata,omitempty"`
	SupportedProtocolVersions []string      `cbor:"supportedProtocolVersions,omitempty"`
	SelectedProtocolVersion   string        `cbor:"selectedProtocolVersion,omitempty"`

	// error
	Message string `cbor:"message,omitempty"`

	// ephemeral
	SessionID string `cbor:"sessionId,omitempty"`
	Count     uint64 `cbor:"count,omitempty"`

	// remote-subscription-change
	Add    []string `cbor:"add,omitempty"`
	Remove []string `cbor:"remove,omitempty"`

	// remote-heads-changed
	NewHeads map[string]HeadsAt `cbor:"newHeads,omitempty"`
}
