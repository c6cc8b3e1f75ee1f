// Package app is the field app's core behind the JS API: it joins a
// workspace from an invite link, keeps the shared workspace and the
// person's private space as two local repositories synced with the relay,
// and answers the UI's calls (notes, members, history, export) from the
// local copies, so everything works offline. It is platform-neutral; the
// browser supplies IndexedDB, WebSocket and fetch through Platform, and
// wasm/cmd/app turns the methods into the JavaScript object.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/commonplace/commonplace/wasm/internal/listen"
	"sync"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/backoff"
	"github.com/commonplace/commonplace/wasm/repo"
)

// Platform is what the core needs from its host.
type Platform struct {
	Storage repo.Storage
	Fetch   Fetch
	// Dial opens the relay's WebSocket at url.
	Dial func(url string) repo.Dialer
	// SyncPost sends one HTTP sync request (a CBOR body, POST with the
	// bearer token) to url: the fallback when the WebSocket fails. nil
	// means no fallback.
	SyncPost func(ctx context.Context, url, token string, body []byte) (status int, resp []byte, err error)
	// Visible reports whether the app is on screen, which HTTP sync polls
	// more often; nil means always.
	Visible func() bool
	// Clock, Rand drive reconnect backoff; Now stamps changes. nil means real.
	Clock backoff.Clock
	Rand  func() float64
	Now   func() time.Time
	// LoadDelay is how long after start the stored documents the first
	// screen did not need are loaded (and so synced); 0 means
	// DefaultLoadDelay.
	LoadDelay time.Duration
}

// DefaultLoadDelay leaves the first screen time to show before the core
// decodes long note histories (which in wasm holds up the page).
const DefaultLoadDelay = 2 * time.Second

const configKey = "device/config"

// config is what the device remembers between runs.
type config struct {
	Actor    string       `json:"actor"`
	MemberID string       `json:"memberId"`
	Server   string       `json:"server"`
	Team     *spaceConfig `json:"team,omitempty"`
	Personal *spaceConfig `json:"personal,omitempty"`
	Profile  *Profile     `json:"profile,omitempty"`
}

type spaceConfig struct {
	Workspace string `json:"workspace"`
	Token     string `json:"token"`
	Doc       string `json:"doc"`
}

// Profile is the person using this device.
type Profile struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// space is one synced repository: the team workspace or the personal one.
type space struct {
	repo     *repo.Repo
	notes    *noteCache
	cfg      spaceConfig
	personal bool
	stop     context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	doc     string // the space's workspace document, once known
	unwatch func() // ends the repo's watch of doc
}

func (s *space) docID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.doc
}

// setDoc records the space's workspace document and has the repo watch
// it: the index names new notes, so HTTP sync polls it like an open note.
func (s *space) setDoc(id string) {
	var w func()
	if id != "" {
		w = s.repo.Watch(id)
	}
	s.mu.Lock()
	old := s.unwatch
	s.doc, s.unwatch = id, w
	s.mu.Unlock()
	if old != nil {
		old()
	}
}

// App is the running core. Its methods are safe for concurrent use.
type App struct {
	p   Platform
	api apiClient
	ctx context.Context

	mu       sync.Mutex
	cfg      config
	team     *space
	personal *space

	status  listen.Set[StatusView]
	errs    listen.Set[error]
	changes listen.Set[repo.Event]
	runs    sync.WaitGroup
	adoptMu sync.Mutex
}

// Start loads the device's state and, if it joined before, starts syncing.
func Start(ctx context.Context, p Platform) (*App, error) {
	if p.Now == nil {
		p.Now = time.Now
	}
	a := &App{p: p, api: apiClient{fetch: p.Fetch}, ctx: ctx}
	entries, err := p.Storage.List(ctx, configKey)
	if err != nil {
		return nil, fmt.Errorf("load device config: %w", err)
	}
	for _, e := range entries {
		if e.Key == configKey {
			if err := json.Unmarshal(e.Value, &a.cfg); err != nil {
				return nil, fmt.Errorf("device config: %w", err)
			}
		}
	}
	if a.cfg.Actor == "" {
		a.cfg.Actor = crdt.NewActorID()
		if err := a.saveConfig(ctx); err != nil {
			return nil, err
		}
	}
	for _, sc := range []struct {
		c        *spaceConfig
		personal bool
	}{{a.cfg.Team, false}, {a.cfg.Personal, true}} {
		if sc.c == nil {
			continue
		}
		if _, err := a.openSpace(ctx, *sc.c, sc.personal); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Close stops syncing and waits for the sync loops to end.
func (a *App) Close() {
	a.mu.Lock()
	for _, s := range []*space{a.team, a.personal} {
		if s != nil {
			s.stop()
		}
	}
	a.mu.Unlock()
	a.runs.Wait()
}

func (a *App) saveConfig(ctx context.Context) error {
	a.mu.Lock()
	b, err := json.Marshal(a.cfg)
	a.mu.Unlock()
	if err != nil {
		return fmt.Errorf("device config: %w", err)
	}
	if err := a.p.Storage.Write(ctx, []repo.Op{{Key: configKey, Value: b}}); err != nil {
		return fmt.Errorf("save device config: %w", err)
	}
	return nil
}

// openSpace opens a space's repository and starts syncing it.
func (a *App) openSpace(ctx context.Context, c spaceConfig, personal bool) (*space, error) {
	ns := "team/"
	if personal {
		ns = "personal/"
	}
	r, err := repo.Open(ctx, a.p.Storage, repo.Options{Namespace: ns, ActorID: a.cfg.Actor, Now: a.p.Now, Lazy: true})
	if err != nil {
		return nil, fmt.Errorf("open %s space: %w", ns, err)
	}
	cache, err := loadNoteCache(ctx, a.p.Storage, ns+"notes/", a.errs.Call)
	if err != nil {
		return nil, fmt.Errorf("open %s space: note cache: %w", ns, err)
	}
	runCtx, stop := context.WithCancel(a.ctx)
	s := &space{repo: r, notes: cache, cfg: c, personal: personal, stop: stop, done: make(chan struct{})}
	s.setDoc(c.Doc)
	a.mu.Lock()
	if personal {
		a.personal = s
	} else {
		a.team = s
	}
	server := a.cfg.Server
	a.mu.Unlock()
	r.OnStatus(func(repo.Status) { a.status.Call(a.Status()) })
	r.Subscribe(func(ev repo.Event) { a.onChange(s, ev) })
	if c.Doc != "" && !r.Has(c.Doc) {
		if err := r.Want(ctx, c.Doc); err != nil {
			return nil, err
		}
	}
	a.runs.Add(1)
	go func() {
		defer a.runs.Done()
		defer close(s.done)
		err := r.Run(runCtx, repo.SyncOptions{Dial: a.dialer(server, c.Token), HTTP: a.poster(server, c.Token),
			Poll: repo.PollOptions{Visible: a.p.Visible}, Clock: a.p.Clock, Rand: a.p.Rand})
		if err != nil && !errors.Is(err, context.Canceled) {
			a.errs.Call(fmt.Errorf("sync %s: %w", c.Workspace, err))
		}
	}()
	a.loadLater(runCtx, s)
	a.wantIndexed(s)
	return s, nil
}

// loadLater loads the space's deferred documents after the load delay, so
// they sync.
func (a *App) loadLater(ctx context.Context, s *space) {
	delay := a.p.LoadDelay
	if delay <= 0 {
		delay = DefaultLoadDelay
	}
	a.runs.Add(1)
	go func() {
		defer a.runs.Done()
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		if err := s.repo.LoadAll(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.errs.Call(fmt.Errorf("load stored documents: %w", err))
		}
	}()
}

// dialer opens the relay's socket; when that fails it asks the API
// whether the token is still good, since a browser WebSocket does not
// show the 401, so a revoked token stops the reconnect loop.
func (a *App) dialer(server, token string) repo.Dialer {
	dial := a.p.Dial(SyncURL(server, token))
	return func(ctx context.Context) (repo.Conn, error) {
		c, err := dial(ctx)
		if err == nil || errors.Is(err, repo.ErrUnauthorized) {
			return c, err
		}
		if _, serr := a.api.session(ctx, server, token); errors.Is(serr, ErrRevoked) {
			return nil, fmt.Errorf("%w: %w", err, repo.ErrUnauthorized)
		} else if errors.Is(serr, ErrWrongVersion) {
			return nil, fmt.Errorf("%w: %w", err, repo.ErrWrongVersion)
		}
		return nil, err
	}
}

// poster is the HTTP sync fallback of a space, or nil without SyncPost.
func (a *App) poster(server, token string) repo.Poster {
	if a.p.SyncPost == nil {
		return nil
	}
	url := SyncHTTPURL(server)
	return func(ctx context.Context, body []byte) (int, []byte, error) {
		return a.p.SyncPost(ctx, url, token, body)
	}
}

// StatusView is status() at the JS API.
type StatusView struct {
	State       string  `json:"state"`
	Unconfirmed int     `json:"unconfirmed"`
	Error       *string `json:"error"`
	// Transport is "websocket", or "http" while a space syncs over HTTP
	// because the WebSocket fails.
	Transport string `json:"transport"`
}

// Status combines both spaces: the least advanced state, the sum of
// unconfirmed changes, the first error, and "http" if either space syncs
// over HTTP.
func (a *App) Status() StatusView {
	a.mu.Lock()
	spaces := []*space{a.team, a.personal}
	a.mu.Unlock()
	rank := map[repo.State]int{repo.Offline: 0, repo.Connecting: 1, repo.Syncing: 2, repo.UpToDate: 3}
	out := StatusView{State: string(repo.Offline), Transport: string(repo.WebSocket)}
	best := -1
	for _, s := range spaces {
		if s == nil {
			continue
		}
		st := s.repo.Status()
		if best < 0 || rank[st.State] < best {
			best = rank[st.State]
			out.State = string(st.State)
		}
		out.Unconfirmed += st.Unconfirmed
		if st.Transport == repo.HTTP {
			out.Transport = string(repo.HTTP)
		}
		if st.Err != nil && out.Error == nil {
			code := Code(st.Err)
			if code == CodeInternal {
				code = st.Err.Error()
			}
			out.Error = &code
		}
	}
	return out
}

// OnStatus calls fn on every status change; it returns the unsubscribe.
func (a *App) OnStatus(fn func(StatusView)) func() { return a.status.Add(fn) }

// OnError calls fn for errors of background work (sync refused, storage
// failing); it returns the unsubscribe.
func (a *App) OnError(fn func(error)) func() { return a.errs.Add(fn) }

func newMemberID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
