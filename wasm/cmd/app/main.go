//go:build js && wasm

// Command app is the field app's core compiled to WebAssembly. It installs
// globalThis.commonplace (the JS API of docs/APP-API.md) and then calls
// globalThis.commonplaceReady(). Options come from
// globalThis.commonplaceOptions, read once at start:
//
//	{storage: "memory"}  keep documents in memory instead of IndexedDB
//	                     (Node, tests)
//	{database: "name"}   IndexedDB database name (default "commonplace")
//
// Build: GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o web/static/app.wasm ./wasm/cmd/app
package main

import (
	"context"
	"syscall/js"

	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/internal/jsplat"
	"github.com/commonplace/commonplace/wasm/repo"
)

func main() {
	ctx := context.Background()
	a, err := start(ctx)
	ready := js.Global().Get("commonplaceReady")
	if err != nil {
		if ready.Type() == js.TypeFunction {
			ready.Invoke(err.Error())
		}
		return
	}
	js.Global().Set("commonplace", bridge(ctx, a))
	if ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // serve calls until the page goes away
}

func start(ctx context.Context) (*app.App, error) {
	opts := js.Global().Get("commonplaceOptions")
	option := func(k string) string {
		if opts.Type() != js.TypeObject {
			return ""
		}
		if v := opts.Get(k); v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	}
	var st repo.Storage
	if option("storage") == "memory" {
		st = repo.NewMemory()
	} else {
		name := option("database")
		if name == "" {
			name = "commonplace"
		}
		db, err := jsplat.OpenIDB(ctx, name)
		if err != nil {
			return nil, err
		}
		st = db
	}
	return app.Start(ctx, app.Platform{Storage: st, Fetch: jsplat.Fetch, Dial: jsplat.Dialer,
		SyncPost: jsplat.PostCBOR, Visible: jsplat.Visible})
}
