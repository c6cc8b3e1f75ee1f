// Package store defines the key/value contract the relay keeps documents,
// workspaces and tokens in. Backends (Badger, memory, and D1 at the edge)
// live in packages of their own and all pass the suite in storetest.
//
// The contract is deliberately small (load, load by prefix, put, delete, no
// transactions) because D1 offers one statement per call. Callers get
// crash safety from how they name keys, not from atomic batches: a
// compaction writes its snapshot under a new key before deleting the chunks
// it covers, so every moment's state loads to the same document. A backend
// that can commit several writes at once offers Batcher, and Write uses it,
// so those writes cost one disk sync rather than one each.
package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Load when no value is stored under the key.
var ErrNotFound = errors.New("store: not found")

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("store: closed")

// Key is a hierarchical key, e.g. {"doc", id, "incremental", hash}.
// Components are non-empty and contain no NUL byte.
type Key []string

// Entry is one stored key and value.
type Entry struct {
	Key   Key
	Value []byte
}

// Store is a durable key/value store. All methods are safe for concurrent
// use. A Put that returned nil is durable: it survives a crash of the
// process (kill -9) right after it returns.
type Store interface {
	// Load returns the value stored under key, or ErrNotFound.
	Load(ctx context.Context, key Key) ([]byte, error)
	// LoadRange returns every entry whose key starts with prefix
	// (component-wise: {"a"} matches {"a","b"} but not {"ab"}), in key order.
	LoadRange(ctx context.Context, prefix Key) ([]Entry, error)
	// Put stores value under key, replacing any previous value.
	Put(ctx context.Context, key Key, value []byte) error
	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key Key) error
	// Close releases the store. It is safe to call more than once.
	Close() error
}
