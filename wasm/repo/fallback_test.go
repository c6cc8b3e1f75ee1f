//go:build !js

package repo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/backoff"
	"github.com/commonplace/commonplace/wasm/internal/nativehttp"
	"github.com/commonplace/commonplace/wasm/internal/nativews"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/repo"
)

// manualClock is time that moves only when the test advances it.
type manualClock struct {
	mu    sync.Mutex
	now   time.Duration
	waits []manualWait
}

type manualWait struct {
	at, d time.Duration
	ch    chan time.Time
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waits = append(c.waits, manualWait{at: c.now + d, d: d, ch: ch})
	return ch
}

// advance moves time by d and fires every wait that is due.
func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now += d
	kept := c.waits[:0]
	for _, w := range c.waits {
		if w.at <= c.now {
			w.ch <- time.Time{}
			continue
		}
		kept = append(kept, w)
	}
	c.waits = kept
}

// armed counts the pending waits of length d.
func (c *manualClock) armed(d time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, w := range c.waits {
		if w.d == d {
			n++
		}
	}
	return n
}

// advanceUntil advances the clock in steps until cond holds; it fails
// after limit of logical time.
func (c *manualClock) advanceUntil(t *testing.T, what string, step, limit time.Duration, cond func() bool) {
	t.Helper()
	for spent := time.Duration(0); !cond(); spent += step {
		if spent > limit {
			t.Fatalf("%s: not after %v of logical time", what, limit)
		}
		c.advance(step)
		// Let the woken goroutines run (they talk to a real relay).
		deadline := time.Now().Add(50 * time.Millisecond)
		for !cond() && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// proxy is a network whose WebSocket upgrades fail until it is opened.
type proxy struct {
	open  atomic.Bool
	dials atomic.Int64
}

func (p *proxy) dialer(url string) repo.Dialer {
	real := nativews.Dialer(url)
	return func(ctx context.Context) (repo.Conn, error) {
		p.dials.Add(1)
		if !p.open.Load() {
			return nil, errors.New("websocket: bad handshake (proxy refused the upgrade)")
		}
		return real(ctx)
	}
}

const testPoll = 5 * time.Second

// runHTTP runs r against rel through p with the HTTP fallback and returns
// the function that stops it.
func runHTTP(t *testing.T, r *repo.Repo, rel *testrelay.Relay, token string, p *proxy, clock backoff.Clock, visible func() bool) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, repo.SyncOptions{
			Dial:   p.dialer(rel.SyncURL(token)),
			HTTP:   nativehttp.Poster(rel.HTTPSyncURL(), token),
			Clock:  clock,
			Rand:   func() float64 { return 0.5 },
			Policy: backoff.Policy{Base: time.Second, Max: 4 * time.Second},
			Poll:   repo.PollOptions{Interval: testPoll, FullEvery: 3, Visible: visible},
			// Neither fires: the tests advance time in seconds.
			PeerTimeout: 1000 * time.Hour, RetryUnavailable: 1000 * time.Hour,
		})
	}()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = errors.New("Run did not return")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func openRepo(t *testing.T) *repo.Repo {
	t.Helper()
	r, err := repo.Open(context.Background(), repo.NewMemory(), repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func settledOn(r *repo.Repo, tr repo.Transport) func() bool {
	return func() bool {
		s := r.Status()
		return s.State == repo.UpToDate && s.Unconfirmed == 0 && s.Transport == tr
	}
}

func TestHTTPFallbackConvergesAndSwitchesBack(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(t, nil)
	token := rel.Token(t, "team")
	clock := &manualClock{}
	pa, pb := &proxy{}, &proxy{}
	a, b := openRepo(t), openRepo(t)

	var smu sync.Mutex
	seen := map[repo.Status]bool{}
	defer a.OnStatus(func(s repo.Status) {
		smu.Lock()
		defer smu.Unlock()
		seen[repo.Status{State: s.State, Transport: s.Transport}] = true
	})()

	id, err := a.Create(ctx, "create", func(d *crdt.Doc) error {
		return d.RootMap().Set("body", crdt.NewText("hello world"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Want(ctx, id); err != nil {
		t.Fatal(err)
	}
	runHTTP(t, a, rel, token, pa, clock, nil)
	runHTTP(t, b, rel, token, pb, clock, nil)

	// Two refused upgrades each, then HTTP sync: a's note reaches the
	// relay (confirmed), and b finds it on a later poll.
	clock.advanceUntil(t, "a's note confirmed over HTTP", time.Second, time.Minute, settledOn(a, repo.HTTP))
	clock.advanceUntil(t, "b to get the note over HTTP", time.Second, 2*time.Minute, func() bool { return b.Has(id) })
	clock.advanceUntil(t, "b up to date over HTTP", time.Second, time.Minute, settledOn(b, repo.HTTP))
	if n := pa.dials.Load(); n < 2 {
		t.Fatalf("a dialed %d times before falling back", n)
	}

	// Concurrent edits while both sync over HTTP only. b watches the note
	// (it is on b's screen) and so polls it every interval; a gets b's
	// edit from its full poll.
	defer b.Watch(id)()
	edit := func(r *repo.Repo, fn func(d *crdt.Doc) error) {
		t.Helper()
		if _, err := r.Change(ctx, id, "edit", fn); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, func(d *crdt.Doc) error { return d.Path("body").Text().Insert(0, "A: ") })
	edit(b, func(d *crdt.Doc) error { return d.Path("body").Text().Append(" (b)") })
	edit(b, func(d *crdt.Doc) error { return d.RootMap().Set("place", "Lusaka") })
	want := note{body: "A: hello world (b)", place: "Lusaka"}
	clock.advanceUntil(t, "convergence over HTTP", time.Second, 3*time.Minute, func() bool {
		return read(t, a, id) == want && read(t, b, id) == want && settledOn(a, repo.HTTP)() && settledOn(b, repo.HTTP)()
	})
	dialsDuringHTTP := pa.dials.Load()

	// The WebSocket keeps being tried in the background; once it works,
	// both switch back and HTTP sync stops.
	clock.advanceUntil(t, "more WebSocket attempts", time.Second, time.Minute, func() bool { return pa.dials.Load() > dialsDuringHTTP+1 })
	pa.open.Store(true)
	pb.open.Store(true)
	clock.advanceUntil(t, "both back on the WebSocket", time.Second, time.Minute, func() bool {
		return settledOn(a, repo.WebSocket)() && settledOn(b, repo.WebSocket)()
	})
	posts := rel.HTTPSyncRequests.Load()
	edit(a, func(d *crdt.Doc) error { return d.RootMap().Set("title", "live again") })
	// The relay pushes the change to b over its socket, without any time passing.
	waitFor(t, "b to get a's edit over the WebSocket", func() bool { return read(t, b, id).title == "live again" })
	clock.advance(2 * time.Minute)
	time.Sleep(50 * time.Millisecond)
	if n := rel.HTTPSyncRequests.Load(); n != posts {
		t.Fatalf("%d HTTP sync requests after the switch back", n-posts)
	}

	smu.Lock()
	defer smu.Unlock()
	for _, s := range []repo.Status{{State: repo.Offline, Transport: repo.WebSocket}, {State: repo.Connecting, Transport: repo.HTTP},
		{State: repo.UpToDate, Transport: repo.HTTP}, {State: repo.UpToDate, Transport: repo.WebSocket}} {
		if !seen[s] {
			t.Errorf("status %s over %s never reported", s.State, s.Transport)
		}
	}
}

func TestHTTPPollSchedule(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(t, nil)
	token := rel.Token(t, "team")
	clock := &manualClock{}
	r := openRepo(t)
	id, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("k", "v") })
	if err != nil {
		t.Fatal(err)
	}
	missing, err := repo.NewDocumentID()
	if err != nil {
		t.Fatal(err)
	}
	var unwatch func()
	var hidden atomic.Bool
	runHTTP(t, r, rel, token, &proxy{}, clock, func() bool { return !hidden.Load() })
	clock.advanceUntil(t, "up to date over HTTP", time.Second, time.Minute, settledOn(r, repo.HTTP))
	waitFor(t, "the poll timer", func() bool { return clock.armed(testPoll) == 1 })

	// tick passes one poll interval and returns the requests it made once
	// the poller waits for the next one.
	tick := func() int64 {
		t.Helper()
		before := rel.HTTPSyncRequests.Load()
		clock.advance(testPoll)
		waitFor(t, "the next poll timer", func() bool { return clock.armed(testPoll) == 1 })
		return rel.HTTPSyncRequests.Load() - before
	}
	// FullEvery is 3: every third interval polls every document; the
	// others only the hot ones (watched, unconfirmed, asked for).
	steps := []struct {
		name   string
		before func()
		want   int64
	}{
		{"nothing hot", nil, 0},
		{"nothing hot", nil, 0},
		{"full", nil, 1},
		{"watched", func() { unwatch = r.Watch(id) }, 1},
		{"watched", nil, 1},
		{"full", nil, 1},
		{"hidden", func() { hidden.Store(true) }, 0},
		{"hidden", nil, 0},
		{"hidden, full", nil, 1},
		{"a document the relay lacks", func() {
			hidden.Store(false)
			unwatch()
			before := rel.HTTPSyncRequests.Load()
			if err := r.Want(ctx, missing); err != nil {
				t.Fatal(err)
			}
			// Asked for at once, then left to the full polls.
			waitFor(t, "the request for it", func() bool { return rel.HTTPSyncRequests.Load() == before+1 })
		}, 0},
		{"a document the relay lacks, on screen", func() { r.Watch(missing) }, 1},
		{"full", nil, 1},
	}
	for i, s := range steps {
		if s.before != nil {
			s.before()
		}
		if got := tick(); got != s.want {
			t.Fatalf("interval %d (%s): %d requests, want %d", i+1, s.name, got, s.want)
		}
	}

	// A local change is sent at once, hidden or not, with no time passing.
	before := rel.HTTPSyncRequests.Load()
	if _, err := r.Change(ctx, id, "edit", func(d *crdt.Doc) error { return d.RootMap().Set("k", "w") }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the change confirmed", settledOn(r, repo.HTTP))
	if n := rel.HTTPSyncRequests.Load() - before; n < 1 || n > 3 {
		t.Fatalf("a local change took %d requests", n)
	}
}

func TestHTTPFallbackRevokedToken(t *testing.T) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(t, nil)
	tok, secret, err := rel.Server.Access().CreateToken(ctx, "team", "device")
	if err != nil {
		t.Fatal(err)
	}
	clock := &manualClock{}
	r := openRepo(t)
	if _, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("k", "v") }); err != nil {
		t.Fatal(err)
	}
	stop := runHTTP(t, r, rel, secret, &proxy{}, clock, nil)
	clock.advanceUntil(t, "up to date over HTTP", time.Second, time.Minute, settledOn(r, repo.HTTP))

	// Revoked while syncing over HTTP: the next poll's 401 ends Run as a
	// refused WebSocket would.
	if _, err := rel.Server.Access().RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	clock.advanceUntil(t, "the refusal", time.Second, 2*time.Minute, func() bool { return r.Status().Err != nil })
	s := r.Status()
	if s.State != repo.Offline || s.Transport != repo.HTTP || !errors.Is(s.Err, repo.ErrUnauthorized) {
		t.Fatalf("status %+v, want offline over HTTP with ErrUnauthorized", s)
	}
	if err := stop(); !errors.Is(err, repo.ErrUnauthorized) {
		t.Fatalf("Run = %v, want ErrUnauthorized", err)
	}
}

func TestHTTPFallbackWithoutEndpoint(t *testing.T) {
	rel := testrelay.Start(t, nil) // WebSocket relay only: /sync/http is 404
	token := rel.Token(t, "team")
	clock := &manualClock{}
	r := openRepo(t)
	if _, err := r.Create(context.Background(), "create", func(d *crdt.Doc) error { return d.RootMap().Set("k", "v") }); err != nil {
		t.Fatal(err)
	}
	var posts atomic.Int64
	p := &proxy{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	post := nativehttp.Poster(rel.HTTPSyncURL(), token)
	go func() {
		done <- r.Run(ctx, repo.SyncOptions{
			Dial: p.dialer(rel.SyncURL(token)),
			HTTP: func(ctx context.Context, body []byte) (int, []byte, error) {
				posts.Add(1)
				return post(ctx, body)
			},
			Clock: clock, Rand: func() float64 { return 0.5 },
			Policy:      backoff.Policy{Base: time.Second, Max: 4 * time.Second},
			PeerTimeout: 1000 * time.Hour, RetryUnavailable: 1000 * time.Hour,
		})
	}()
	clock.advanceUntil(t, "the HTTP attempt", time.Second, time.Minute, func() bool { return posts.Load() > 0 })
	clock.advanceUntil(t, "more WebSocket attempts", time.Second, time.Minute, func() bool { return p.dials.Load() > 4 })
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d HTTP sync requests to a relay without the endpoint, want 1", n)
	}
	if s := r.Status(); s.Transport != repo.WebSocket || s.State == repo.UpToDate || s.Unconfirmed != 1 {
		t.Fatalf("status %+v", s)
	}
	// The socket comes back: the repo syncs over it.
	p.open.Store(true)
	clock.advanceUntil(t, "up to date over the WebSocket", time.Second, time.Minute, settledOn(r, repo.WebSocket))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
}

// A relay that accepts the request but never answers (a hung connection)
// does not stall HTTP sync: the request is given up after its timeout on
// the repo's clock and the poll retried.
func TestHTTPRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	var requests atomic.Int64
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	rel := testrelay.Start(t, nil)
	token := rel.Token(t, "team")
	clock := &manualClock{}
	r := openRepo(t)
	if _, err := r.Create(context.Background(), "create", func(d *crdt.Doc) error { return d.RootMap().Set("k", "v") }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, repo.SyncOptions{
			Dial: (&proxy{}).dialer(rel.SyncURL(token)), HTTP: nativehttp.Poster(hung.URL+"/sync/http", token),
			Clock: clock, Rand: func() float64 { return 0.5 }, Policy: backoff.Policy{Base: time.Second, Max: 4 * time.Second},
			PeerTimeout: 1000 * time.Hour, RetryUnavailable: 1000 * time.Hour,
		})
	}()
	clock.advanceUntil(t, "the hung request given up", 10*time.Second, 5*time.Minute, func() bool {
		s := r.Status()
		return s.Transport == repo.HTTP && s.State == repo.Offline && errors.Is(s.Err, context.DeadlineExceeded)
	})
	clock.advanceUntil(t, "a second request", 10*time.Second, 5*time.Minute, func() bool { return requests.Load() >= 2 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
}
