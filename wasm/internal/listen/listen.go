// Package listen holds callback sets for the core's subscriptions
// (onStatus, onNoteChange, onError): callbacks run in subscription order,
// outside the set's lock, so a callback may subscribe, unsubscribe or call
// back into the core.
package listen

import (
	"sort"
	"sync"
)

// Set is a set of callbacks. The zero value is ready to use.
type Set[T any] struct {
	mu   sync.Mutex
	fns  map[int]func(T)
	next int
}

// Add adds fn and returns the function that removes it.
func (l *Set[T]) Add(fn func(T)) func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fns == nil {
		l.fns = map[int]func(T){}
	}
	n := l.next
	l.next++
	l.fns[n] = fn
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.fns, n)
	}
}

// Call calls every callback with v.
func (l *Set[T]) Call(v T) {
	l.mu.Lock()
	keys := make([]int, 0, len(l.fns))
	for k := range l.fns {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	fns := make([]func(T), 0, len(keys))
	for _, k := range keys {
		fns = append(fns, l.fns[k])
	}
	l.mu.Unlock()
	for _, fn := range fns {
		fn(v)
	}
}
