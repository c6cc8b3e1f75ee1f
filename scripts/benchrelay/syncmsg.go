package main

import (
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/crdt/syncproto"
)

// errSyncMessage marks bytes that are not an Automerge sync message.
var errSyncMessage = errors.New("malformed sync message")

// serverView is what a sync message says about its sender's copy of a
// document: its heads, and the heads it believes both sides share (the
// lastSync of each "have" entry). The generator uses it to decide when the
// server has an edit (trap 13 of docs/automerge-repo-wire.md: on a document
// others edit, lastSync can be checked locally when heads cannot).
type serverView struct {
	Heads    []crdt.ChangeHash
	LastSync []crdt.ChangeHash
}

// parseSyncHeader reads the heads and the have entries' lastSync hashes of
// an Automerge sync message with the sync protocol's own decoder. The
// engines' APIs expose a message's heads but not its have entries.
func parseSyncHeader(b []byte) (serverView, error) {
	m, err := syncproto.DecodeMessage(b)
	if err != nil {
		return serverView{}, fmt.Errorf("%w: %v", errSyncMessage, err)
	}
	return viewOf(m), nil
}

// viewOf is what decoded message m says about its sender's copy.
func viewOf(m *syncproto.Message) serverView {
	v := serverView{Heads: changeHashes(m.Heads)}
	for _, h := range m.Have {
		v.LastSync = append(v.LastSync, changeHashes(h.LastSync)...)
	}
	return v
}

func changeHashes[H ~[32]byte](hs []H) []crdt.ChangeHash {
	out := make([]crdt.ChangeHash, len(hs))
	for i, h := range hs {
		out[i] = crdt.ChangeHash(h)
	}
	return out
}
