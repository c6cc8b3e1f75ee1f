package syncproto

import (
	"slices"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Generate returns the next message to send to the peer s describes, or
// false when there is nothing to say: the peer is up to date, or a message
// is in flight and our heads have not moved since. The message may share
// memory with g (its heads, the changes' bytes): encode it, do not change
// it.
func Generate(g Graph, s *State) (*Message, bool) {
	ourHeads := headsOf(g)
	var ourNeed []format.ChangeHash
	if s.Received {
		ourNeed = g.MissingDeps(s.TheirHeads)
	}

	// The peer's filter is relative to heads we do not have: it synced
	// with a version of us that has since lost data. Ask it to start over.
	if s.Received && len(s.TheirHave) > 0 && !allKnown(g, s.TheirHave[0].LastSync) {
		return resetMessage(ourHeads), true
	}

	msg := &Message{Type: TypeV1}
	if s.PeerFlagsSeen {
		msg.Type = TypeV2
	}
	// Decide what to send before building it: a message that turns out
	// not to be needed should not cost a saved document.
	var sent []format.ChangeHash
	wholeDocument := false
	if s.Received && !s.PeerReadOnly {
		if s.sendWholeDocument() {
			sent, wholeDocument = hashesSince(g, nil), true
		} else {
			sent = hashesToSend(g, s.TheirHave, s.TheirNeed)
			sent = slices.DeleteFunc(sent, func(h format.ChangeHash) bool {
				_, done := s.SentHashes[h]
				return done
			})
			if s.PeerFlagsSeen && len(sent) > g.ChangeCount()/3 {
				sent, wholeDocument = hashesSince(g, nil), true
			}
		}
	}

	headsUnchanged := slices.Equal(s.LastSentHeads, ourHeads)
	headsEqual := s.Received && slices.Equal(s.TheirHeads, ourHeads)
	if headsUnchanged && s.HaveResponded {
		if headsEqual && len(sent) == 0 {
			return nil, false
		}
		if s.InFlight {
			return nil, false
		}
		if s.Quiet && quietAnswer(s, sent, ourNeed) {
			return nil, false
		}
	}

	if wholeDocument {
		putWholeDocument(g, msg, sent)
	} else {
		putChanges(g, msg, sent)
	}

	// The flags section goes on the first message of a connection only:
	// the peer keeps what it learnt for the rest of the connection.
	if !s.HaveResponded {
		bits := FlagSupportsSyncReset
		if s.OneExchange {
			// Whether the peer honours it was said in its first message,
			// perhaps an exchange ago; a peer that does not ignores it.
			bits |= FlagSyncReset
		}
		msg.Flags = flagsSection(bits)
	}
	s.HaveResponded = true
	s.LastSentHeads = ourHeads
	if len(s.SentHashes) == 0 && len(sent) > 0 {
		// Sized once: a whole document would otherwise grow it step by step.
		s.SentHashes = make(map[format.ChangeHash]struct{}, len(sent))
	}
	for _, h := range sent {
		s.SentHashes[h] = struct{}{}
	}
	msg.Heads = ourHeads
	msg.Need = ourNeed
	// Offer a bloom filter only once everything we need is something the
	// peer has told us it has; until then we ask for those first. (Rust
	// builds the filter before deciding to stay quiet; building it only
	// for a message we send changes nothing on the wire.)
	if len(appendMembers(nil, ourNeed, hashSet(s.TheirHeads), false)) == 0 {
		msg.Have = []Have{makeHave(g, s.SharedHeads)}
	}
	s.InFlight = true
	return msg, true
}

// quietAnswer reports whether an answer to the peer could tell it
// nothing, so a relay (State.Quiet) may leave it out. Automerge answers
// every message whose heads differ from ours; on a document many peers
// edit at once, that is mostly answers to acknowledgements, each carrying
// heads already on their way to the peer. Generate asks only once our
// heads are those we last sent. Then, with no changes to send, nothing
// the peer asked for and nothing to ask for (we hold all of its heads),
// an answer would carry those heads again, and a summary of our changes
// the peer has no use for, as it holds nothing we lack. The peer loses
// nothing: what it lacks was sent with those heads, and if a false
// positive of its filter hid a change from that message, those heads are
// what tell it to ask, and it will.
func quietAnswer(s *State, sent, ourNeed []format.ChangeHash) bool {
	return s.Received && len(sent) == 0 && len(ourNeed) == 0 && len(s.TheirNeed) == 0
}

// resetMessage asks the peer to forget our last sync: an empty have.
func resetMessage(ourHeads []format.ChangeHash) *Message {
	return &Message{
		Type:  TypeV1,
		Heads: ourHeads,
		Have:  []Have{{}},
		Flags: flagsSection(FlagSupportsSyncReset),
	}
}

func makeHave(g Graph, lastSync []format.ChangeHash) Have {
	return Have{
		LastSync: slices.Clone(lastSync),
		Bloom:    NewBloom(hashesSince(g, lastSync)),
	}
}

// putWholeDocument makes msg a TypeV2 message carrying every change (all),
// as a saved document when the graph can save one.
func putWholeDocument(g Graph, msg *Message, all []format.ChangeHash) {
	msg.Type = TypeV2
	saver, ok := g.(DocumentSaver)
	switch {
	case len(all) == 0:
		// Nothing to send. Rust sends its empty document here; an empty
		// change list says the same in fewer bytes.
	case ok:
		msg.Changes = [][]byte{saver.SaveDocument()}
	default:
		putChanges(g, msg, all)
	}
}

// putChanges adds the chunks of hashes to msg, each as the graph holds
// it: Encode writes them as one chunk each in TypeV1, as one joined chunk
// in TypeV2.
func putChanges(g Graph, msg *Message, hashes []format.ChangeHash) {
	if len(hashes) > 0 {
		msg.Changes = rawChanges(g, hashes)
	}
}

// rawChanges returns the chunks of hashes, as the graph holds them.
func rawChanges(g Graph, hashes []format.ChangeHash) [][]byte {
	raws := make([][]byte, len(hashes))
	for i, h := range hashes {
		raws[i] = g.RawChange(h)
	}
	return raws
}

// concatChanges returns a new slice holding the chunks of hashes.
func concatChanges(g Graph, hashes []format.ChangeHash) []byte {
	return slices.Concat(rawChanges(g, hashes)...)
}

// hashesToSend picks the changes the peer lacks: every change since the
// peer's last sync that none of its bloom filters contains, every change
// depending on one of those (the filter may have hidden a change the peer
// lacks behind a false positive, but never one it has), and whatever it
// asked for by name. HashesSince lists dependencies first, so one forward
// pass closes the set over dependents.
func hashesToSend(g Graph, have []Have, need []format.ChangeHash) []format.ChangeHash {
	asked := appendKnown(nil, g, need)
	if len(have) == 0 {
		return asked
	}
	var lastSync []format.ChangeHash
	for i := range have {
		lastSync = append(lastSync, have[i].LastSync...)
	}
	since := hashesSince(g, sortedUnique(lastSync))
	if len(since) == 0 {
		return asked // the usual answer to a peer that is up to date
	}

	var picked pickedSet
	for _, h := range since {
		if !anyContains(have, h) || picked.hasAny(g.Deps(h)) {
			picked.add(h)
		}
	}
	out := make([]format.ChangeHash, 0, len(picked.list)+len(asked))
	for _, h := range asked {
		if !picked.has(h) {
			out = append(out, h)
		}
	}
	return append(out, picked.list...)
}

func anyContains(have []Have, h format.ChangeHash) bool {
	for i := range have {
		if have[i].Bloom.Contains(h) {
			return true
		}
	}
	return false
}

func allKnown(g Graph, hs []format.ChangeHash) bool {
	for _, h := range hs {
		if !g.HasChange(h) {
			return false
		}
	}
	return true
}

// hashesSince is g.HashesSince for callers that only read the result:
// every change of a ChangeGraph is its own order, not a copy of it, which
// a relay answering a new peer would otherwise make twice per answer.
func hashesSince(g Graph, since []format.ChangeHash) []format.ChangeHash {
	if cg, ok := g.(*ChangeGraph); ok && len(since) == 0 {
		return cg.order[:len(cg.order):len(cg.order)]
	}
	return g.HashesSince(since)
}

// headsOf is g.Heads for callers that keep the result but never change
// it. A ChangeGraph replaces its sorted heads when they change and never
// changes them in place, so they are shared rather than copied for every
// message of every peer.
func headsOf(g Graph) []format.ChangeHash {
	if cg, ok := g.(*ChangeGraph); ok {
		h := cg.sortedHeads()
		return h[:len(h):len(h)]
	}
	return g.Heads()
}
