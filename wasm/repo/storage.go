package repo

import (
	"context"
	"errors"
)

// ErrStorage wraps every failure of a Storage, so the app can tell the user
// that the device's storage is full or failing ("quota").
var ErrStorage = errors.New("repo: storage failed")

// Entry is one stored key and value.
type Entry struct {
	Key   string
	Value []byte
}

// Op is one write of a batch: Value under Key, or Key removed if Delete.
type Op struct {
	Key    string
	Value  []byte
	Delete bool
}

// Storage is where a Repo keeps its documents: a flat, ordered key/value
// space. The browser implements it with IndexedDB, tests with Memory.
type Storage interface {
	// List returns every entry whose key starts with prefix, in key order.
	List(ctx context.Context, prefix string) ([]Entry, error)
	// Write applies ops atomically and returns once they are durable
	// (for IndexedDB: the transaction's complete event fired).
	Write(ctx context.Context, ops []Op) error
}
