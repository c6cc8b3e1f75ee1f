// Package relay is the WebSocket runtime of the Commonplace sync relay: it
// speaks automerge-repo's network protocol v1 to stock 2.x clients at
// /sync?token=T, keeps documents in a store.Store through the sans-IO core
// of package docsync, and serves /healthz and /metrics.
//
// The relay answers what it is asked and announces nothing: it never
// pushes a document a peer has not requested or synced, and it answers a
// request for a missing document and for another workspace's document
// with the same doc-unavailable, so a token learns nothing about other
// workspaces. Every connection is bounded (frame size, send queue, rate,
// read deadline); a connection that breaks a bound gets an error message
// and is closed, and no other connection waits for it.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/wire"
)

// ErrClosed is returned by methods called after Close.
var ErrClosed = errors.New("relay: server closed")

// Server is one relay. Create it with New, mount Handler, stop it with
// Close.
type Server struct {
	cfg       Config
	log       *slog.Logger
	access    *access.Service
	codec     *wire.Codec
	metrics   *metrics
	hub       *hub
	peerID    string
	storageID string
	clock     gossipClock
	// subscriptions counts remote-heads subscriptions over all
	// connections, so gossip costs nothing while there are none.
	subscriptions atomic.Int64

	closing atomic.Bool
	stop    chan struct{} // closed by Close: stops the janitor
	wg      sync.WaitGroup

	mu       sync.Mutex
	conns    map[*conn]struct{}
	sessions map[docsync.PeerID]*conn
	byPeer   map[string]*conn // client peerId → its current connection
	nextConn uint64
}

// New builds a Server on cfg.Store. It reads (or first creates) the
// relay's storage ID, so it does IO and can fail.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	codec, err := wire.NewCodec(wire.Limits{
		MaxMessageBytes: int(cfg.MaxMessageBytes),
		MaxNesting:      wire.DefaultLimits().MaxNesting,
		MaxElements:     wire.DefaultLimits().MaxElements,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		access:   access.New(cfg.Store),
		codec:    codec,
		metrics:  newMetrics(cfg.Store),
		stop:     make(chan struct{}),
		conns:    map[*conn]struct{}{},
		sessions: map[docsync.PeerID]*conn{},
		byPeer:   map[string]*conn{},
	}
	s.hub = newHub(s)
	s.storageID, err = loadStorageID(context.Background(), cfg.Store)
	if err != nil {
		return nil, err
	}
	s.peerID = cfg.PeerID
	if s.peerID == "" {
		s.peerID = "commonplace-relay-" + s.storageID
	}
	s.wg.Add(1)
	go s.janitor()
	s.log.Info("relay ready", "peerId", s.peerID, "engine", cfg.Engine.Name())
	return s, nil
}

// Handler serves /sync (the WebSocket endpoint), /healthz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/sync", s.serveSync)
	mux.HandleFunc("/healthz", s.serveHealth)
	mux.Handle("/metrics", s.metrics.handler())
	return mux
}

// Access returns the token and workspace service on the relay's store.
func (s *Server) Access() *access.Service { return s.access }

// StorageID is the relay's automerge-repo storageId, stable across
// restarts on the same store.
func (s *Server) StorageID() string { return s.storageID }

// PeerID is the relay's automerge-repo peerId.
func (s *Server) PeerID() string { return s.peerID }

// Engine is the engine the relay's documents are held in.
func (s *Server) Engine() docsync.Engine { return s.cfg.Engine }

// RevokeToken revokes token id and closes every connection that
// authenticated with it; later connections with it get 401.
func (s *Server) RevokeToken(ctx context.Context, id string) (access.Token, error) {
	tok, err := s.access.RevokeToken(ctx, id)
	if err != nil {
		return tok, fmt.Errorf("revoke token: %w", err)
	}
	for _, c := range s.connsWhere(func(c *conn) bool { return c.token.ID == id }) {
		c.fail("token revoked", "revoked")
	}
	return tok, nil
}

// Close stops accepting connections, lets every connection send what is
// queued for it, closes them, and waits for their goroutines until ctx
// ends (then it cuts them off). Every change a peer was told about is
// already in the store; Close does not close the store.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	already := s.closing.Swap(true)
	s.mu.Unlock()
	if already {
		return nil
	}
	close(s.stop)
	all := s.connsWhere(func(*conn) bool { return true })
	// First stop every reader and let the messages in hand finish: each
	// one's store writes and replies complete. Only then flush and close
	// the writers, so no reply produced before Close is dropped.
	for _, c := range all {
		c.stopReading()
	}
	var err error
	for _, c := range all {
		select {
		case <-c.readDone:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
	}
	for _, c := range all {
		c.shutdown()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		for _, c := range all {
			c.kill()
		}
		<-done
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("relay close: %w", err)
	}
	s.log.Info("relay closed")
	return nil
}

func (s *Server) connsWhere(pred func(*conn) bool) []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*conn
	for c := range s.conns {
		if pred(c) {
			out = append(out, c)
		}
	}
	return out
}

// janitor evicts idle documents.
func (s *Server) janitor() {
	defer s.wg.Done()
	every := min(s.cfg.DocIdleTimeout/2, 30*time.Second)
	t := time.NewTicker(max(every, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if n := s.hub.evict(); n > 0 {
				s.log.Debug("evicted idle documents", "count", n)
			}
		}
	}
}

// applyStore carries out store operations in order and stops at the first
// failure.
func (s *Server) applyStore(ctx context.Context, ops []docsync.Op) error {
	if len(ops) == 0 {
		return nil
	}
	if err := store.Write(ctx, s.cfg.Store, ops); err != nil {
		s.metrics.storeOps.WithLabelValues("error").Inc()
		return fmt.Errorf("store %d ops from %v: %w", len(ops), ops[0].Key, err)
	}
	for _, op := range ops {
		if op.Delete {
			s.metrics.storeOps.WithLabelValues("delete").Inc()
		} else {
			s.metrics.storeOps.WithLabelValues("put").Inc()
		}
	}
	return nil
}

// deliver queues one message of the core for its session's connection.
func (s *Server) deliver(snd docsync.Send) {
	s.mu.Lock()
	c := s.sessions[snd.To]
	s.mu.Unlock()
	if c == nil {
		return // the peer left while the document worked
	}
	m := snd.Msg
	if m.SenderID == "" {
		m.SenderID = s.peerID
	}
	c.sendData(m, snd.Sync)
}

// failSessions closes the connections behind the given sessions.
func (s *Server) failSessions(ps []docsync.PeerID, msg string) {
	for _, p := range ps {
		s.mu.Lock()
		c := s.sessions[p]
		s.mu.Unlock()
		if c != nil {
			c.fail(msg, "store")
		}
	}
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if s.closing.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if _, err := s.cfg.Store.Load(r.Context(), storageIDKey); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}
