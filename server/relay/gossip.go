package relay

import (
	"slices"
	"sync"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// Remote-heads gossip, for automerge-repo clients built with
// enableRemoteHeadsGossiping. A peer subscribes to storage IDs with
// remote-subscription-change; for every document it has open it is then
// told, with remote-heads-changed, the heads of those storage peers:
//
//   - the relay's own heads (StorageID), after every durable change;
//   - another connected storage peer's heads, as that peer's last sync
//     message announced them (what the relay knows it has);
//   - heads another peer reports in its own remote-heads-changed.
//
// What the relay knows already is sent once when the peer subscribes (for
// the documents it has open) and when it opens a document.
//
// A client that gets remote-heads-changed for a document it has no handle
// for crashes (automerge-repo 2.5.6), so nothing is sent for a document
// the receiving session does not have open. A session only ever opens its
// own workspace's documents, and heads learnt from a peer go only to
// sessions of that peer's workspace: nobody learns anything about another
// workspace. Subscriptions belong to a session and end with it.

// maxSubscriptions bounds the storage IDs one session subscribes to;
// further additions are ignored.
const maxSubscriptions = 64

// maxStorageIDLength bounds a storage ID; automerge-repo's are 36-character
// UUIDs.
const maxStorageIDLength = 128

func validStorageID(id string) bool { return id != "" && len(id) <= maxStorageIDLength }

// gossipClock hands out remote-heads-changed timestamps: Unix
// milliseconds, strictly increasing, because a client keeps heads only if
// their timestamp is newer than the last it has, and two changes within
// one millisecond must both count.
type gossipClock struct {
	mu   sync.Mutex
	last int64
}

func (g *gossipClock) next(nowMs int64) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = max(g.last+1, nowMs)
	return uint64(g.last)
}

func (s *Server) timestamp() uint64 { return s.clock.next(s.cfg.Now().UnixMilli()) }

func (s *Server) session(p docsync.PeerID) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[p]
}

// headsMessage is a remote-heads-changed for one storage ID.
func headsMessage(doc, storageID string, h wire.HeadsAt) wire.Message {
	return wire.Message{Type: wire.TypeRemoteHeadsChanged, DocumentID: doc,
		NewHeads: map[string]wire.HeadsAt{storageID: h}}
}

// gossip tells subscribers the heads eff reports for d: the relay's new
// heads and the heads peers announced. The caller holds d's lock and has
// carried out eff's store operations, so the heads are durable.
func (s *Server) gossip(d *docsync.Document, eff docsync.Effects) {
	if (len(eff.Heads) == 0 && len(eff.Announced) == 0) || s.subscriptions.Load() == 0 {
		return // the common case costs nothing
	}
	ts := s.timestamp()
	var out []docsync.Send
	if len(eff.Heads) > 0 {
		out = s.subscriberSends(d, s.storageID, "", "", wire.HeadsAt{Heads: docsync.EncodeHeads(eff.Heads), Timestamp: ts})
	}
	for _, a := range eff.Announced {
		from := s.session(a.Peer)
		if from == nil {
			continue
		}
		if sid := from.peerStorageID(); sid != "" {
			h := wire.HeadsAt{Heads: docsync.EncodeHeads(a.Heads), Timestamp: ts}
			out = append(out, s.subscriberSends(d, sid, a.Peer, from.token.Workspace, h)...)
		}
	}
	for _, snd := range out {
		s.deliver(snd)
	}
}

// subscriberSends returns remote-heads-changed {storageID: h} for every
// session that has d open and subscribed to storageID, except skip; if
// workspace is not empty the session must belong to it.
func (s *Server) subscriberSends(d *docsync.Document, storageID string, skip docsync.PeerID, workspace string, h wire.HeadsAt) []docsync.Send {
	var out []docsync.Send
	for _, p := range d.Peers() {
		if p == skip {
			continue
		}
		c := s.session(p)
		if c == nil || (workspace != "" && c.token.Workspace != workspace) || !c.subscribed(storageID) {
			continue
		}
		out = append(out, docsync.Send{To: p, Msg: headsMessage(d.ID(), storageID, h)})
	}
	return out
}

// knownHeads returns the heads the relay knows of d at storage peer
// storageID, as seen by a session of workspace: its own, or what a
// session of that workspace with that storage ID last announced.
func (s *Server) knownHeads(d *docsync.Document, storageID, workspace string, self docsync.PeerID) ([]docsync.Hash, bool) {
	if storageID == s.storageID {
		h := d.Heads()
		return h, len(h) > 0
	}
	for _, p := range d.Peers() {
		if p == self {
			continue
		}
		c := s.session(p)
		if c == nil || c.token.Workspace != workspace || c.peerStorageID() != storageID {
			continue
		}
		if h, ok := d.PeerHeads(p); ok {
			return h, true
		}
	}
	return nil, false
}

// subscriptionChange handles remote-subscription-change: additions first,
// then removals, as automerge-repo does. For each new subscription the
// peer is told the heads the relay already knows of its open documents.
func (c *conn) subscriptionChange(m wire.Message) {
	added := c.subscribe(m.Add)
	c.unsubscribe(m.Remove)
	if len(added) == 0 {
		return
	}
	ids := make([]string, 0, len(c.open))
	for id := range c.open {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		c.tellKnownHeads(c.session, id, added)
	}
}

// opened tells session, which has just opened document id, the heads the
// relay knows for its subscriptions, as automerge-repo does when a peer
// opens a document.
func (c *conn) opened(session docsync.PeerID, id string) {
	c.mu.Lock()
	sids := make([]string, 0, len(c.subs))
	for sid := range c.subs {
		sids = append(sids, sid)
	}
	c.mu.Unlock()
	if len(sids) > 0 {
		slices.Sort(sids)
		c.tellKnownHeads(session, id, sids)
	}
}

// tellKnownHeads sends session the heads the relay knows of document id
// at each of sids, if the session has the document open.
func (c *conn) tellKnownHeads(session docsync.PeerID, id string, sids []string) {
	c.s.hub.ifLoaded(id, func(d *docsync.Document) docsync.Effects {
		var eff docsync.Effects
		if !d.IsOpen(session) {
			return eff // it waits for the document: no handle to tell
		}
		for _, sid := range sids {
			if h, ok := c.s.knownHeads(d, sid, c.token.Workspace, session); ok && c.subscribed(sid) {
				eff.Send = append(eff.Send, docsync.Send{To: session, Msg: headsMessage(id, sid,
					wire.HeadsAt{Heads: docsync.EncodeHeads(h), Timestamp: c.s.timestamp()})})
			}
		}
		return eff
	})
}

// remoteHeads forwards a peer's remote-heads-changed to the other
// sessions that have the document open and subscribed to the storage IDs
// it reports. A sender without the document open is ignored, and so are
// reports about the relay itself (it knows its own heads) and heads that
// are not bs58check hashes.
func (c *conn) remoteHeads(m wire.Message) {
	if _, ok := c.open[m.DocumentID]; !ok || !docsync.ValidID(m.DocumentID) {
		return
	}
	sids := make([]string, 0, len(m.NewHeads))
	for sid, h := range m.NewHeads {
		if validStorageID(sid) && sid != c.s.storageID && validHeads(h.Heads) {
			sids = append(sids, sid)
		}
	}
	slices.Sort(sids)
	c.s.hub.ifLoaded(m.DocumentID, func(d *docsync.Document) docsync.Effects {
		var eff docsync.Effects
		if !d.IsOpen(c.session) {
			return eff
		}
		for _, sid := range sids {
			eff.Send = append(eff.Send, c.s.subscriberSends(d, sid, c.session, c.token.Workspace, m.NewHeads[sid])...)
		}
		return eff
	})
}

func validHeads(hs []string) bool {
	for _, h := range hs {
		if _, err := docsync.DecodeHead(h); err != nil {
			return false
		}
	}
	return true
}

// subscribe adds storage IDs to the session's subscriptions, up to
// maxSubscriptions, and returns those that are new.
func (c *conn) subscribe(ids []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var added []string
	for _, id := range ids {
		if _, ok := c.subs[id]; ok || !validStorageID(id) {
			continue
		}
		if len(c.subs) >= maxSubscriptions {
			c.log.Debug("subscription limit reached", "storageId", id)
			break
		}
		c.subs[id] = struct{}{}
		added = append(added, id)
	}
	c.s.subscriptions.Add(int64(len(added)))
	return added
}

func (c *conn) unsubscribe(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if _, ok := c.subs[id]; ok {
			delete(c.subs, id)
			c.s.subscriptions.Add(-1)
		}
	}
}

func (c *conn) subscribed(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.subs[id]
	return ok
}

// peerStorageID is the storage ID the peer announced when it joined, or
// "" (no storage, or one that claimed to be the relay).
func (c *conn) peerStorageID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.storageID
}

// resetGossip starts a new session's gossip state from its join message;
// with an empty message it just ends the old one's (the connection is
// closing).
func (c *conn) resetGossip(join wire.Message) {
	sid := ""
	if md := join.PeerMetadata; md != nil && validStorageID(md.StorageID) && md.StorageID != c.s.storageID {
		sid = md.StorageID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.storageID = sid
	c.s.subscriptions.Add(-int64(len(c.subs)))
	c.subs = map[string]struct{}{}
}
