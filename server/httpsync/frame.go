package httpsync

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// Frame tells the Durable Object what to do with one frame a socket
// sent; every protocol decision is made here, in Go, so the JavaScript
// only routes bytes.
type Frame struct {
	// Peer is set by a join: the peerId the socket is now.
	Peer string `json:"peer,omitempty"`
	// Replies are frames to send back on the same socket, in order.
	Replies [][]byte `json:"replies,omitempty"`
	// Open lists documents the socket now has open.
	Open []string `json:"open,omitempty"`
	// Changed lists documents whose heads moved: announce them to the
	// other sockets that have them open.
	Changed []string `json:"changed,omitempty"`
	// Forward is an ephemeral frame for the other sockets that have Doc
	// open (only if this socket has it open too).
	Forward *Forward `json:"forward,omitempty"`
	// Close, when set, is the reason to close the socket after sending
	// Replies.
	Close string `json:"close,omitempty"`
}

// Forward is an ephemeral message to relay: one frame for each other
// peer of the room (named in OthersHeader), to send to those that have
// Doc open.
type Forward struct {
	Doc    string            `json:"doc"`
	Frames map[string][]byte `json:"frames"`
}

// OthersHeader lists, comma-separated, the peerIds of the room's other
// joined sockets, so an ephemeral frame can be addressed to each.
const OthersHeader = "X-Commonplace-Others"

// maxOthers bounds the peers one ephemeral frame is addressed to.
const maxOthers = 1024

// maxFrame bounds one WebSocket frame handed to /internal/frame.
const maxFrame = 16 << 20

func (e *Edge) frame(w http.ResponseWriter, r *http.Request) {
	ws, id := r.Header.Get(WorkspaceHeader), r.Header.Get(TokenIDHeader)
	if ws == "" || id == "" {
		http.Error(w, "missing workspace or token id", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFrame+1))
	if err != nil {
		http.Error(w, "read frame", http.StatusBadRequest)
		return
	}
	var others []string
	if o := r.Header.Get(OthersHeader); o != "" {
		others = strings.Split(o, ",")
	}
	if len(others) > maxOthers {
		http.Error(w, "too many peers", http.StatusBadRequest)
		return
	}
	f := e.handleFrame(r, access.Token{ID: id, Workspace: ws}, r.Header.Get(PeerHeader), others, body)
	writeJSON(w, f)
}

func (e *Edge) handleFrame(r *http.Request, tok access.Token, peer string, others []string, body []byte) Frame {
	codec := e.cfg.Handler.Codec
	if len(body) > maxFrame {
		return e.fail("frame too large")
	}
	m, err := codec.Decode(body)
	switch {
	case errors.Is(err, wire.ErrUnknownType):
		return Frame{} // a newer client's message: ignore it
	case err != nil:
		return e.fail("malformed message")
	}
	if m.Type == wire.TypeJoin {
		return e.join(r, m)
	}
	if peer == "" {
		return e.fail("expected join first")
	}
	if m.SenderID != peer {
		return Frame{} // not from the joined peer: ignored, as the relay does
	}
	switch m.Type {
	case wire.TypeRequest, wire.TypeSync:
		if !docsync.ValidID(m.DocumentID) {
			return e.fail("invalid documentId")
		}
		res, err := e.cfg.Syncer.Sync(r.Context(), tok, peer, []wire.Message{m})
		if errors.Is(err, docsync.ErrBadSyncMessage) {
			return e.fail("bad sync message")
		}
		if err != nil {
			e.cfg.Handler.Logger.Error("edge sync", "doc", m.DocumentID, "err", err)
			return e.fail("internal error")
		}
		f := Frame{Changed: res.Changed}
		open := true
		for _, rep := range res.Replies {
			open = open && rep.Type != wire.TypeDocUnavailable
			f.Replies = append(f.Replies, e.encode(rep, peer))
		}
		if open {
			f.Open = []string{m.DocumentID}
		}
		return f
	case wire.TypeEphemeral:
		if !docsync.ValidID(m.DocumentID) {
			return Frame{}
		}
		fw := &Forward{Doc: m.DocumentID, Frames: map[string][]byte{}}
		for _, o := range others {
			m.TargetID = o // the originator stays the sender
			if b, err := codec.Encode(m); err == nil {
				fw.Frames[o] = b
			}
		}
		return Frame{Forward: fw}
	default:
		return Frame{} // doc-unavailable, remote-*, peer, error: ignored
	}
}

func (e *Edge) join(r *http.Request, m wire.Message) Frame {
	if m.SenderID == "" || len(m.SenderID) > maxPeerID {
		return e.fail("join without a usable senderId")
	}
	if len(m.SupportedProtocolVersions) > 0 && !slices.Contains(m.SupportedProtocolVersions, wire.ProtocolV1) {
		return e.fail("unsupported protocol version")
	}
	sid, err := StorageID(r.Context(), e.cfg.Store)
	if err != nil {
		return e.fail("internal error")
	}
	peer := wire.Message{
		Type:                    wire.TypePeer,
		PeerMetadata:            &wire.PeerMetadata{StorageID: sid, IsEphemeral: false},
		SelectedProtocolVersion: wire.ProtocolV1,
	}
	return Frame{Peer: m.SenderID, Replies: [][]byte{e.encode(peer, m.SenderID)}}
}

// encode stamps m as from the relay to peer and encodes it; a message
// built here always encodes.
func (e *Edge) encode(m wire.Message, peer string) []byte {
	m.SenderID, m.TargetID = e.cfg.Handler.PeerID, peer
	b, err := e.cfg.Handler.Codec.Encode(m)
	if err != nil {
		e.cfg.Handler.Logger.Error("encode", "type", m.Type, "err", err)
	}
	return b
}

func (e *Edge) fail(reason string) Frame {
	// An error needs a targetId; before a join the peer has no name yet.
	return Frame{Replies: [][]byte{e.encode(wire.Message{Type: wire.TypeError, Message: reason}, "unjoined")}, Close: reason}
}

// Announcement maps each peer asked for to the frame that announces the
// document to it.
type Announcement struct {
	Frames map[string][]byte `json:"frames"`
}

func (e *Edge) announce(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	doc, to := q.Get("doc"), q["to"]
	if !docsync.ValidID(doc) || len(to) == 0 || len(to) > 1024 {
		http.Error(w, "want doc=ID and to=peer…", http.StatusBadRequest)
		return
	}
	data, ok, err := e.cfg.Syncer.Announce(r.Context(), doc)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	a := Announcement{Frames: map[string][]byte{}}
	if ok {
		for _, p := range to {
			a.Frames[p] = e.encode(wire.Message{Type: wire.TypeSync, DocumentID: doc, Data: data}, p)
		}
	}
	writeJSON(w, a)
}
