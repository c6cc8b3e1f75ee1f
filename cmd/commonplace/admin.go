package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/commonplace/commonplace/server/access"
)

// The admin socket lets the maintenance commands reach a data directory
// that a running server holds open (Badger admits one process). It is a
// unix socket inside the data directory, mode 0600, so only the user who
// runs the server can use it; the protocol is plain HTTP and JSON:
//
//	POST /v1/tokens                        {"workspace","label"} → {"token","secret"}
//	GET  /v1/tokens?workspace=W            → {"tokens":[...]}
//	POST /v1/tokens/{id}/revoke            → {"token"}
//	GET  /v1/backup                        → Badger backup stream (error in trailer)
//	GET  /v1/workspaces/{name}/documents   → {"documents":[ids]}
//	GET  /v1/documents/{id}                → concatenated Automerge chunks
//
// Errors are {"error": text, "code": code}; code names the sentinel error
// the client maps back (unknown_token, no_document).

const adminSocketName = "admin.sock"

// errorTrailer carries an error that happened after a streamed response
// had started.
const errorTrailer = "Commonplace-Error"

func adminSocketPath(dataDir string) string { return filepath.Join(dataDir, adminSocketName) }

// adminHandler exposes op over HTTP.
func adminHandler(op operator, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Workspace, Label string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			writeAdminError(w, fmt.Errorf("decode request: %w", err), http.StatusBadRequest)
			return
		}
		tok, secret, err := op.CreateToken(r.Context(), req.Workspace, req.Label)
		if err != nil {
			writeAdminError(w, err, http.StatusBadRequest)
			return
		}
		log.Info("token created over admin socket", "id", tok.ID, "workspace", tok.Workspace)
		writeJSON(w, http.StatusCreated, createTokenReply{Token: tok, Secret: secret})
	})
	mux.HandleFunc("GET /v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		toks, err := op.ListTokens(r.Context(), r.URL.Query().Get("workspace"))
		if err != nil {
			writeAdminError(w, err, http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, listTokensReply{Tokens: toks})
	})
	mux.HandleFunc("POST /v1/tokens/{id}/revoke", func(w http.ResponseWriter, r *http.Request) {
		tok, err := op.RevokeToken(r.Context(), r.PathValue("id"))
		if err != nil {
			writeAdminError(w, err, http.StatusInternalServerError)
			return
		}
		log.Info("token revoked over admin socket", "id", tok.ID, "workspace", tok.Workspace)
		writeJSON(w, http.StatusOK, revokeTokenReply{Token: tok})
	})
	mux.HandleFunc("GET /v1/backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", errorTrailer)
		w.Header().Set("Content-Type", "application/octet-stream")
		if err := op.Backup(r.Context(), w); err != nil {
			log.Error("backup over admin socket failed", "err", err)
			w.Header().Set(errorTrailer, err.Error())
		}
	})
	mux.HandleFunc("GET /v1/workspaces/{name}/documents", func(w http.ResponseWriter, r *http.Request) {
		ids, err := op.DocumentIDs(r.Context(), r.PathValue("name"))
		if err != nil {
			writeAdminError(w, err, http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, documentsReply{Documents: ids})
	})
	mux.HandleFunc("GET /v1/documents/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, err := op.Document(r.Context(), r.PathValue("id"))
		if err != nil {
			writeAdminError(w, err, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(b)
	})
	return mux
}

type createTokenReply struct {
	Token  access.Token `json:"token"`
	Secret string       `json:"secret"`
}

type listTokensReply struct {
	Tokens []access.Token `json:"tokens"`
}

type revokeTokenReply struct {
	Token access.Token `json:"token"`
}

type documentsReply struct {
	Documents []string `json:"documents"`
}

type adminError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

// sentinels maps the errors callers branch on to their wire codes.
func sentinels() map[string]error {
	return map[string]error{
		"unknown_token": access.ErrUnknownToken,
		"no_document":   errNoDocument,
	}
}

func writeAdminError(w http.ResponseWriter, err error, status int) {
	e := adminError{Error: err.Error()}
	for code, sentinel := range sentinels() {
		if errors.Is(err, sentinel) {
			e.Code = code
			status = http.StatusNotFound
		}
	}
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// adminServer is the admin socket's listener and HTTP server.
type adminServer struct {
	path string
	srv  *http.Server
	done chan error
}

// listenAdmin starts the admin socket in dataDir. A socket file left by a
// killed server is removed; one a live server answers on is an error.
func listenAdmin(ctx context.Context, dataDir string, op operator, log *slog.Logger) (*adminServer, error) {
	path := adminSocketPath(dataDir)
	if c, ok := dialAdmin(ctx, dataDir); ok {
		c.Close()
		return nil, fmt.Errorf("admin socket %s: %w", path, errServerRunning)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove stale admin socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	// The data directory is created 0700, so the socket is never reachable
	// by others even before this chmod.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket permissions: %w", err)
	}
	a := &adminServer{
		path: path,
		srv:  &http.Server{Handler: adminHandler(op, log), ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { a.done <- a.srv.Serve(ln) }()
	return a, nil
}

// Close stops the admin socket and removes its file.
func (a *adminServer) Close(ctx context.Context) error {
	err := a.srv.Shutdown(ctx)
	if serr := <-a.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if rerr := os.Remove(a.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}
