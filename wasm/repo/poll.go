package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/wire"
	"github.com/commonplace/commonplace/wasm/backoff"
)

// Poster sends one HTTP sync request body (POST /sync/http with the
// bearer token, Content-Type application/cbor) and returns the answer's
// status and body. err is only for a request that got no answer.
type Poster func(ctx context.Context, body []byte) (status int, reply []byte, err error)

// ErrNoHTTPSync means the relay answered HTTP sync with 404 or 405: it
// has no such endpoint, so there is nothing to fall back to.
var ErrNoHTTPSync = errors.New("repo: relay has no HTTP sync endpoint")

// Poll defaults.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultFullEvery    = 12
	// maxRounds bounds the requests one document's exchange takes; a few
	// settle any exchange (docs/HTTP-SYNC.md).
	maxRounds = 16
	// requestTimeout bounds one request, so a connection that hangs is
	// retried instead of leaving the poller waiting forever.
	requestTimeout = 2 * time.Minute
)

// PollOptions tune HTTP sync, which cannot hear the relay's changes and
// so asks for them.
type PollOptions struct {
	// Interval is how often the documents that matter now are polled:
	// those with unconfirmed changes, those asked for and not yet
	// exchanged, and watched ones (Repo.Watch). Default DefaultPollInterval.
	// A local change polls them at once.
	Interval time.Duration
	// FullEvery: every FullEvery-th interval polls every document
	// (default DefaultFullEvery, a minute with the default interval).
	FullEvery int
	// Visible reports whether the app is on screen; while it is not, only
	// the full polls and local changes send requests. nil: always.
	Visible func() bool
}

func (p *PollOptions) defaults() {
	if p.Interval <= 0 {
		p.Interval = DefaultPollInterval
	}
	if p.FullEvery <= 0 {
		p.FullEvery = DefaultFullEvery
	}
}

// scope is which documents a poll exchanges.
type scope int

const (
	scopeHot scope = iota // unconfirmed, wanted, watched or not yet exchanged
	scopeAll
)

// poller syncs the repo over HTTP: each poll gives every document in
// scope a fresh sync state (the relay keeps none between requests), then
// exchanges rounds of messages, one request per round carrying every
// document's message, until no state has anything more to send.
type poller struct {
	r     *Repo
	o     SyncOptions
	post  Poster
	dm    cbor.DecMode
	relay string // the relay's peerId, from its replies
	bo    *backoff.Backoff
	tick  <-chan time.Time
	ticks int
	retry bool // ask again for documents the relay lacked
}

func newPoller(r *Repo, o SyncOptions) (*poller, error) {
	dm, err := batchDecMode()
	if err != nil {
		return nil, fmt.Errorf("http sync: %w", err)
	}
	return &poller{r: r, o: o, post: o.HTTP, dm: dm, relay: "relay", bo: backoff.New(o.Policy, o.Rand)}, nil
}

// run polls until ctx ends, the relay refuses the token
// (ErrUnauthorized) or has no HTTP sync (ErrNoHTTPSync). Failed polls
// are retried with backoff; every document counts as not yet exchanged
// until a poll settles it.
func (p *poller) run(ctx context.Context) error {
	r := p.r
	r.mu.Lock()
	for _, h := range r.docs {
		h.polled = false
	}
	r.mu.Unlock()
	r.status.set(Status{State: Connecting, Unconfirmed: r.Unconfirmed(), Transport: HTTP})
	sc := scopeAll
	for {
		err := p.poll(ctx, sc)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrNoHTTPSync):
			return err
		case err != nil:
			r.status.set(Status{State: Offline, Unconfirmed: r.Unconfirmed(), Err: err, Transport: HTTP})
			if err := backoff.Wait(ctx, p.o.Clock, p.bo.Next()); err != nil {
				return err
			}
			sc = scopeAll
			continue
		}
		p.bo.Reset()
		r.refreshStatus(HTTP)
		if sc, err = p.next(ctx); err != nil {
			return err
		}
	}
}

// next waits for the next poll: a local change (or a retry after remote
// changes) polls the hot documents at once, the interval polls them while
// the app is visible, and every FullEvery-th interval polls everything.
func (p *poller) next(ctx context.Context) (scope, error) {
	for {
		if p.tick == nil {
			p.tick = p.o.Clock.After(p.o.Poll.Interval)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-p.r.kick:
			return scopeHot, nil
		case <-p.tick:
			p.tick = nil
			p.ticks++
			if p.ticks%p.o.Poll.FullEvery == 0 {
				return scopeAll, nil
			}
			if p.o.Poll.Visible == nil || p.o.Poll.Visible() {
				return scopeHot, nil
			}
		}
	}
}

// poll runs one exchange for the documents in sc.
func (p *poller) poll(ctx context.Context, sc scope) error {
	hs, states := p.pick(sc)
	p.retry = false
	changed := false
	if len(hs) > 0 {
		p.r.refreshStatus(HTTP) // syncing while local changes are on their way
	}
	for round := 0; len(hs) > 0; round++ {
		if round == maxRounds {
			return fmt.Errorf("http sync: %d documents not settled after %d rounds: %w", len(hs), maxRounds, ErrRelay)
		}
		var msgs []wire.Message
		msgs, hs = p.generate(hs, states)
		for len(msgs) > 0 {
			n := batchLen(msgs)
			replies, err := p.exchange(ctx, msgs[:n])
			if err != nil {
				return err
			}
			c, err := p.apply(ctx, replies, states)
			if err != nil {
				return err
			}
			changed = changed || c
			msgs = msgs[n:]
			p.r.refreshStatus(HTTP)
		}
	}
	if changed && p.lacking() {
		// A remote change may have come with a document the relay lacked
		// before (a new note named by the index): ask again now.
		p.retry = true
		p.r.wake()
	}
	return nil
}

// pick returns the documents of sc in the order of their last local
// change (a note reaches the relay before the index entry naming it), each
// with a fresh sync state.
func (p *poller) pick(sc scope) ([]*handle, map[string]*crdt.SyncState) {
	r := p.r
	r.mu.Lock()
	defer r.mu.Unlock()
	var hs []*handle
	for id, h := range r.docs {
		empty, watched := len(h.doc.Heads()) == 0, r.watched[id] > 0
		// A document the relay lacked is asked for again in full polls,
		// after remote changes, or every interval while on screen.
		if h.unavail && empty && sc != scopeAll && !p.retry && !watched {
			continue
		}
		if sc == scopeAll || !h.polled || empty || len(h.pending) > 0 || watched {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].touched != hs[j].touched {
			return hs[i].touched < hs[j].touched
		}
		return hs[i].id < hs[j].id
	})
	states := make(map[string]*crdt.SyncState, len(hs))
	for _, h := range hs {
		states[h.id] = crdt.NewSyncState(h.doc)
	}
	return hs, states
}

// lacking reports whether some wanted document is still unavailable.
func (p *poller) lacking() bool {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	for _, h := range p.r.docs {
		if h.unavail && len(h.doc.Heads()) == 0 {
			return true
		}
	}
	return false
}

// generate returns the next message of every document still exchanging
// and those documents; one whose state has nothing to send is in sync.
func (p *poller) generate(hs []*handle, states map[string]*crdt.SyncState) ([]wire.Message, []*handle) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	var msgs []wire.Message
	var sent []*handle
	for _, h := range hs {
		ss := states[h.id]
		if ss == nil {
			continue // unavailable
		}
		sm, ok := ss.GenerateMessage()
		if !ok {
			h.polled = true
			continue
		}
		typ := wire.TypeSync
		if len(h.doc.Heads()) == 0 {
			typ = wire.TypeRequest // a find never creates a document
		}
		msgs = append(msgs, wire.Message{Type: typ, SenderID: p.o.PeerID, TargetID: p.relay, DocumentID: h.id, Data: sm.Bytes()})
		sent = append(sent, h)
	}
	return msgs, sent
}

// batchLen is how many of msgs go in the next request.
func batchLen(msgs []wire.Message) int {
	n, size := 0, 0
	for n < len(msgs) && n < maxBatch && (n == 0 || size+len(msgs[n].Data) <= maxBatchBytes) {
		size += len(msgs[n].Data)
		n++
	}
	return n
}

// exchange POSTs msgs and returns the relay's replies.
func (p *poller) exchange(ctx context.Context, msgs []wire.Message) ([]wire.Message, error) {
	frames := make([][]byte, len(msgs))
	for i, m := range msgs {
		f, err := wire.Encode(m)
		if err != nil {
			return nil, fmt.Errorf("http sync: encode %s for %s: %w", m.Type, m.DocumentID, err)
		}
		frames[i] = f
	}
	body, err := encodeBatch(frames)
	if err != nil {
		return nil, fmt.Errorf("http sync: %w", err)
	}
	status, reply, err := p.postTimed(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("http sync: %w", err)
	}
	switch status {
	case 200:
	case 401:
		return nil, fmt.Errorf("http sync: %w", ErrUnauthorized)
	case 404, 405:
		return nil, fmt.Errorf("http sync: status %d: %w", status, ErrNoHTTPSync)
	default:
		text := bytes.TrimSpace(reply)
		if len(text) > 200 {
			text = text[:200]
		}
		return nil, fmt.Errorf("http sync: status %d: %s: %w", status, text, ErrRelay)
	}
	frames, err = decodeBatch(p.dm, reply)
	if err != nil {
		return nil, fmt.Errorf("http sync: reply: %w: %w", err, ErrRelay)
	}
	replies := make([]wire.Message, 0, len(frames))
	for i, f := range frames {
		m, err := wire.Decode(f)
		if err != nil {
			return nil, fmt.Errorf("http sync: reply %d: %w: %w", i, err, ErrRelay)
		}
		if m.SenderID != "" {
			p.relay = m.SenderID
		}
		replies = append(replies, m)
	}
	return replies, nil
}

// postTimed is post given up after requestTimeout on the repo's clock
// (context.WithTimeout would cost the wasm build more).
func (p *poller) postTimed(ctx context.Context, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timeout := p.o.Clock.After(requestTimeout)
	timedOut := make(chan struct{})
	go func() {
		select {
		case <-timeout:
			close(timedOut)
			cancel()
		case <-ctx.Done():
		}
	}()
	status, reply, err := p.post(ctx, body)
	if err != nil {
		select {
		case <-timedOut:
			return 0, nil, fmt.Errorf("no answer within %v: %w", requestTimeout, context.DeadlineExceeded)
		default:
		}
	}
	return status, reply, err
}

// apply takes in the relay's replies: sync messages into each document's
// state for this poll, doc-unavailable ends a document's exchange. It
// reports whether a document changed.
func (p *poller) apply(ctx context.Context, replies []wire.Message, states map[string]*crdt.SyncState) (bool, error) {
	r := p.r
	changed := false
	for _, m := range replies {
		ss := states[m.DocumentID]
		if ss == nil {
			continue // not asked for in this poll
		}
		switch m.Type {
		case wire.TypeDocUnavailable:
			r.mu.Lock()
			h := r.docs[m.DocumentID]
			h.unavail, h.polled = true, true
			r.mu.Unlock()
			delete(states, m.DocumentID)
		case wire.TypeSync:
			r.mu.Lock()
			a, err := r.applyLocked(r.docs[m.DocumentID], ss, m.Data)
			r.mu.Unlock()
			if err != nil {
				return changed, fmt.Errorf("http sync: %w", err)
			}
			c, err := r.store(ctx, a)
			if err != nil {
				return changed, err
			}
			changed = changed || c
		}
	}
	return changed, nil
}
