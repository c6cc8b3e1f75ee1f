package syncproto

import (
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Receive applies a message from the peer s describes to g and records
// what the message says about the peer. An error from applying the changes
// is returned wrapped; s may then be partly updated, and the caller should
// treat the connection as broken (start again from a fresh or saved state).
// Receive takes m: a ChangeGraph keeps views into m.Changes (DecodeMessage
// gives them memory of their own), so the caller must not change them.
func Receive(g Graph, s *State, m *Message) error {
	s.InFlight = false
	before := headsOf(g)

	if m.HasFlags() {
		bits := m.FlagBits()
		s.PeerFlagsSeen = true
		s.PeerSupportsSyncReset = bits&FlagSupportsSyncReset != 0
		s.PeerReadOnly = bits&FlagReadOnly != 0
		if bits&FlagSyncReset != 0 {
			clear(s.SentHashes)
		}
	}

	if len(m.Changes) > 0 {
		if err := applyMessageChanges(g, m.Changes); err != nil {
			return fmt.Errorf("apply changes from sync message: %w", err)
		}
		s.SharedHeads = advanceHeads(before, headsOf(g), s.SharedHeads)
	}

	forgetAcknowledged(g, s, m.Heads)

	if len(m.Changes) == 0 && slices.Equal(m.Heads, before) {
		s.LastSentHeads = slices.Clone(m.Heads)
	}

	known := appendKnown(make([]format.ChangeHash, 0, len(m.Heads)), g, m.Heads)
	if len(known) == len(m.Heads) {
		s.SharedHeads = slices.Clone(m.Heads)
		// The peer has lost everything: start the sync over.
		if len(m.Heads) == 0 {
			s.LastSentHeads = nil
			clear(s.SentHashes)
		}
	} else {
		s.SharedHeads = sortedUnique(append(slices.Clone(s.SharedHeads), known...))
	}

	s.Received = true
	s.TheirHave = m.Have
	s.TheirHeads = m.Heads
	s.TheirNeed = m.Need
	return nil
}

// applyMessageChanges applies a received message's chunks to g, letting
// a ChangeGraph keep them rather than copy each change.
func applyMessageChanges(g Graph, chunks [][]byte) error {
	data := joinChunks(chunks)
	if cg, ok := g.(*ChangeGraph); ok {
		return cg.applyOwned(data)
	}
	return g.Apply(data)
}

func joinChunks(chunks [][]byte) []byte {
	if len(chunks) == 1 {
		return chunks[0]
	}
	return slices.Concat(chunks...)
}

// forgetAcknowledged drops from SentHashes every change the peer's heads
// show it has: those that are ancestors of (or equal to) a head we know.
func forgetAcknowledged(g Graph, s *State, theirHeads []format.ChangeHash) {
	if len(s.SentHashes) == 0 {
		return
	}
	known := appendKnown(nil, g, theirHeads)
	if len(known) == 0 {
		return
	}
	unseen := hashSet(g.HashesSince(known))
	for h := range s.SentHashes {
		if _, ok := unseen[h]; !ok {
			delete(s.SentHashes, h)
		}
	}
}

// advanceHeads computes the shared heads after applying changes the peer
// sent: our new heads that are new, plus old shared heads still heads.
func advanceHeads(oldHeads, newHeads, oldShared []format.ChangeHash) []format.ChangeHash {
	out := appendMembers(nil, newHeads, hashSet(oldHeads), false)
	out = appendMembers(out, oldShared, hashSet(newHeads), true)
	return sortedUnique(out)
}
