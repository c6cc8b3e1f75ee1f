// Package access decides who may sync what: workspaces, the bearer tokens
// that admit a client to one workspace, and which workspace owns each
// document. It keeps everything in a store.Store under {"access", ...}, so
// a backup of the store carries it.
//
// A document belongs to the first workspace that claims it (the relay
// claims a document when a client first syncs it); other workspaces can
// never open it. Tokens are shown once at creation and stored only as
// hashes.
package access

import (
	"errors"
	"sync"
	"time"

	"github.com/commonplace/commonplace/server/store"
)

// Sentinel errors.
var (
	// ErrBadToken: Authenticate was given a secret that is malformed,
	// unknown or revoked. It does not say which, on purpose.
	ErrBadToken = errors.New("access: bad token")
	// ErrUnknownToken: no token has the ID given to RevokeToken.
	ErrUnknownToken = errors.New("access: unknown token")
	// ErrNotFound: the document has not been claimed by any workspace.
	ErrNotFound = errors.New("access: not found")
	// ErrInvalid: a workspace name, label or document ID breaks the rules.
	ErrInvalid = errors.New("access: invalid argument")
)

// Token is a bearer token's public record; its secret is never stored.
type Token struct {
	ID        string // short public identifier, for listing and revoking
	Workspace string
	Label     string // free text from the operator, e.g. "ana's laptop"
	Created   time.Time
	Revoked   bool
}

// Service answers access questions from a store. It is safe for concurrent
// use. Use one Service per store in a process: ClaimDoc and RevokeToken
// serialise through the Service's own mutex.
type Service struct {
	st  store.Store
	now func() time.Time

	// mu makes read-modify-write sequences atomic within this process:
	// claiming a document, creating and revoking tokens.
	mu sync.Mutex

	// owners caches document owners. A claim never changes once made,
	// so a cached owner cannot go stale; only found owners are cached
	// (an unclaimed document may be claimed any moment). The relay asks
	// for every incoming message, and a store read there queues behind
	// in-flight commits.
	ownersMu sync.Mutex
	owners   map[string]string
}

// maxCachedOwners bounds the owner cache; past it an arbitrary entry
// makes room.
const maxCachedOwners = 1 << 16

// New returns a Service on s.
func New(s store.Store) *Service {
	return &Service{st: s, now: time.Now, owners: map[string]string{}}
}

// Keys under which access data lives.
const keyRoot = "access"

func workspaceKey(name string) store.Key { return store.Key{keyRoot, "workspace", name} }
func tokenKey(id string) store.Key       { return store.Key{keyRoot, "token", id} }
func docKey(id string) store.Key         { return store.Key{keyRoot, "doc", id} }
