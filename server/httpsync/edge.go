package httpsync

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store"
)

// EdgeConfig builds the Workers relay's handler.
type EdgeConfig struct {
	Handler Config
	// Store is where the edge keeps its storageId.
	Store store.Store
	// Syncer is also the announcer for live updates.
	Syncer *StoreSyncer
	// AdminToken, when set, enables POST /admin/tokens for a caller that
	// presents it as a bearer token.
	AdminToken string
}

// Edge is the handler the Workers build serves, all in one:
//
//	POST /sync/http          the HTTP sync endpoint (Handler)
//	GET  /healthz            "ok"
//	POST /admin/tokens       create a workspace token (AdminToken only)
//	POST /admin/revoke       revoke a token by id (AdminToken only)
//	POST /internal/auth      bearer token → {workspace, tokenId, peerId, storageId}
//	POST /internal/frame     one WebSocket frame from a socket of the
//	                         workspace and token named in the headers
//	                         → what the Durable Object must do (Frame)
//	GET  /internal/announce  ?doc=ID&to=P… → a frame for each peer P
//	                         announcing ID's state (Announcement)
//
// The /internal/ routes trust their headers: the worker's JavaScript
// entry point refuses every outside request under /internal/ and calls
// them only from the Durable Object that holds the WebSockets.
type Edge struct {
	h   *Handler
	cfg EdgeConfig
	mux *http.ServeMux
}

// Internal request headers.
const (
	WorkspaceHeader = "X-Commonplace-Workspace"
	TokenIDHeader   = "X-Commonplace-Token-Id"
	// PeerHeader carries the peerId the socket joined as, empty before
	// its join.
	PeerHeader = "X-Commonplace-Peer"
)

// NewEdge returns the Workers relay's handler.
func NewEdge(cfg EdgeConfig) (*Edge, error) {
	if cfg.Store == nil || cfg.Syncer == nil {
		return nil, errors.New("httpsync: edge needs Store and Syncer")
	}
	h, err := NewHandler(cfg.Handler)
	if err != nil {
		return nil, err
	}
	cfg.Handler = h.cfg // with its defaults filled in
	e := &Edge{h: h, cfg: cfg, mux: http.NewServeMux()}
	e.mux.Handle("/sync/http", h)
	e.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	e.mux.HandleFunc("POST /admin/tokens", e.createToken)
	e.mux.HandleFunc("POST /admin/revoke", e.revokeToken)
	e.mux.HandleFunc("POST /internal/auth", e.auth)
	e.mux.HandleFunc("POST /internal/frame", e.frame)
	e.mux.HandleFunc("GET /internal/announce", e.announce)
	return e, nil
}

// ServeHTTP implements http.Handler.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (e *Edge) auth(w http.ResponseWriter, r *http.Request) {
	tok, err := e.cfg.Handler.Access.Authenticate(r.Context(), BearerToken(r))
	if err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	sid, err := StorageID(r.Context(), e.cfg.Store)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]string{
		"workspace": tok.Workspace, "tokenId": tok.ID,
		"peerId": e.cfg.Handler.PeerID, "storageId": sid,
	})
}

type tokenRequest struct {
	Workspace string `json:"workspace"`
	Label     string `json:"label"`
}

// admin reads the JSON body of an admin request into v, after checking
// the admin token; false means it already answered.
func (e *Edge) admin(w http.ResponseWriter, r *http.Request, v any) bool {
	got := BearerToken(r)
	if e.cfg.AdminToken == "" || subtle.ConstantTimeCompare([]byte(got), []byte(e.cfg.AdminToken)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		http.Error(w, "body must be a JSON object", http.StatusBadRequest)
		return false
	}
	return true
}

func (e *Edge) createToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if !e.admin(w, r, &req) {
		return
	}
	tok, secret, err := e.cfg.Handler.Access.CreateToken(r.Context(), req.Workspace, req.Label)
	if errors.Is(err, access.ErrInvalid) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]string{"id": tok.ID, "workspace": tok.Workspace, "token": secret})
}

// revokeToken revokes {"id": ...} and answers {"id", "workspace"}. HTTP
// sync and /internal/auth refuse the token from the next request on; the
// worker's JavaScript, seeing the 200, has the workspace's room close the
// WebSockets opened with it.
func (e *Edge) revokeToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID string `json:"id"`
	}
	if !e.admin(w, r, &req) {
		return
	}
	tok, err := e.cfg.Handler.Access.RevokeToken(r.Context(), req.ID)
	if errors.Is(err, access.ErrUnknownToken) {
		http.Error(w, "unknown token", http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]string{"id": tok.ID, "workspace": tok.Workspace})
}

// storageIDKey is where the edge keeps its automerge-repo storageId.
var storageIDKey = store.Key{"edge", "storage-id"}

// StorageID returns the storageId kept in st, creating it on first use.
func StorageID(ctx context.Context, st store.Store) (string, error) {
	b, err := st.Load(ctx, storageIDKey)
	if err == nil && len(b) > 0 {
		return string(b), nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("load storage id: %w", err)
	}
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	if err := st.Put(ctx, storageIDKey, []byte(id)); err != nil {
		return "", fmt.Errorf("save storage id: %w", err)
	}
	return id, nil
}
