// Package memstore is an in-memory store.Store for tests and tools that
// need the contract without a disk. Nothing survives Close.
package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/commonplace/commonplace/server/store"
)

// Store keeps entries in a map guarded by a mutex.
type Store struct {
	mu      sync.RWMutex
	entries map[string]store.Entry // by joined key
	closed  bool
}

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store { return &Store{entries: map[string]store.Entry{}} }

// id joins a valid key unambiguously: components contain no NUL.
func id(k store.Key) string { return strings.Join(k, "\x00") }

// do checks the context and key, then runs f under the lock (exclusive
// if write) unless the store is closed.
func (s *Store) do(ctx context.Context, op string, k store.Key, validate func(store.Key) error, write bool, f func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %v: %w", op, k, err)
	}
	if err := validate(k); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	if s.closed {
		return store.ErrClosed
	}
	return f()
}

func (s *Store) Load(ctx context.Context, key store.Key) ([]byte, error) {
	var v []byte
	err := s.do(ctx, "load", key, store.Key.Validate, false, func() error {
		e, ok := s.entries[id(key)]
		if !ok {
			return fmt.Errorf("load %v: %w", key, store.ErrNotFound)
		}
		v = slices.Clone(e.Value)
		return nil
	})
	return v, err
}

func (s *Store) LoadRange(ctx context.Context, prefix store.Key) ([]store.Entry, error) {
	var out []store.Entry
	err := s.do(ctx, "load range", prefix, store.Key.ValidatePrefix, false, func() error {
		for _, e := range s.entries {
			if e.Key.HasPrefix(prefix) {
				out = append(out, store.Entry{Key: slices.Clone(e.Key), Value: slices.Clone(e.Value)})
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b store.Entry) int { return a.Key.Compare(b.Key) })
	return out, err
}

func (s *Store) Put(ctx context.Context, key store.Key, value []byte) error {
	return s.do(ctx, "put", key, store.Key.Validate, true, func() error {
		s.apply(store.Op{Key: key, Value: value})
		return nil
	})
}

func (s *Store) Delete(ctx context.Context, key store.Key) error {
	return s.do(ctx, "delete", key, store.Key.Validate, true, func() error {
		s.apply(store.Op{Key: key, Delete: true})
		return nil
	})
}

// Close drops every entry. Later calls return store.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.entries = nil
	return nil
}

// Batch implements store.Batcher: every op under one lock.
func (s *Store) Batch(ctx context.Context, ops []store.Op) error {
	if err := store.ValidateOps(ops); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	return s.do(ctx, "batch", ops[0].Key, store.Key.Validate, true, func() error {
		for _, op := range ops {
			s.apply(op)
		}
		return nil
	})
}

// apply makes one write; the caller holds the write lock. Keys and values
// are copied: callers may reuse theirs.
func (s *Store) apply(op store.Op) {
	if op.Delete {
		delete(s.entries, id(op.Key))
		return
	}
	s.entries[id(op.Key)] = store.Entry{Key: slices.Clone(op.Key), Value: slices.Clone(op.Value)}
}

var _ store.Batcher = (*Store)(nil)
