package repo

import (
	"sync"

	"github.com/commonplace/commonplace/wasm/internal/listen"
)

// State is where syncing with the relay stands.
type State string

// The states the app shows.
const (
	Offline    State = "offline"
	Connecting State = "connecting"
	Syncing    State = "syncing"
	UpToDate   State = "up-to-date"
)

// Transport is how the repo reaches the relay.
type Transport string

// The transports: the WebSocket, or HTTP sync (POST /sync/http) while the
// WebSocket keeps failing.
const (
	WebSocket Transport = "websocket"
	HTTP      Transport = "http"
)

// Status is the sync state with the number of local changes the relay has
// not yet confirmed, the last error, if any, and the transport the state
// is about: WebSocket unless Run fell back to HTTP sync.
type Status struct {
	State       State
	Unconfirmed int
	Err         error
	Transport   Transport
}

// statusBox holds the current Status and its listeners.
type statusBox struct {
	mu        sync.Mutex
	cur       Status
	listeners listen.Set[Status]
}

func (b *statusBox) get() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur.State == "" {
		return Status{State: Offline, Transport: WebSocket}
	}
	return b.cur
}

// set stores s and tells listeners if it differs from the current one.
func (b *statusBox) set(s Status) {
	b.mu.Lock()
	same := b.cur.State == s.State && b.cur.Unconfirmed == s.Unconfirmed &&
		errText(b.cur.Err) == errText(s.Err) && b.cur.Transport == s.Transport
	b.cur = s
	b.mu.Unlock()
	if !same {
		b.listeners.Call(s)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Status returns the current sync status.
func (r *Repo) Status() Status {
	s := r.status.get()
	s.Unconfirmed = r.Unconfirmed()
	return s
}

// OnStatus calls fn whenever the status changes; it returns the function
// that unsubscribes.
func (r *Repo) OnStatus(fn func(Status)) func() { return r.status.listeners.Add(fn) }
