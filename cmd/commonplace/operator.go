package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
)

// errServerRunning is returned by commands that cannot run while `serve`
// holds the data directory (restore).
var errServerRunning = errors.New("a commonplace server is running on this data directory")

// operator is what the maintenance commands need from a data directory.
// Two implementations exist: local, which opens the store in this process,
// and adminClient, which asks a running server over its admin socket.
type operator interface {
	CreateToken(ctx context.Context, workspace, label string) (access.Token, string, error)
	ListTokens(ctx context.Context, workspace string) ([]access.Token, error)
	RevokeToken(ctx context.Context, id string) (access.Token, error)
	// Backup writes Badger's backup stream of the whole store.
	Backup(ctx context.Context, w io.Writer) error
	// DocumentIDs lists the documents of a workspace, sorted.
	DocumentIDs(ctx context.Context, workspace string) ([]string, error)
	// Document returns a document's stored Automerge chunks, concatenated
	// (snapshots first), ready for automerge.Load.
	Document(ctx context.Context, id string) ([]byte, error)
	Close() error
}

// local serves operator requests from a store opened in this process.
// serve builds one with revoke set to the relay's, so that revoking a
// token also closes its connections.
type local struct {
	store  store.Store
	access *access.Service
	revoke func(ctx context.Context, id string) (access.Token, error)
	close  func() error
}

func newLocal(st store.Store, acc *access.Service) *local {
	return &local{store: st, access: acc, revoke: acc.RevokeToken, close: st.Close}
}

// openLocal opens the Badger store in dataDir for a command to use alone.
func openLocal(dataDir string) (*local, error) {
	st, err := openStore(dataDir, nil)
	if err != nil {
		return nil, err
	}
	return newLocal(st, access.New(st)), nil
}

// openStore opens the data directory's Badger store; log receives Badger's
// warnings (nil: slog's default logger).
func openStore(dataDir string, log *slog.Logger) (*badgerstore.Store, error) {
	if err := ensureDataDir(dataDir); err != nil {
		return nil, err
	}
	st, err := badgerstore.Open(storeDir(dataDir), badgerstore.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	return st, nil
}

// ensureDataDir creates a data directory readable by its owner only: it
// holds the admin socket and every token.
func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return nil
}

// storeDir is where Badger keeps its files inside a data directory; the
// admin socket sits beside it.
func storeDir(dataDir string) string { return filepath.Join(dataDir, "badger") }

// connect returns an operator for dataDir: the running server's admin
// socket when one answers, else the store opened directly.
func connect(ctx context.Context, dataDir string) (operator, error) {
	if c, ok := dialAdmin(ctx, dataDir); ok {
		return c, nil
	}
	return openLocal(dataDir)
}

func (l *local) CreateToken(ctx context.Context, workspace, label string) (access.Token, string, error) {
	return l.access.CreateToken(ctx, workspace, label)
}

func (l *local) ListTokens(ctx context.Context, workspace string) ([]access.Token, error) {
	return l.access.ListTokens(ctx, workspace)
}

func (l *local) RevokeToken(ctx context.Context, id string) (access.Token, error) {
	return l.revoke(ctx, id)
}

func (l *local) Backup(ctx context.Context, w io.Writer) error {
	b, ok := l.store.(interface{ Backup(io.Writer) error })
	if !ok {
		return fmt.Errorf("backup: store %T cannot back up", l.store)
	}
	return b.Backup(w)
}

func (l *local) DocumentIDs(ctx context.Context, workspace string) ([]string, error) {
	return workspaceDocuments(ctx, l.store, l.access, workspace)
}

func (l *local) Document(ctx context.Context, id string) ([]byte, error) {
	return loadDocumentBytes(ctx, l.store, id)
}

func (l *local) Close() error { return l.close() }
