package httpsync

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// ContentType is the media type of request and response bodies.
const ContentType = "application/cbor"

// DefaultMaxBody bounds a request body.
const DefaultMaxBody = 16 << 20

// maxPeerID bounds a peerId, as docsync.MaxIDLength bounds a documentId.
const maxPeerID = docsync.MaxIDLength

// Config builds a Handler.
type Config struct {
	Access *access.Service
	Syncer Syncer
	// PeerID is the relay's automerge-repo peerId, the senderId of every
	// reply.
	PeerID string
	// MaxBody bounds a request body; zero means DefaultMaxBody.
	MaxBody int64
	// Codec bounds each message; nil means wire's defaults.
	Codec  *wire.Codec
	Logger *slog.Logger
	// ExposeWorkspace adds RoomHeader (the token's workspace) to a
	// response that changed documents. The Workers entry point uses it to
	// tell the workspace's room, and strips it before the peer sees it.
	ExposeWorkspace bool
}

// Handler serves the HTTP sync endpoint. Mount it at /sync/http.
type Handler struct{ cfg Config }

// NewHandler returns the endpoint's handler.
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Access == nil || cfg.Syncer == nil || cfg.PeerID == "" {
		return nil, errors.New("httpsync: Access, Syncer and PeerID are required")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Codec == nil {
		c, err := wire.NewCodec(wire.DefaultLimits())
		if err != nil {
			return nil, fmt.Errorf("httpsync: %w", err)
		}
		cfg.Codec = c
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg}, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	tok, err := h.cfg.Access.Authenticate(r.Context(), BearerToken(r))
	if err != nil {
		if !errors.Is(err, access.ErrBadToken) {
			h.cfg.Logger.Error("authenticate", "err", err)
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="commonplace"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	h.exchange(w, r, tok)
}

// exchange decodes the batch, syncs it for tok's workspace and writes the
// replies.
func (h *Handler) exchange(w http.ResponseWriter, r *http.Request, tok access.Token) {
	msgs, peer, status, err := h.readBatch(r)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	res, err := h.cfg.Syncer.Sync(r.Context(), tok, peer, msgs)
	if errors.Is(err, docsync.ErrBadSyncMessage) {
		http.Error(w, "bad sync message", http.StatusBadRequest)
		return
	}
	if err != nil {
		h.cfg.Logger.Error("http sync", "workspace", tok.Workspace, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	for _, c := range res.Changed {
		w.Header().Add(ChangedHeader, c)
	}
	if h.cfg.ExposeWorkspace && len(res.Changed) > 0 {
		w.Header().Set(RoomHeader, tok.Workspace)
	}
	h.writeBatch(w, peer, res.Replies)
}

// ChangedHeader lists (one header line each) the documents whose heads a
// request moved.
const ChangedHeader = "X-Commonplace-Changed"

// RoomHeader carries the workspace of a changing request to the Workers
// entry point (see Config.ExposeWorkspace).
const RoomHeader = "X-Commonplace-Room"

func (h *Handler) readBatch(r *http.Request) ([]wire.Message, string, int, error) {
	// io.ReadAll, not io.Copy: the Workers runtime's body stream does not
	// support the WriterTo path io.Copy takes.
	body, err := io.ReadAll(io.LimitReader(r.Body, h.cfg.MaxBody+1))
	if err != nil {
		return nil, "", http.StatusBadRequest, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > h.cfg.MaxBody {
		return nil, "", http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", h.cfg.MaxBody)
	}
	msgs, err := DecodeBatch(h.cfg.Codec, body)
	if err != nil {
		return nil, "", http.StatusBadRequest, err
	}
	peer, err := checkBatch(msgs)
	if err != nil {
		return nil, "", http.StatusBadRequest, err
	}
	return msgs, peer, 0, nil
}

// checkBatch requires one sender for the whole batch and a usable
// documentId on every request and sync; it returns the sender.
func checkBatch(msgs []wire.Message) (string, error) {
	peer := msgs[0].SenderID
	if peer == "" || len(peer) > maxPeerID {
		return "", fmt.Errorf("%w: senderId missing or too long", ErrBadBatch)
	}
	for i, m := range msgs {
		if m.SenderID != peer {
			return "", fmt.Errorf("%w: message %d has another senderId", ErrBadBatch, i)
		}
		if (m.Type == wire.TypeRequest || m.Type == wire.TypeSync) && !docsync.ValidID(m.DocumentID) {
			return "", fmt.Errorf("%w: message %d: invalid documentId", ErrBadBatch, i)
		}
	}
	return peer, nil
}

func (h *Handler) writeBatch(w http.ResponseWriter, peer string, replies []wire.Message) {
	for i := range replies {
		replies[i].SenderID = h.cfg.PeerID
		replies[i].TargetID = peer
	}
	body, err := EncodeBatch(h.cfg.Codec, replies)
	if err != nil {
		h.cfg.Logger.Error("encode replies", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// BearerToken returns the token of an "Authorization: Bearer T" header,
// or "".
func BearerToken(r *http.Request) string {
	a := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(a) > len(p) && strings.EqualFold(a[:len(p)], p) {
		return strings.TrimSpace(a[len(p):])
	}
	return ""
}
