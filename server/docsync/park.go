package docsync

import (
	"fmt"
	"maps"
	"slices"
)

// Parked is what a Document keeps of its peers while its content is
// unloaded: each open peer's saved sync state and last announced heads.
// A relay parks a document whose peers are all quiet, to free the
// engine's memory (an Automerge document costs far more than its saved
// bytes), and restores it into the reloaded Document when any message
// for it arrives: the peers keep their place in the sync protocol and
// notice nothing but, at most, one extra round trip.
type Parked struct {
	id         string
	order      []PeerID
	states     map[PeerID][]byte
	theirHeads map[PeerID][]Hash
}

// Park saves every open peer's sync state. The Document must not be used
// afterwards: drop it, and pass the result to Restore on a Document
// loaded from the store.
func (d *Document) Park() *Parked {
	p := &Parked{
		id:         d.id,
		order:      slices.Clone(d.order),
		states:     make(map[PeerID][]byte, len(d.peers)),
		theirHeads: maps.Clone(d.theirHeads),
	}
	for id, s := range d.peers {
		p.states[id] = s.Save()
	}
	return p
}

// Peers returns the parked peers in first-contact order.
func (p *Parked) Peers() []PeerID { return slices.Clone(p.order) }

// HasPeers reports whether any peer is still parked.
func (p *Parked) HasPeers() bool { return len(p.order) > 0 }

// Leave forgets peer id, as Document.Leave does.
func (p *Parked) Leave(id PeerID) {
	delete(p.states, id)
	delete(p.theirHeads, id)
	p.order = slices.DeleteFunc(p.order, func(q PeerID) bool { return q == id })
}

// Restore gives d, freshly loaded and with no peers yet, the parked
// peers. A state the engine cannot load starts over from scratch (the
// peer then resyncs in full, which is slower but still correct); that
// error is returned after every peer is restored.
func (p *Parked) Restore(d *Document) error {
	if d.id != p.id {
		return fmt.Errorf("restore parked document %s into %s: wrong document", p.id, d.id)
	}
	var first error
	for _, id := range p.order {
		s, err := d.doc.LoadSyncState(p.states[id])
		if err != nil {
			s = d.doc.NewSyncState()
			if first == nil {
				first = fmt.Errorf("restore peer %s of %s: %w", id, p.id, err)
			}
		}
		if _, ok := d.peers[id]; !ok {
			d.order = append(d.order, id)
		}
		d.peers[id] = s
		if h, ok := p.theirHeads[id]; ok {
			d.theirHeads[id] = h
		}
	}
	return first
}
