package repo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/wire"
	"github.com/commonplace/commonplace/wasm/backoff"
)

// Sentinel errors of a sync session.
var (
	// ErrUnauthorized means the relay refused the token (revoked or
	// invalid); reconnecting will not help.
	ErrUnauthorized = errors.New("repo: token refused by relay")
	// ErrWrongVersion means the relay does not speak protocol "1".
	ErrWrongVersion = errors.New("repo: relay protocol version mismatch")
	// ErrRelay is an error message or a protocol violation from the relay.
	ErrRelay = errors.New("repo: relay error")
)

// Conn is one connection to the relay carrying whole binary frames.
type Conn interface {
	// Send writes one frame.
	Send(ctx context.Context, frame []byte) error
	// Recv returns the next frame; it fails once the connection is gone.
	Recv(ctx context.Context) ([]byte, error)
	// Close closes the connection; Recv then fails.
	Close() error
}

// Dialer opens a connection to the relay. It wraps ErrUnauthorized when the
// relay refused the token, which ends Run.
type Dialer func(ctx context.Context) (Conn, error)

// SyncOptions configures Run.
type SyncOptions struct {
	Dial Dialer
	// PeerID is this client's automerge-repo peer ID; default "peer-"
	// plus random text, as automerge-repo does.
	PeerID string
	// Policy and Rand drive reconnect delays; Clock waits them.
	Policy backoff.Policy
	Rand   func() float64
	Clock  backoff.Clock
	// PeerTimeout bounds the wait for the relay's answer to join.
	PeerTimeout time.Duration
	// RetryUnavailable is how often documents the relay did not have are
	// asked for again while connected (default 15 s): another device may
	// have synced them since.
	RetryUnavailable time.Duration
	// HTTP, if set, is the fallback for networks where the WebSocket
	// fails (a proxy refusing upgrades, say): after FallbackAfter failed
	// attempts in a row Run syncs over HTTP sync (POST /sync/http,
	// docs/HTTP-SYNC.md), polling as Poll says, while it keeps trying the
	// WebSocket with backoff; once a WebSocket connection is joined, HTTP
	// sync stops. The status then names Transport HTTP.
	HTTP Poster
	// FallbackAfter overrides DefaultFallbackAfter.
	FallbackAfter int
	Poll          PollOptions
}

// peerState is one document's sync with the relay on one connection.
type peerState struct {
	ss    *crdt.SyncState
	heard bool // the relay answered on this connection
}

// Run syncs the repo with the relay until ctx ends or the relay refuses
// the token or protocol: it connects, syncs every document, keeps them in
// sync, and reconnects with backoff after any failure. With o.HTTP it
// syncs over HTTP while the WebSocket keeps failing (see
// SyncOptions.HTTP). It returns the fatal error, or ctx.Err().
func (r *Repo) Run(ctx context.Context, o SyncOptions) error {
	if o.PeerID == "" {
		o.PeerID = fmt.Sprintf("peer-%x", rand.Uint64())
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Clock == nil {
		o.Clock = backoff.RealClock{}
	}
	if o.Policy.Base == 0 {
		o.Policy = backoff.Default()
	}
	if o.PeerTimeout == 0 {
		o.PeerTimeout = 30 * time.Second
	}
	if o.RetryUnavailable == 0 {
		o.RetryUnavailable = 15 * time.Second
	}
	if o.FallbackAfter <= 0 {
		o.FallbackAfter = DefaultFallbackAfter
	}
	o.Poll.defaults()
	bo := backoff.New(o.Policy, o.Rand)
	fb := newFallback(r, o)
	defer fb.stop()
	for {
		fb.wsState(Connecting, nil)
		err := r.connectOnce(ctx, o, bo, fb.stop)
		if ctx.Err() != nil {
			fb.stop()
			r.setState(Offline, nil)
			return ctx.Err()
		}
		if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrWrongVersion) {
			fb.stop()
			r.setState(Offline, err)
			return err
		}
		fb.wsState(Offline, err)
		if bo.Failures()+1 >= o.FallbackAfter {
			fb.start(ctx)
		}
		select {
		case <-ctx.Done():
			fb.stop()
			r.setState(Offline, nil)
			return ctx.Err()
		case err := <-fb.fatal:
			fb.stop()
			r.status.set(Status{State: Offline, Unconfirmed: r.Unconfirmed(), Err: err, Transport: HTTP})
			return err
		case <-o.Clock.After(bo.Next()):
		}
	}
}

// connectOnce runs one connection from dial to failure; joined runs once
// the relay answered join, before any document is synced.
func (r *Repo) connectOnce(ctx context.Context, o SyncOptions, bo *backoff.Backoff, joined func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn, err := o.Dial(ctx)
	if err != nil {
		return fmt.Errorf("dial relay: %w", err)
	}
	defer conn.Close()
	defer r.dropPeerStates()
	frames := make(chan []byte, 64)
	errc := make(chan error, 1)
	go func() {
		for {
			f, err := conn.Recv(ctx)
			if err != nil {
				errc <- err
				return
			}
			select {
			case frames <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	s := &session{r: r, conn: conn, self: o.PeerID}
	join := wire.Message{Type: wire.TypeJoin, SenderID: o.PeerID,
		PeerMetadata: &wire.PeerMetadata{}, SupportedProtocolVersions: []string{"1"}}
	if err := s.send(ctx, join); err != nil {
		return err
	}
	timeout := o.Clock.After(o.PeerTimeout)
	for s.relay == "" {
		select {
		case f := <-frames:
			if err := s.handle(ctx, f); err != nil {
				return err
			}
		case err := <-errc:
			return fmt.Errorf("relay connection: %w", err)
		case <-timeout:
			return fmt.Errorf("no answer to join: %w", ErrRelay)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	bo.Reset()
	joined()
	if err := s.syncAll(ctx); err != nil {
		return err
	}
	retry := o.Clock.After(o.RetryUnavailable)
	for {
		select {
		case <-retry:
			s.retryUnavailable()
			retry = o.Clock.After(o.RetryUnavailable)
		case f := <-frames:
			if err := s.handle(ctx, f); err != nil {
				return err
			}
		case <-r.kick:
			if err := s.syncAll(ctx); err != nil {
				return err
			}
		case err := <-errc:
			return fmt.Errorf("relay connection: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *Repo) dropPeerStates() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range r.docs {
		h.sync = nil
	}
}

func (r *Repo) setState(st State, err error) {
	r.status.set(Status{State: st, Unconfirmed: r.Unconfirmed(), Err: err, Transport: WebSocket})
}
