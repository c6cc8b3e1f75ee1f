//go:build !js

package repo_test

import (
	"context"
	"testing"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/backoff"
	"github.com/commonplace/commonplace/wasm/internal/nativehttp"
	"github.com/commonplace/commonplace/wasm/internal/testrelay"
	"github.com/commonplace/commonplace/wasm/repo"
)

// BenchmarkHTTPFullPoll is one full poll over HTTP sync of 100 documents
// that did not change (the periodic sweep's cost when nothing happened),
// against the stateless handler on Badger; requests/op is what the relay
// serves per sweep.
func BenchmarkHTTPFullPoll(b *testing.B) {
	ctx := context.Background()
	rel := testrelay.StartHTTP(b, nil)
	r, err := repo.Open(ctx, repo.NewMemory(), repo.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for range 100 {
		if _, err := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("body", crdt.NewText("some text")) }); err != nil {
			b.Fatal(err)
		}
	}
	poll, err := repo.FullPoller(r, repo.SyncOptions{
		HTTP: nativehttp.Poster(rel.HTTPSyncURL(), rel.Token(b, "team")), PeerID: "bench",
		Policy: backoff.Default(), Rand: func() float64 { return 0.5 }, Clock: backoff.RealClock{},
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := poll(); err != nil {
		b.Fatal(err)
	}
	if n := r.Unconfirmed(); n != 0 {
		b.Fatalf("%d unconfirmed after the first poll", n)
	}
	before := rel.HTTPSyncRequests.Load()
	for b.Loop() {
		if err := poll(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rel.HTTPSyncRequests.Load()-before)/float64(b.N), "requests/op")
}
