//go:build js && wasm

package jsplat

import (
	"context"
	"fmt"
	"syscall/js"
)

// Fetch is app.Fetch over the global fetch().
func Fetch(ctx context.Context, method, url, token string, body []byte) (int, []byte, error) {
	init := js.Global().Get("Object").New()
	init.Set("method", method)
	headers := js.Global().Get("Object").New()
	headers.Set("Authorization", "Bearer "+token)
	if body != nil {
		headers.Set("Content-Type", "application/json")
		init.Set("body", string(body))
	}
	init.Set("headers", headers)
	init.Set("cache", "no-store")
	var p js.Value
	if err := catch(func() { p = js.Global().Call("fetch", url, init) }); err != nil {
		return 0, nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	resp, err := Await(ctx, p)
	if err != nil {
		return 0, nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	buf, err := Await(ctx, resp.Call("arrayBuffer"))
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", url, err)
	}
	return resp.Get("status").Int(), Bytes(buf), nil
}
