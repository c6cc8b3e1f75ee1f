package relay

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/wire"
)

// SyncHTTP runs one HTTP sync exchange (server/httpsync) through the same
// live documents as the WebSocket peers, so a change that arrives over HTTP
// reaches every WebSocket peer that has the document open at once, and both
// paths share one group commit per document. It is an httpsync.SyncerFunc.
//
// Every exchange is a fresh session with fresh sync states, as the HTTP
// protocol is stateless: the peer polls, and each poll is a reconnect.
// Replies are returned only after the document's batch was written, so a
// reply never carries heads the store could lose.
func (s *Server) SyncHTTP(ctx context.Context, tok access.Token, peer string, msgs []wire.Message) (httpsync.Result, error) {
	session := docsync.PeerID("http/" + peer + "/" + rand.Text())
	return httpsync.EachDocument(ctx, s.access, s.cfg.Engine, tok.Workspace, msgs, func(ctx context.Context, group []wire.Message) ([]wire.Message, bool, error) {
		if !docsync.ValidID(group[0].DocumentID) {
			return nil, false, fmt.Errorf("invalid documentId %q: %w", group[0].DocumentID, docsync.ErrBadSyncMessage)
		}
		return s.syncHTTPDoc(ctx, session, tok.Workspace, group)
	})
}

// syncHTTPDoc hands one document's messages of an exchange to the hub and
// waits until their batch is durable.
func (s *Server) syncHTTPDoc(ctx context.Context, session docsync.PeerID, ws string, group []wire.Message) (replies []wire.Message, changed bool, err error) {
	done := make(chan error, 1)
	s.hub.submit(ctx, group[0].DocumentID, func(d *docsync.Document) (docsync.Effects, error) {
		defer d.Leave(session)
		before := d.Heads()
		// Sessions of ws that asked for the document before it existed
		// get it now, as when a WebSocket peer creates it.
		eff := s.hub.openWaiters(d, ws)
		d.OpenForExchange(session)
		for _, m := range group {
			mine, err := d.Handle(session, m)
			for _, snd := range mine.Send {
				if snd.To == session {
					replies = append(replies, snd.Message())
				}
			}
			mine.Send = slices.DeleteFunc(mine.Send, func(snd docsync.Send) bool { return snd.To == session })
			eff.Append(mine)
			if err != nil {
				return eff, err
			}
		}
		changed = !slices.Equal(before, d.Heads())
		return eff, nil
	}, func(err error) { done <- err })
	// The batch is bounded work and writes replies and changed: wait for
	// it even if ctx ends, then report.
	if err := <-done; err != nil {
		return nil, false, fmt.Errorf("http sync %s: %w", group[0].DocumentID, err)
	}
	return replies, changed, nil
}
