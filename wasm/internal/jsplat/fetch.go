//go:build js && wasm

package jsplat

import (
	"context"
	"fmt"
	"syscall/js"
)

// Fetch is app.Fetch over the global fetch(): the relay's JSON API.
func Fetch(ctx context.Context, method, url, token string, body []byte) (int, []byte, error) {
	return request(ctx, method, url, token, "application/json", body)
}

// PostCBOR is app.Platform.SyncPost over the global fetch(): one HTTP
// sync request.
func PostCBOR(ctx context.Context, url, token string, body []byte) (int, []byte, error) {
	return request(ctx, "POST", url, token, "application/cbor", body)
}

// request does one fetch() with a bearer token and, if body is not nil,
// a body of contentType; it returns the status and the whole answer.
func request(ctx context.Context, method, url, token, contentType string, body []byte) (int, []byte, error) {
	init := js.Global().Get("Object").New()
	init.Set("method", method)
	headers := js.Global().Get("Object").New()
	headers.Set("Authorization", "Bearer "+token)
	if body != nil {
		headers.Set("Content-Type", contentType)
		init.Set("body", Uint8Array(body))
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

// Visible reports whether the app is on screen: document.visibilityState
// is "visible" on a page; in a Worker, which has no document, the page
// tells the core by setting globalThis.commonplaceVisible (a boolean).
// Without either (Node) it reports true.
func Visible() bool {
	g := js.Global()
	if doc := g.Get("document"); doc.Type() == js.TypeObject {
		if v := doc.Get("visibilityState"); v.Type() == js.TypeString {
			return v.String() == "visible"
		}
	}
	if v := g.Get("commonplaceVisible"); v.Type() == js.TypeBoolean {
		return v.Bool()
	}
	return true
}
