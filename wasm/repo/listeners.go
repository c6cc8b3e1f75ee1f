package repo

import (
	"sort"
	"sync"
)

// listeners is a set of callbacks called in subscription order, outside
// any lock so a callback may call back into the repo.
type listeners[T any] struct {
	mu   sync.Mutex
	fns  map[int]func(T)
	next int
}

func (l *listeners[T]) add(fn func(T)) func() {
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

func (l *listeners[T]) call(v T) {
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
