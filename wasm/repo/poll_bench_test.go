//go:build !js

package repo

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/backoff"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
)

// BenchmarkHTTPFullPoll is one full poll over HTTP sync of 100 documents
// that did not change (the periodic sweep's cost when nothing happened),
// against the stateless handler on Badger; requests/op is what the relay
// serves per sweep.
func BenchmarkHTTPFullPoll(b *testing.B) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(b, nil)
	token := rel.Token(b, "team")
	r, err := Open(ctx, NewMemory(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for range 100 {
		if _, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("body", crdt.NewText("some text")) }); err != nil {
			b.Fatal(err)
		}
	}
	post := func(ctx context.Context, body []byte) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, rel.HTTPSyncURL(), bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}
	o := SyncOptions{HTTP: post, PeerID: "bench", Policy: backoff.Default(), Rand: func() float64 { return 0.5 }, Clock: backoff.RealClock{}}
	p, err := newPoller(r, o)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.poll(ctx, scopeAll); err != nil {
		b.Fatal(err)
	}
	if n := r.Unconfirmed(); n != 0 {
		b.Fatalf("%d unconfirmed after the first poll", n)
	}
	before := rel.HTTPSyncRequests.Load()
	b.ResetTimer()
	for b.Loop() {
		if err := p.poll(ctx, scopeAll); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rel.HTTPSyncRequests.Load()-before)/float64(b.N), "requests/op")
}
