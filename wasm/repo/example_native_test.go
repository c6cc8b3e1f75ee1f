//go:build !js

package repo_test

import (
	"context"
	"fmt"
	"time"

	"github.com/commonplace/commonplace/wasm/internal/nativehttp"
	"github.com/commonplace/commonplace/wasm/internal/nativews"
	"github.com/commonplace/commonplace/wasm/repo"
)

// Run with an HTTP fallback: after two failed WebSocket attempts the repo
// syncs over POST /sync/http, polling, and goes back to the WebSocket once
// it connects. Status().Transport says which one carries the sync.
func ExampleRepo_Run_httpFallback() {
	r, err := repo.Open(context.Background(), repo.NewMemory(), repo.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stop := r.Watch("2v3rkia9QeE2R9cBqPSwB1RjJmDw") // a note on screen: polled every interval
	defer stop()
	err = r.Run(ctx, repo.SyncOptions{
		Dial: nativews.Dialer("wss://relay.example/sync?token=T"),
		HTTP: nativehttp.Poster("https://relay.example/sync/http", "T"),
		Poll: repo.PollOptions{Interval: 5 * time.Second, FullEvery: 12},
	})
	fmt.Println(err, r.Status().Transport)
}
