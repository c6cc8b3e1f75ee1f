package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/commonplace/commonplace/server/api"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/relay"
	"github.com/commonplace/commonplace/server/store"
)

// firstWorkspace is created, with one invite token, when serve starts on
// an empty store, so a new operator has a link to open right away.
const firstWorkspace = "commonplace"

type serveConfig struct {
	addr            string
	data            string
	engine          string
	maxMessageBytes int64
	logFormat       string
	logLevel        string
	web             string
	publicURL       string
	shutdownTimeout time.Duration
	pingInterval    time.Duration
	readTimeout     time.Duration
	rateLimit       float64
	rateBurst       int
	docIdleTimeout  time.Duration
	compactAfter    int
	warmDocuments   int
	gcInterval      time.Duration
}

func serveFlags(fs *flag.FlagSet) *serveConfig {
	c := &serveConfig{}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	dataFlagVar(fs, &c.data)
	// The build's first engine is the default: automerge-go where cgo is
	// on, the pure-Go crdt engine in CGO_ENABLED=0 builds.
	fs.StringVar(&c.engine, "engine", engine.Names()[0], "document engine: "+strings.Join(engine.Names(), ", "))
	fs.Int64Var(&c.maxMessageBytes, "max-message-bytes", 64<<20, "largest WebSocket message accepted, in bytes")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.web, "web", "", "serve the web app from this `directory` instead of the copy built into the binary")
	fs.StringVar(&c.publicURL, "public-url", "", "`URL` clients reach this server at, for invite links (default http://ADDR/)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for connections to finish on shutdown")
	fs.DurationVar(&c.pingInterval, "ping-interval", 20*time.Second, "how often to ping each client")
	fs.DurationVar(&c.readTimeout, "read-timeout", 0, "how long a client may stay silent, pongs included, before it is dropped (default 3 × --ping-interval)")
	fs.Float64Var(&c.rateLimit, "rate-limit", 5000, "messages per second one connection may send, sustained")
	fs.IntVar(&c.rateBurst, "rate-burst", 20000, "messages one connection may send in a burst")
	fs.DurationVar(&c.docIdleTimeout, "doc-idle-timeout", 5*time.Second, "how long a document nobody has open stays in memory")
	fs.IntVar(&c.warmDocuments, "warm-documents", 64, "documents that keep the engine's copy in memory between changes (the others keep only their changes and rebuild it on the next)")
	fs.IntVar(&c.compactAfter, "compact-after", 0, "incremental chunks of a document that trigger a compaction into one snapshot (default: the relay's)")
	fs.DurationVar(&c.gcInterval, "gc-interval", 10*time.Minute, "how often to reclaim space in the store's value log (0 disables)")
	return c
}

func runServe(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := serveFlags(fs)
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	log, err := newLogger(std, cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	if cfg.publicURL != "" {
		u, err := url.Parse(cfg.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
			return fmt.Errorf("%w: --public-url %q: want an http(s) URL such as https://notes.example.org/", errUsage, cfg.publicURL)
		}
	}
	tuneMemory(std.getenv)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, std, cfg, log)
}

// serve runs the relay until ctx is done, then shuts down in order: stop
// taking connections, close the admin socket, close the relay (which lets
// each connection send what is queued, then closes it; every acknowledged
// change is already stored), stop the garbage collector, close the store.
func serve(ctx context.Context, std stdio, cfg *serveConfig, log *slog.Logger) (err error) {
	eng, err := engine.New(cfg.engine)
	if err != nil {
		return fmt.Errorf("%w: --engine: %v", errUsage, err)
	}
	app, err := webHandler(cfg.web)
	if err != nil {
		return err
	}
	if c, ok := dialAdmin(ctx, cfg.data); ok {
		c.Close()
		return fmt.Errorf("data directory %s: %w", cfg.data, errServerRunning)
	}
	st, err := openStore(cfg.data, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	gcCtx, stopGC := context.WithCancel(ctx)
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		collectGarbage(gcCtx, st, cfg.gcInterval, log)
	}()
	defer func() { stopGC(); <-gcDone }() // before the store closes

	rs, err := relay.New(cfg.relayConfig(st, eng, log))
	if err != nil {
		if errors.Is(err, relay.ErrConfig) {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return fmt.Errorf("start relay: %w", err)
	}
	closeCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), cfg.shutdownTimeout)
	}
	defer func() {
		c, cancel := closeCtx()
		defer cancel()
		if cerr := rs.Close(c); cerr != nil && err == nil {
			err = fmt.Errorf("close relay: %w", cerr)
		}
	}()

	op := newLocal(st, rs.Access())
	op.revoke = rs.RevokeToken
	op.close = func() error { return nil } // the store is serve's to close
	admin, err := listenAdmin(ctx, cfg.data, op, log)
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := closeCtx()
		defer cancel()
		admin.Close(c)
	}()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := cfg.publicURL
	if base == "" {
		base = "http://" + ln.Addr().String() + "/"
	}
	invite, err := firstStartInvite(ctx, op, base)
	if err != nil {
		ln.Close()
		return err
	}

	// HTTP sync, for networks that block WebSockets, runs through the same
	// live documents as the WebSocket peers.
	httpSync, err := httpsync.NewHandler(httpsync.Config{Access: rs.Access(), Syncer: httpsync.SyncerFunc(rs.SyncHTTP), PeerID: rs.PeerID(), Logger: log})
	if err != nil {
		ln.Close()
		return fmt.Errorf("http sync: %w", err)
	}
	hs := &http.Server{Handler: routes(rs, st, app, httpSync, log), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	fmt.Fprintf(std.stdout, "Commonplace is serving at %s\n", "http://"+ln.Addr().String()+"/")
	if invite != "" {
		fmt.Fprintf(std.stdout, "Created workspace %q. Invite link (keep it secret): %s\n", firstWorkspace, invite)
	}
	log.Info("serving", "addr", ln.Addr().String(), "data", cfg.data, "engine", cfg.engine)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	}
	c, cancel := closeCtx()
	defer cancel()
	if err := hs.Shutdown(c); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	return nil
}

func (cfg *serveConfig) relayConfig(st store.Store, eng docsync.Engine, log *slog.Logger) relay.Config {
	return relay.Config{
		Store:           st,
		Engine:          eng,
		Logger:          log,
		MaxMessageBytes: cfg.maxMessageBytes,
		PingInterval:    cfg.pingInterval,
		ReadTimeout:     cfg.readTimeout,
		RateLimit:       cfg.rateLimit,
		RateBurst:       cfg.rateBurst,
		DocIdleTimeout:  cfg.docIdleTimeout,
		CompactAfter:    cfg.compactAfter,
		WarmDocuments:   cfg.warmDocuments,
	}
}

// routes is the public HTTP surface: the relay's endpoints (WebSocket and
// HTTP sync), the field app's API, and the app itself at /.
func routes(rs *relay.Server, st store.Store, app, httpSync http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	rh := rs.Handler()
	for _, p := range []string{"/sync", "/healthz", "/metrics"} {
		mux.Handle(p, rh)
	}
	mux.Handle("/api/", api.New(rs.Access(), st, log))
	mux.Handle("/sync/http", httpSync)
	mux.Handle("/", app)
	return mux
}

// firstStartInvite creates the first workspace and its token when the
// store has no workspace yet, and returns the invite link ("" otherwise).
func firstStartInvite(ctx context.Context, op *local, base string) (string, error) {
	ws, err := op.access.Workspaces(ctx)
	if err != nil {
		return "", fmt.Errorf("list workspaces: %w", err)
	}
	if len(ws) > 0 {
		return "", nil
	}
	_, secret, err := op.CreateToken(ctx, firstWorkspace, "first invite")
	if err != nil {
		return "", fmt.Errorf("create first invite: %w", err)
	}
	return inviteLink(base, secret), nil
}

// inviteLink puts the token in the URL fragment, which browsers never
// send to a server, so it stays out of access logs and proxies.
func inviteLink(base, secret string) string {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + "#join=" + secret
}

func newLogger(std stdio, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(std.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(std.stderr, opts)), nil
	default:
		return nil, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, format)
	}
}
