package repo

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/wire"
)

// session is one live connection after join: it turns relay messages into
// document updates and document updates into sync messages. Only the Run
// goroutine uses it.
type session struct {
	r     *Repo
	conn  Conn
	self  string
	relay string // the relay's peer ID once it answered join
}

func (s *session) send(ctx context.Context, m wire.Message) error {
	b, err := wire.Encode(m)
	if err != nil {
		return fmt.Errorf("encode %s: %w", m.Type, err)
	}
	if err := s.conn.Send(ctx, b); err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	return nil
}

// handle processes one frame from the relay.
func (s *session) handle(ctx context.Context, frame []byte) error {
	m, err := wire.Decode(frame)
	if err != nil {
		return fmt.Errorf("from relay: %w: %w", err, ErrRelay)
	}
	switch m.Type {
	case wire.TypePeer:
		if m.SelectedProtocolVersion != "" && m.SelectedProtocolVersion != "1" {
			return fmt.Errorf("relay selected %q: %w", m.SelectedProtocolVersion, ErrWrongVersion)
		}
		s.relay = m.SenderID
		return nil
	case wire.TypeError:
		if strings.Contains(m.Message, "protocol") {
			return fmt.Errorf("relay: %s: %w", m.Message, ErrWrongVersion)
		}
		return fmt.Errorf("relay: %s: %w", m.Message, ErrRelay)
	case wire.TypeSync, wire.TypeRequest:
		return s.receive(ctx, m)
	case wire.TypeDocUnavailable:
		s.r.mu.Lock()
		if h, ok := s.r.docs[m.DocumentID]; ok && h.sync != nil {
			h.sync.heard = true
			h.unavail = true
		}
		s.r.mu.Unlock()
		s.r.refreshStatus(WebSocket)
		return nil
	default: // ephemeral and gossip: not used by the app
		return nil
	}
}

// receive applies a relay sync message, stores what it brought, notes what
// the relay confirmed, and answers.
func (s *session) receive(ctx context.Context, m wire.Message) error {
	r := s.r
	r.mu.Lock()
	h, ok := r.docs[m.DocumentID]
	if !ok || h.sync == nil {
		r.mu.Unlock()
		// The relay never pushes documents; answer like a peer without it.
		return s.send(ctx, wire.Message{Type: wire.TypeDocUnavailable, SenderID: s.self, TargetID: m.SenderID, DocumentID: m.DocumentID})
	}
	a, err := r.applyLocked(h, h.sync.ss, m.Data)
	if err == nil {
		h.sync.heard = true
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	changed, err := r.store(ctx, a)
	if err != nil {
		return err
	}
	if changed {
		s.retryUnavailable()
	}
	return s.syncAll(ctx)
}

// retryUnavailable asks again for wanted documents the relay lacked: a
// remote change may have come with the writer's new document.
func (s *session) retryUnavailable() {
	s.r.mu.Lock()
	for _, h := range s.r.docs {
		if h.unavail && h.sync != nil && len(h.doc.Heads()) == 0 {
			h.sync = nil
			h.unavail = false
		}
	}
	s.r.mu.Unlock()
	s.r.wake()
}

// syncAll sends every document's next sync message, starting sync states
// for documents new to this connection (request for those we lack).
// Messages go out in the order of the documents' last local change, so a
// note reaches the relay before the index entry that names it, and another
// device that reads the index finds the note there.
func (s *session) syncAll(ctx context.Context) error {
	r := s.r
	type out struct {
		touched uint64
		m       wire.Message
	}
	var outs []out
	r.mu.Lock()
	for id, h := range r.docs {
		typ := wire.TypeSync
		if h.sync == nil {
			h.sync = &peerState{ss: crdt.NewSyncState(h.doc)}
			if len(h.doc.Heads()) == 0 {
				typ = wire.TypeRequest
			}
		}
		if h.unavail && len(h.doc.Heads()) == 0 {
			continue
		}
		sm, ok := h.sync.ss.GenerateMessage()
		if !ok {
			continue
		}
		outs = append(outs, out{h.touched, wire.Message{Type: typ, SenderID: s.self, TargetID: s.relay, DocumentID: id, Data: sm.Bytes()}})
	}
	r.mu.Unlock()
	sort.Slice(outs, func(i, j int) bool {
		if outs[i].touched != outs[j].touched {
			return outs[i].touched < outs[j].touched
		}
		return outs[i].m.DocumentID < outs[j].m.DocumentID
	})
	for _, o := range outs {
		if err := s.send(ctx, o.m); err != nil {
			return err
		}
	}
	r.refreshStatus(WebSocket)
	return nil
}
