package main

import "sync"

// mailbox is one worker's FIFO of frames from the read loop. Unlike a
// channel sized for the worst case, it holds memory only for frames
// actually waiting (a client has one per worker, and the collector scans a
// channel's whole buffer), and the worker takes every waiting frame at
// once. put blocks while limit frames wait, so a stalled worker slows the
// reader instead of growing the queue.
type mailbox struct {
	limit int

	mu     sync.Mutex
	items  []inbound
	closed bool
	ready  chan struct{} // holds a token when items were added or the box closed
	room   chan struct{} // holds a token when items were taken
}

func newMailbox(limit int) *mailbox {
	return &mailbox{limit: max(limit, 1), ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// put appends in, waiting while the mailbox is full. It reports false if
// the mailbox is closed.
func (m *mailbox) put(in inbound) bool {
	for {
		m.mu.Lock()
		if m.closed {
			m.mu.Unlock()
			return false
		}
		if len(m.items) < m.limit {
			m.items = append(m.items, in)
			m.mu.Unlock()
			notify(m.ready)
			return true
		}
		m.mu.Unlock()
		<-m.room
	}
}

// take returns every waiting frame, in order, blocking until there is one.
// spare, a slice take returned before and the caller is done with, becomes
// the next buffer for put. take reports false once the mailbox is closed
// and drained.
func (m *mailbox) take(spare []inbound) ([]inbound, bool) {
	for {
		m.mu.Lock()
		if len(m.items) > 0 {
			out := m.items
			clear(spare) // drop the frames' bytes before the slice is reused
			m.items = spare[:0]
			m.mu.Unlock()
			notify(m.room)
			return out, true
		}
		if m.closed {
			m.mu.Unlock()
			return nil, false
		}
		m.mu.Unlock()
		<-m.ready
	}
}

// close wakes the worker and a blocked put; frames already in the mailbox
// are still taken.
func (m *mailbox) close() {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	notify(m.ready)
	notify(m.room)
}

// notify leaves a token in ch unless one is already there.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
