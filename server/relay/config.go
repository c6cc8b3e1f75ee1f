package relay

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/store"
)

// Config configures a Server. Only Store is required; zero values take the
// defaults below.
type Config struct {
	// Store holds documents, tokens and the relay's storage ID. The
	// caller opens it and closes it after Server.Close.
	Store store.Store
	// Engine syncs documents. If nil, EngineName is looked up in the
	// engine registry, and if that is empty too the build's default.
	Engine     docsync.Engine
	EngineName string
	// Logger receives the relay's logs; nil means slog.Default().
	Logger *slog.Logger
	// PeerID is the relay's automerge-repo peer ID; default
	// "commonplace-relay-" plus the storage ID.
	PeerID string

	// MaxMessageBytes caps one WebSocket frame (default 64 MiB: a first
	// sync carries the whole document).
	MaxMessageBytes int64
	// SendQueue is how many frames, and SendQueueBytes how many bytes,
	// may wait for one slow connection before it is disconnected
	// (defaults 1024 frames, 128 MiB; a single frame larger than
	// SendQueueBytes still goes out if nothing else is queued).
	SendQueue      int
	SendQueueBytes int64
	// PingInterval is how often the relay pings each client (default
	// 20 s). ReadTimeout is how long a connection may stay silent, pongs
	// included, before it is dropped (default 3 × PingInterval, so one
	// or two missed pongs are tolerated).
	PingInterval time.Duration
	ReadTimeout  time.Duration
	// WriteTimeout bounds one frame write (default 10 s).
	WriteTimeout time.Duration
	// RateLimit is the sustained messages per second one connection may
	// send and RateBurst the bucket size (defaults 5000 and 20000: a
	// client opening thousands of documents at connect fits, and so does
	// one answering every change of 50 busy partners on shared
	// documents, which is one message per change).
	RateLimit float64
	RateBurst int
	// DocIdleTimeout is how long a document nobody has open stays in
	// memory (default 5 s: long enough for a client's reconnect, while
	// reloading is one store read and a parse of its changes, so there is
	// little to gain from keeping it longer, and memory a relay keeps for
	// documents nobody has open is memory its active ones cannot use).
	DocIdleTimeout time.Duration
	// WarmDocuments is how many documents keep the engine's copy in
	// memory between changes (default 64); the others keep only their
	// change graph and rebuild the copy on their next change.
	WarmDocuments int
	// CompactAfter is the incremental chunk count that triggers a
	// compaction (default docsync.DefaultCompactAfter).
	CompactAfter int
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
}

// ErrConfig wraps every configuration error from New.
var ErrConfig = errors.New("relay: bad config")

func (c Config) withDefaults() (Config, error) {
	if c.Store == nil {
		return c, fmt.Errorf("%w: no store", ErrConfig)
	}
	if c.Engine == nil {
		var err error
		if c.EngineName != "" {
			c.Engine, err = engine.New(c.EngineName)
		} else {
			c.Engine, err = engine.Default()
		}
		if err != nil {
			return c, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 64 << 20
	}
	if c.SendQueue <= 0 {
		c.SendQueue = 1024
	}
	if c.SendQueueBytes <= 0 {
		c.SendQueueBytes = 128 << 20
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 3 * c.PingInterval
	}
	if c.ReadTimeout <= c.PingInterval {
		return c, fmt.Errorf("%w: ReadTimeout %v must exceed PingInterval %v", ErrConfig, c.ReadTimeout, c.PingInterval)
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.RateLimit <= 0 {
		c.RateLimit = 5000
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 20000
	}
	if c.DocIdleTimeout <= 0 {
		c.DocIdleTimeout = 5 * time.Second
	}
	if c.WarmDocuments <= 0 {
		c.WarmDocuments = 64
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
