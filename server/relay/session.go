package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// handle processes one decoded message; false means the connection is
// closing.
func (c *conn) handle(m wire.Message) bool {
	if m.Type == wire.TypeJoin {
		return c.join(m)
	}
	if c.session == "" {
		c.fail("expected join first", "protocol")
		return false
	}
	if m.SenderID != c.peerIDOr() {
		// As the reference server does: a frame not from the joined peer
		// is ignored.
		c.log.Debug("ignoring frame from another senderId", "type", m.Type)
		return true
	}
	if m.Type == wire.TypeRequest || m.Type == wire.TypeSync {
		return c.syncMessage(m)
	}
	// Other messages act on what the sync messages before them did.
	c.inflight.wait()
	switch m.Type {
	case wire.TypeEphemeral:
		if docsync.ValidID(m.DocumentID) {
			c.ephemeral(m)
		}
		return true
	case wire.TypeRemoteSubscriptionChange:
		c.subscriptionChange(m)
		return true
	case wire.TypeRemoteHeadsChanged:
		c.remoteHeads(m)
		return true
	default:
		// doc-unavailable (the relay never requests), peer and error:
		// accepted and ignored.
		return true
	}
}

// join starts a new session: a first join, or a client that joins again
// on the same socket. Either way every per-document sync state starts
// over, because replies lost with an old socket are never re-sent.
func (c *conn) join(m wire.Message) bool {
	if len(m.SupportedProtocolVersions) > 0 && !slices.Contains(m.SupportedProtocolVersions, wire.ProtocolV1) {
		c.setPeer(m.SenderID)
		c.fail("unsupported protocol version", "protocol")
		return false
	}
	c.inflight.wait()
	c.leaveAll()
	c.resetGossip(m)
	c.gen++
	c.session = docsync.PeerID(fmt.Sprintf("c%d.%d", c.num, c.gen))
	prev := c.peerIDOr()
	c.setPeer(m.SenderID)
	s := c.s
	s.mu.Lock()
	if s.byPeer[prev] == c {
		delete(s.byPeer, prev) // this socket joined before under another peerId
	}
	old := s.byPeer[m.SenderID]
	s.byPeer[m.SenderID] = c
	s.sessions[c.session] = c
	s.mu.Unlock()
	if old != nil && old != c {
		// The same peer connected again: its old socket is stale.
		old.shutdown()
	}
	c.send(wire.Message{
		Type:                    wire.TypePeer,
		SenderID:                s.peerID,
		PeerMetadata:            &wire.PeerMetadata{StorageID: s.storageID, IsEphemeral: false},
		SelectedProtocolVersion: wire.ProtocolV1,
	})
	return true
}

func (c *conn) setPeer(p string) {
	c.mu.Lock()
	c.peerID = p
	c.mu.Unlock()
}

// syncMessage handles request and sync. Access is decided before the
// document is touched: a document that does not exist and one of another
// workspace get the same doc-unavailable.
func (c *conn) syncMessage(m wire.Message) bool {
	if !docsync.ValidID(m.DocumentID) {
		c.fail("invalid documentId", "protocol")
		return false
	}
	ctx := context.Background()
	verdict, err := c.mayUse(ctx, m)
	if errors.Is(err, docsync.ErrBadSyncMessage) {
		c.fail("bad sync message", "protocol")
		return false
	}
	if err != nil {
		c.log.Error("access check", "doc", m.DocumentID, "err", err)
		c.fail("internal error", "store")
		return false
	}
	switch verdict {
	case access.Denied:
		c.unavailable(m.DocumentID)
		return true
	case access.Unclaimed:
		// Nobody has it yet. Should this workspace create it later, the
		// requester gets it then, as it asked (within a bound: a client
		// asking for endless made-up IDs must not grow the relay).
		if _, ok := c.open[m.DocumentID]; !ok && c.waits < maxWaitsPerConn {
			c.waits++
			c.open[m.DocumentID] = struct{}{}
			c.s.hub.wait(m.DocumentID, waiter{session: c.session, workspace: c.token.Workspace, request: m})
		}
		c.unavailable(m.DocumentID)
		return true
	}
	if m.Type == wire.TypeSync {
		c.observeReply(m.DocumentID)
	}
	_, wasOpen := c.open[m.DocumentID]
	c.open[m.DocumentID] = struct{}{}
	session, ws := c.session, c.token.Workspace
	c.inflight.acquire()
	c.s.hub.submit(ctx, m.DocumentID, func(d *docsync.Document) (docsync.Effects, error) {
		var eff docsync.Effects
		if verdict == access.Claimed {
			eff = c.s.hub.openWaiters(d, ws)
		}
		mine, err := d.Handle(session, m)
		eff.Append(mine)
		return eff, err
	}, func(err error) {
		defer c.inflight.release()
		switch {
		case errors.Is(err, docsync.ErrBadSyncMessage):
			c.fail("bad sync message", "protocol")
		case err != nil:
			c.log.Error("sync", "doc", m.DocumentID, "err", err)
			c.fail("internal error", "store")
		case !wasOpen:
			c.opened(session, m.DocumentID)
		}
	})
	return true
}

// maxWaitsPerConn bounds the unclaimed documents one session waits for.
const maxWaitsPerConn = 1024

// mayUse applies the access rule (access.Service.Admit) to the
// connection's workspace and m's document; a sync for a document nobody
// owns claims it once the engine has read its bytes.
func (c *conn) mayUse(ctx context.Context, m wire.Message) (access.Verdict, error) {
	return c.s.access.Admit(ctx, c.token.Workspace, m.DocumentID, m.Type == wire.TypeSync,
		func() error { return docsync.CheckSync(c.s.cfg.Engine, m.Data) })
}

func (c *conn) unavailable(doc string) {
	c.send(wire.Message{Type: wire.TypeDocUnavailable, SenderID: c.s.peerID, DocumentID: doc})
}

// ephemeral relays m to the other sessions that have the document open.
// Nothing is stored, and a sender without the document open is ignored.
func (c *conn) ephemeral(m wire.Message) {
	if _, ok := c.open[m.DocumentID]; !ok {
		return
	}
	c.s.hub.ifLoaded(m.DocumentID, func(d *docsync.Document) docsync.Effects {
		eff, _ := d.Handle(c.session, m)
		return eff
	})
}
