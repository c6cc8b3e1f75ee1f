// Package docsync is the relay's sans-IO sync core: for one document it
// takes protocol messages from peers and returns effects, the storage
// writes to make and the messages to send. It does no IO, keeps no clock
// and starts no goroutine, so the WebSocket relay, other transports and
// tests drive the same logic, and multi-peer tests run deterministically
// without sockets.
//
// A relay never reads a document, so the core syncs on its change graph
// (crdt/syncproto: hashes, dependencies and raw change bytes) rather than
// through the engine: each edit on a document shared by fifty peers costs
// about a hundred sync messages, and the engine would be asked about every
// one. The engine merges what peers send, before the graph takes it, so
// nothing Automerge would reject is stored or passed on; and it writes the
// snapshots.
//
// Effects are ordered: the runtime must finish every store operation (Put
// returned) before it sends any message of the same Effects. That is how
// the relay keeps its promise that a change is durable before any peer is
// told heads that include it.
//
// Storage layout per document (keys of package store):
//
//	{"doc", id, "incremental", sha256(chunk) in hex}  change chunks, concatenated
//	{"doc", id, "snapshot", sha256(sorted heads) in hex}  one whole Save
//
// A compaction (Compact) writes the new snapshot before it deletes the
// snapshot and chunks it covers, so a crash at any moment leaves a store
// that loads to the same document (chunks are sets of changes: loading one
// twice is harmless). Empty or unreadable entries load as missing.
package docsync

import (
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/syncproto"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// ErrUnexpectedMessage is returned by Handle for a message type the core
// does not process (join, peer, error and the remote-* gossip are the
// runtime's business).
var ErrUnexpectedMessage = errors.New("docsync: unexpected message type")

// PeerID names one peer session: one joined connection. The runtime
// chooses it; a peer that joins again gets a new PeerID and so a fresh
// sync state, because replies lost with the old socket are never re-sent.
type PeerID string

// Op is one storage effect: a Put of Value under Key, or a Delete. The
// runtime writes one input's ops with store.Write.
type Op = store.Op

// Send is one message to deliver to a peer. The runtime fills TargetID,
// and SenderID when it is empty (an ephemeral message keeps its
// originator's).
type Send struct {
	To  PeerID
	Msg wire.Message
	// Sync, when set, is the sync message Msg carries, not yet encoded,
	// and Msg.Data is empty: a runtime writing frames encodes both at
	// once (wire.Codec.EncodeData), so the changes of an answer are
	// copied once. Message returns Msg with its Data.
	Sync *syncproto.Message
}

// Message returns the protocol message to deliver, its data encoded.
func (s Send) Message() wire.Message {
	m := s.Msg
	if s.Sync != nil {
		m.Data = s.Sync.Encode()
	}
	return m
}

// Effects are what one input asks the runtime to do, in order: all of
// Store first, then Send. Heads and Announced report what changed, for a
// runtime that gossips heads (automerge-repo's remote-heads-changed); like
// Send, they may be told to peers only once Store is done.
type Effects struct {
	Store []Op
	Send  []Send
	// Heads is the document's new heads when this input changed them,
	// nil otherwise.
	Heads []Hash
	// Announced lists the peers whose heads this input told the core for
	// the first time or changed, in the order they were told.
	Announced []PeerHeads
}

// PeerHeads is what one peer's latest sync message said its heads are.
type PeerHeads struct {
	Peer  PeerID
	Heads []Hash
}

// Append adds o's effects after e's, keeping their order.
func (e *Effects) Append(o Effects) {
	if len(e.Store) == 0 {
		e.Store = o.Store
	} else {
		e.Store = append(e.Store, o.Store...)
	}
	if len(e.Send) == 0 {
		e.Send = o.Send // most batches hold one input: take its slice
	} else {
		e.Send = append(e.Send, o.Send...)
	}
	if o.Heads != nil {
		e.Heads = o.Heads
	}
	e.Announced = append(e.Announced, o.Announced...)
}

// Options tune a Document.
type Options struct {
	// CompactAfter is how many incremental chunks trigger a compaction
	// into one snapshot, once they weigh half the snapshot; four times as
	// many always do. Zero means DefaultCompactAfter.
	CompactAfter int
}

// DefaultCompactAfter is the chunk count that triggers a compaction.
const DefaultCompactAfter = 32

// Document is the sync state of one document: its change graph, the
// peers that have it open with one sync state each, and what the store
// holds for it. The sync protocol runs on the change graph alone (hashes,
// dependencies and the raw bytes of every change), in Go, for every
// engine: answering a peer never calls the engine, and an open document
// costs its changes' bytes, not a materialised document. The engine
// checks and merges what peers send (see Doc) and writes snapshots.
// It is not safe for concurrent use; the runtime serialises calls.
type Document struct {
	id     string
	engine Engine
	graph  *syncproto.ChangeGraph
	// doc is the engine's copy of the graph, kept while changes arrive
	// (warm) and dropped by Cool; nil when cool.
	doc   Doc
	opts  Options
	peers map[PeerID]*syncproto.State
	// order lists peers by first contact, so effects come out in a
	// deterministic order.
	order []PeerID
	// stored is every entry the current content was loaded from or
	// written to, by key string; a compaction deletes them.
	stored map[string]store.Key
	// chunks and chunkBytes count the incremental entries in stored;
	// snapshotBytes weighs its snapshots. They drive compaction.
	chunks, chunkBytes, snapshotBytes int
	// saved is how many of the graph's changes (in application order)
	// the store holds.
	saved int
	// holding is set between HoldWrites and FlushWrites; dirty says a
	// held input changed the document.
	holding, dirty bool
}

// HoldWrites makes the following inputs return no store operations: the
// changes they bring are written together, as one chunk, by FlushWrites.
// A runtime that has several messages for the document in hand uses it
// to pay for one write instead of one per message. The messages those
// inputs return must wait until FlushWrites' operations are done, like
// any message after its own Effects' Store.
func (d *Document) HoldWrites() { d.holding = true }

// FlushWrites ends HoldWrites. Its Effects hold the store operations for
// every change the held inputs brought: one chunk, or a compaction.
func (d *Document) FlushWrites() Effects {
	var eff Effects
	if d.dirty {
		eff.Store = d.persist()
	}
	d.holding, d.dirty = false, false
	return eff
}

// ID returns the document ID.
func (d *Document) ID() string { return d.id }

// Heads returns the document's current heads, sorted.
func (d *Document) Heads() []Hash { return SortedHashes(d.graph.Heads()) }

// HasPeers reports whether any peer has the document open.
func (d *Document) HasPeers() bool { return len(d.peers) > 0 }

// IsOpen reports whether peer has the document open.
func (d *Document) IsOpen(p PeerID) bool {
	_, ok := d.peers[p]
	return ok
}

// PeerHeads returns the heads peer p last announced in a sync message,
// and whether it has announced any since it opened the document.
func (d *Document) PeerHeads(p PeerID) ([]Hash, bool) {
	s, ok := d.peers[p]
	if !ok || !s.Received {
		return nil, false
	}
	return SortedHashes(s.TheirHeads), true
}

// Peers returns the peers that have the document open, in first-contact
// order.
func (d *Document) Peers() []PeerID { return append([]PeerID(nil), d.order...) }

// Handle processes one message from peer from: request, sync or
// ephemeral. A sync message the engine cannot read returns an error
// wrapping ErrBadSyncMessage, and the peer is dropped from the document;
// the document and the store are unchanged.
func (d *Document) Handle(from PeerID, m wire.Message) (Effects, error) {
	switch m.Type {
	case wire.TypeRequest, wire.TypeSync:
		return d.handleSync(from, m)
	case wire.TypeEphemeral:
		return d.handleEphemeral(from, m), nil
	default:
		return Effects{}, fmt.Errorf("%w: %q", ErrUnexpectedMessage, m.Type)
	}
}

// Leave forgets peer p and its sync state (its socket closed, or it
// joined again).
func (d *Document) Leave(p PeerID) {
	if _, ok := d.peers[p]; !ok {
		return
	}
	delete(d.peers, p)
	for i, q := range d.order {
		if q == p {
			d.order = append(d.order[:i], d.order[i+1:]...)
			break
		}
	}
}

// OpenForExchange opens the document for peer p for one exchange: a
// transport without connections (HTTP sync) calls it before handing over
// the peer's messages, and Leave after the answers. The core then asks
// the peer to forget which changes it sent (see
// syncproto.State.OneExchange), since it forgets with the session any
// change that came before its dependencies.
func (d *Document) OpenForExchange(p PeerID) { d.open(p).OneExchange = true }

func (d *Document) open(p PeerID) *syncproto.State {
	s, ok := d.peers[p]
	if !ok {
		s = syncproto.NewState()
		s.Quiet = true // a relay answers only when the answer tells the peer something
		d.peers[p] = s
		d.order = append(d.order, p)
	}
	return s
}

func (d *Document) handleSync(from PeerID, m wire.Message) (Effects, error) {
	msg, err := syncproto.DecodeMessage(m.Data)
	if err != nil {
		d.Leave(from)
		return Effects{}, fmt.Errorf("document %s: %w: %v", d.id, ErrBadSyncMessage, err)
	}
	if err := d.merge(msg.Changes); err != nil {
		d.Leave(from)
		return Effects{}, fmt.Errorf("document %s: %w", d.id, err)
	}
	s := d.open(from)
	told, hadHeads := s.TheirHeads, s.Received
	before := d.graph.ChangeCount()
	if err := syncproto.Receive(d.graph, s, msg); err != nil {
		// The engine took changes the graph did not: rebuild it from
		// the graph when next needed.
		d.Cool()
		d.Leave(from)
		return Effects{}, fmt.Errorf("document %s: %w: %v", d.id, ErrBadSyncMessage, err)
	}
	var eff Effects
	changed := d.graph.ChangeCount() != before
	if changed {
		if d.holding {
			d.dirty = true
		} else {
			eff.Store = d.persist()
		}
		eff.Heads = d.Heads()
	}
	if !hadHeads || !slices.Equal(told, msg.Heads) {
		eff.Announced = append(eff.Announced, PeerHeads{Peer: from, Heads: SortedHashes(msg.Heads)})
	}
	if d.graph.ChangeCount() == 0 && m.Type == wire.TypeRequest {
		// We have nothing either: say so rather than answer with an
		// empty document, or the requester's find() waits forever. The
		// peer stays open, as it asked: if the document gets content
		// later, it is sent like any live change.
		eff.Send = append(eff.Send, Send{To: from, Msg: wire.Message{
			Type: wire.TypeDocUnavailable, DocumentID: d.id,
		}})
		return eff, nil
	}
	if changed {
		eff.Send = make([]Send, 0, len(d.order))
	}
	eff.Send = append(eff.Send, d.generate(from)...)
	if changed {
		for _, p := range d.order {
			if p != from {
				eff.Send = append(eff.Send, d.generate(p)...)
			}
		}
	}
	return eff, nil
}

func (d *Document) generate(p PeerID) []Send {
	msg, ok := syncproto.Generate(d.graph, d.peers[p])
	if !ok {
		return nil
	}
	return []Send{{To: p, Msg: wire.Message{Type: wire.TypeSync, DocumentID: d.id}, Sync: msg}}
}

// Announce returns the sync message that tells a peer which knows
// nothing of this document what it holds: its heads and a summary of its
// changes, from a fresh sync state. ok is false when it holds nothing.
func (d *Document) Announce() (data []byte, ok bool) {
	if d.graph.ChangeCount() == 0 {
		return nil, false
	}
	msg, ok := syncproto.Generate(d.graph, syncproto.NewState())
	if !ok {
		return nil, false
	}
	return msg.Encode(), true
}

// handleEphemeral relays an ephemeral message to the other peers that
// have the document open. A sender that does not have it open is ignored:
// it may not learn who does.
func (d *Document) handleEphemeral(from PeerID, m wire.Message) Effects {
	if !d.IsOpen(from) {
		return Effects{}
	}
	var eff Effects
	for _, p := range d.order {
		if p != from {
			fwd := m
			fwd.TargetID = ""
			eff.Send = append(eff.Send, Send{To: p, Msg: fwd})
		}
	}
	return eff
}
