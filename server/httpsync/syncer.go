package httpsync

import (
	"context"
	"fmt"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// Result is what one exchange produced.
type Result struct {
	// Replies go back to the peer, in order: sync and doc-unavailable.
	Replies []wire.Message
	// Changed lists the documents whose heads the exchange moved; a live
	// runtime announces them to the other peers that have them open.
	Changed []string
}

// Syncer runs one exchange for peer (its automerge-repo peerId) of the
// token's workspace. Every change the messages carry is durable before
// Sync returns. Messages other than request and sync are ignored.
type Syncer interface {
	Sync(ctx context.Context, tok access.Token, peer string, msgs []wire.Message) (Result, error)
}

// SyncerFunc adapts a function, such as a method of the WebSocket
// relay's server, to Syncer.
type SyncerFunc func(ctx context.Context, tok access.Token, peer string, msgs []wire.Message) (Result, error)

// Sync implements Syncer.
func (f SyncerFunc) Sync(ctx context.Context, tok access.Token, peer string, msgs []wire.Message) (Result, error) {
	return f(ctx, tok, peer, msgs)
}

// StoreSyncer is the stateless Syncer: every call loads each document
// from the store, answers with a sync state made for the call, writes
// what changed and forgets everything. It needs no memory between
// requests, which is what a Workers isolate offers; calls for the same
// document may run at once (see docsync's storage layout for why that
// loses nothing).
type StoreSyncer struct {
	Store  store.Store
	Access *access.Service
	Engine docsync.Engine
	// Options tune the per-call docsync.Document.
	Options docsync.Options
}

var _ Syncer = (*StoreSyncer)(nil)

// Sync implements Syncer.
func (x *StoreSyncer) Sync(ctx context.Context, tok access.Token, peer string, msgs []wire.Message) (Result, error) {
	session := docsync.PeerID("http/" + peer)
	return EachDocument(ctx, x.Access, x.Engine, tok.Workspace, msgs, func(ctx context.Context, group []wire.Message) ([]wire.Message, bool, error) {
		return x.syncDoc(ctx, session, group)
	})
}

// DocumentSyncer handles the request and sync messages of one exchange
// for one document the peer may use: it returns the replies for the peer
// and whether the document's heads moved, once its changes are durable.
type DocumentSyncer func(ctx context.Context, group []wire.Message) (replies []wire.Message, changed bool, err error)

// EachDocument runs one exchange document by document, the rule every
// HTTP sync runtime shares: messages are grouped by document (ByDocument),
// a document the peer of workspace ws may not use (MayUse) is answered
// doc-unavailable, and syncDoc handles the rest.
func EachDocument(ctx context.Context, acc *access.Service, e docsync.Engine, ws string, msgs []wire.Message, syncDoc DocumentSyncer) (Result, error) {
	var res Result
	for _, group := range ByDocument(msgs) {
		id := group[0].DocumentID
		ok, err := MayUse(ctx, acc, e, ws, group[0])
		if err != nil {
			return res, err
		}
		if !ok {
			res.Replies = append(res.Replies, wire.Message{Type: wire.TypeDocUnavailable, DocumentID: id})
			continue
		}
		replies, changed, err := syncDoc(ctx, group)
		if err != nil {
			return res, err
		}
		res.Replies = append(res.Replies, replies...)
		if changed {
			res.Changed = append(res.Changed, id)
		}
	}
	return res, nil
}

func (x *StoreSyncer) load(ctx context.Context, id string) (*docsync.Document, error) {
	entries, err := x.Store.LoadRange(ctx, docsync.Prefix(id))
	if err != nil {
		return nil, fmt.Errorf("load document %s: %w", id, err)
	}
	d, eff, _ := docsync.Load(x.Engine, id, entries, x.Options)
	if err := store.Write(ctx, x.Store, eff.Store); err != nil {
		return nil, fmt.Errorf("compact document %s: %w", id, err)
	}
	return d, nil
}

func (x *StoreSyncer) syncDoc(ctx context.Context, p docsync.PeerID, msgs []wire.Message) ([]wire.Message, bool, error) {
	id := msgs[0].DocumentID
	d, err := x.load(ctx, id)
	if err != nil {
		return nil, false, err
	}
	before := fmt.Sprint(d.Heads())
	var out []wire.Message
	d.OpenForExchange(p)
	for _, m := range msgs {
		eff, err := d.Handle(p, m)
		if err != nil {
			return nil, false, err
		}
		if err := store.Write(ctx, x.Store, eff.Store); err != nil {
			return nil, false, fmt.Errorf("store document %s: %w", id, err)
		}
		for _, s := range eff.Send {
			if s.To == p {
				out = append(out, s.Message())
			}
		}
	}
	if err := store.Write(ctx, x.Store, d.Compact()); err != nil {
		return nil, false, fmt.Errorf("compact document %s: %w", id, err)
	}
	return out, fmt.Sprint(d.Heads()) != before, nil
}

// Announce returns the sync message that tells a peer which knows
// nothing of this relay's state what the relay holds of document id:
// its heads and a summary of its changes, from a fresh sync state. A
// peer that lacks something answers it, and the exchange goes on as
// usual. ok is false when the relay holds nothing of id.
func (x *StoreSyncer) Announce(ctx context.Context, id string) (data []byte, ok bool, err error) {
	d, err := x.load(ctx, id)
	if err != nil {
		return nil, false, err
	}
	data, ok = d.Announce()
	return data, ok, nil
}

// ByDocument groups request and sync messages by document, keeping the
// order of first appearance and the order within each document.
func ByDocument(msgs []wire.Message) [][]wire.Message {
	index := map[string]int{}
	var groups [][]wire.Message
	for _, m := range msgs {
		if m.Type != wire.TypeRequest && m.Type != wire.TypeSync {
			continue
		}
		i, ok := index[m.DocumentID]
		if !ok {
			i = len(groups)
			index[m.DocumentID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], m)
	}
	return groups
}

// MayUse applies the relay's access rule (access.Service.Admit) to the
// first message a peer of workspace ws sends for a document: true when ws
// owns it or this sync just claimed it.
func MayUse(ctx context.Context, acc *access.Service, e docsync.Engine, ws string, m wire.Message) (bool, error) {
	v, err := acc.Admit(ctx, ws, m.DocumentID, m.Type == wire.TypeSync,
		func() error { return docsync.CheckSync(e, m.Data) })
	if err != nil {
		return false, fmt.Errorf("access to %s: %w", m.DocumentID, err)
	}
	return v == access.Allowed || v == access.Claimed, nil
}
