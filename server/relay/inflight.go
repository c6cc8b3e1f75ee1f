package relay

import "sync"

// maxInflight bounds the sync messages one connection has waiting in
// document queues. Its reader hands messages to documents without
// waiting for them, so a slow document does not hold up the client's
// other documents and a cold sync of many documents runs in parallel;
// past the bound the reader waits, so a flood cannot grow the relay.
const maxInflight = 32

// inflight counts a connection's sync messages handed to documents and
// not yet done. The zero value is ready to use.
type inflight struct {
	mu   sync.Mutex
	cond sync.Cond
	n    int
}

// acquire counts one more message, first waiting while maxInflight are
// in flight.
func (f *inflight) acquire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cond.L = &f.mu
	for f.n >= maxInflight {
		f.cond.Wait()
	}
	f.n++
}

// release marks one message done.
func (f *inflight) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	f.cond.L = &f.mu
	f.cond.Broadcast()
}

// wait returns once no message is in flight: before the session ends
// (its documents must not be opened again for it afterwards) and before
// messages that act on what earlier sync messages did.
func (f *inflight) wait() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cond.L = &f.mu
	for f.n > 0 {
		f.cond.Wait()
	}
}
