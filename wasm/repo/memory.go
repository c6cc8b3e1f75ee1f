package repo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Memory is an in-memory Storage for tests and for runs without IndexedDB
// (Node). It can be told to fail, to exercise the app's quota handling.
type Memory struct {
	mu   sync.Mutex
	m    map[string][]byte
	fail error
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{m: map[string][]byte{}} }

// FailWrites makes every later Write fail with err (nil heals it).
func (s *Memory) FailWrites(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// List implements Storage.
func (s *Memory) List(_ context.Context, prefix string) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Entry
	for k, v := range s.m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, Entry{Key: k, Value: append([]byte(nil), v...)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Write implements Storage.
func (s *Memory) Write(_ context.Context, ops []Op) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return fmt.Errorf("memory write: %w: %w", s.fail, ErrStorage)
	}
	for _, op := range ops {
		if op.Delete {
			delete(s.m, op.Key)
			continue
		}
		s.m[op.Key] = append([]byte(nil), op.Value...)
	}
	return nil
}

// Len is the number of stored keys.
func (s *Memory) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
