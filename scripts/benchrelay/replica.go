package main

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/crdt/syncproto"
)

// A docState holds one of two kinds of copy of its document.
//
// Clients that edit hold a crdt document and its sync state, as an
// automerge-repo client does.
//
// Clients that only fetch and watch (the cold-sync fetcher, the
// edit-to-visible reader, the final check of acknowledged edits) hold the
// document's change graph instead, as a relay does: every change with its
// hash, computed from its bytes, and its dependencies, applied only once
// they are all present. Its heads equal the server's only when it holds
// exactly the server's changes, which is what those clients check, and it
// costs a fraction of materialising the document. Both servers face the
// same clients, so the choice changes no ratio; it keeps the generator's
// own CPU from setting the cold-sync rate on a small machine.

// newGraphState makes a watch-only copy of a document the client does not
// have yet.
func newGraphState(id string) *docState {
	return &docState{id: id, graph: syncproto.NewChangeGraph(), gs: syncproto.NewState(), fetching: true}
}

// receive takes one sync message from the server and returns what it says
// about the server's copy.
func (ds *docState) receive(data []byte) (serverView, error) {
	if ds.graph == nil {
		v, err := parseSyncHeader(data)
		if err != nil {
			return v, err
		}
		if _, err := ds.ss.ReceiveMessage(data); err != nil {
			return v, fmt.Errorf("receive sync message: %w", err)
		}
		return v, nil
	}
	m, err := syncproto.DecodeMessage(data)
	if err != nil {
		return serverView{}, fmt.Errorf("%w: %v", errSyncMessage, err)
	}
	if err := syncproto.Receive(ds.graph, ds.gs, m); err != nil {
		return serverView{}, fmt.Errorf("receive sync message: %w", err)
	}
	return viewOf(m), nil
}

// next returns the next sync message for the server, if there is one.
func (ds *docState) next() ([]byte, bool) {
	if ds.graph == nil {
		sm, ok := ds.ss.GenerateMessage()
		if !ok {
			return nil, false
		}
		return sm.Bytes(), true
	}
	m, ok := syncproto.Generate(ds.graph, ds.gs)
	if !ok {
		return nil, false
	}
	return m.Encode(), true
}

// heads returns the heads of the client's copy.
func (ds *docState) heads() []crdt.ChangeHash {
	if ds.graph == nil {
		return ds.doc.Heads()
	}
	return changeHashes(ds.graph.Heads())
}

// held returns the hashes of every change the client's copy holds.
func (ds *docState) held() (map[crdt.ChangeHash]bool, error) {
	var hashes []crdt.ChangeHash
	if ds.graph != nil {
		hashes = changeHashes(ds.graph.AppliedFrom(0))
	} else {
		chs, err := ds.doc.Changes()
		if err != nil {
			return nil, fmt.Errorf("doc %s: %w", ds.id, err)
		}
		for _, c := range chs {
			hashes = append(hashes, c.Hash())
		}
	}
	out := make(map[crdt.ChangeHash]bool, len(hashes))
	for _, h := range hashes {
		out[h] = true
	}
	return out, nil
}
