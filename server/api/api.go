// Package api is the relay's small HTTP API for the field app, mounted at
// /api/. The app needs three things the sync protocol cannot say: whether
// an invite token is good (and which workspace it opens), which document
// is the workspace's root (so every device starts from the same one), and
// a personal space of its own that syncs only between one person's
// devices. Everything is keyed in the relay's store under {"api", ...}.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store"
)

// Version is the API version the session endpoint reports; the app refuses
// a relay whose major version differs.
const Version = 1

// ProtocolVersion is the automerge-repo protocol the relay speaks.
const ProtocolVersion = "1"

// maxBody bounds a request body.
const maxBody = 4 << 10

// Error codes in JSON error bodies.
const (
	CodeInvalid    = "invalid"     // the token is unknown, malformed or revoked
	CodeBadRequest = "bad-request" // the body or a field is wrong
	CodeMethod     = "method"      // wrong HTTP method
	CodeNotFound   = "not-found"
	CodeInternal   = "internal"
)

// Handler serves the API. Create it with New.
type Handler struct {
	acc *access.Service
	st  store.Store
	log *slog.Logger
	mux *http.ServeMux
	// mu serialises first-writer-wins updates: the store has no
	// compare-and-set, and one relay process owns its store.
	mu sync.Mutex
}

// New returns the API on the relay's access service and store. log may be nil.
func New(acc *access.Service, st store.Store, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{acc: acc, st: st, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("/api/session", h.authed(http.MethodGet, h.session))
	h.mux.HandleFunc("/api/workspace-doc", h.authed(http.MethodPut, h.workspaceDoc))
	h.mux.HandleFunc("/api/personal", h.authed(http.MethodPost, h.personal))
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "no such endpoint")
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// authed checks the method and the bearer token before calling next.
func (h *Handler) authed(method string, next func(http.ResponseWriter, *http.Request, access.Token)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, CodeMethod, "use "+method)
			return
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			writeError(w, http.StatusUnauthorized, CodeInvalid, "missing bearer token")
			return
		}
		tok, err := h.acc.Authenticate(r.Context(), secret)
		if errors.Is(err, access.ErrBadToken) {
			// access does not say whether a token was revoked or never
			// existed, on purpose; the app tells the two apart by context.
			writeError(w, http.StatusUnauthorized, CodeInvalid, "token refused")
			return
		}
		if err != nil {
			h.internal(w, "authenticate", err)
			return
		}
		next(w, r, tok)
	}
}

func (h *Handler) internal(w http.ResponseWriter, what string, err error) {
	h.log.Error("api", "op", what, "err", err)
	writeError(w, http.StatusInternalServerError, CodeInternal, "internal error")
}

type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Session is the answer of GET /api/session.
type Session struct {
	Workspace       string  `json:"workspace"`
	ProtocolVersion string  `json:"protocolVersion"`
	APIVersion      int     `json:"apiVersion"`
	WorkspaceDoc    *string `json:"workspaceDoc"`
	// Personal is true for a personal space's token.
	Personal bool `json:"personal"`
}

func (h *Handler) session(w http.ResponseWriter, r *http.Request, tok access.Token) {
	doc, err := h.loadString(r.Context(), workspaceDocKey(tok.Workspace))
	if err != nil {
		h.internal(w, "session", err)
		return
	}
	parent, err := h.loadString(r.Context(), personalKey(tok.Workspace))
	if err != nil {
		h.internal(w, "session", err)
		return
	}
	writeJSON(w, http.StatusOK, Session{Workspace: tok.Workspace, ProtocolVersion: ProtocolVersion,
		APIVersion: Version, WorkspaceDoc: doc, Personal: parent != nil})
}

// WorkspaceDoc is the body and answer of PUT /api/workspace-doc.
type WorkspaceDoc struct {
	WorkspaceDoc string `json:"workspaceDoc"`
}

func (h *Handler) workspaceDoc(w http.ResponseWriter, r *http.Request, tok access.Token) {
	var in WorkspaceDoc
	if err := decodeBody(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	if !validDocID(in.WorkspaceDoc) {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "workspaceDoc must be an automerge-repo document ID")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	key := workspaceDocKey(tok.Workspace)
	cur, err := h.loadString(r.Context(), key)
	if err != nil {
		h.internal(w, "workspace-doc", err)
		return
	}
	if cur != nil {
		writeJSON(w, http.StatusOK, WorkspaceDoc{WorkspaceDoc: *cur})
		return
	}
	if err := h.st.Put(r.Context(), key, []byte(in.WorkspaceDoc)); err != nil {
		h.internal(w, "workspace-doc", err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// Personal is the answer of POST /api/personal.
type Personal struct {
	Workspace string `json:"workspace"`
	Token     string `json:"token"`
}

func (h *Handler) personal(w http.ResponseWriter, r *http.Request, tok access.Token) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		h.internal(w, "personal", err)
		return
	}
	name := "personal-" + hex.EncodeToString(rnd[:])
	// Record the space as personal before its token exists, so a session
	// with the token never sees it as a team workspace.
	if err := h.st.Put(r.Context(), personalKey(name), []byte(tok.Workspace)); err != nil {
		h.internal(w, "personal", err)
		return
	}
	_, secret, err := h.acc.CreateToken(r.Context(), name, "personal space from "+tok.Workspace)
	if err != nil {
		h.internal(w, "personal", err)
		return
	}
	writeJSON(w, http.StatusCreated, Personal{Workspace: name, Token: secret})
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad JSON body: %w", err)
	}
	return nil
}

// validDocID accepts automerge-repo document IDs (base58 text) and nothing
// that could break a store key.
func validDocID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", c) {
			return false
		}
	}
	return true
}

func workspaceDocKey(ws string) store.Key { return store.Key{"api", "workspace-doc", ws} }
func personalKey(ws string) store.Key     { return store.Key{"api", "personal", ws} }

// loadString returns the text under key, or nil if none.
func (h *Handler) loadString(ctx context.Context, key store.Key) (*string, error) {
	b, err := h.st.Load(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", key, err)
	}
	s := string(b)
	return &s, nil
}
