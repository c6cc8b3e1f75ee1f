//go:build js && wasm

package jsplat

import (
	"bytes"
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"
)

func TestAwait(t *testing.T) {
	ctx := context.Background()
	promise := js.Global().Get("Promise")
	v, err := Await(ctx, promise.Call("resolve", 42))
	if err != nil || v.Int() != 42 {
		t.Fatalf("resolve: %v %v", v, err)
	}
	_, err = Await(ctx, promise.Call("reject", js.Global().Get("Error").New("boom")))
	if !errors.Is(err, ErrJS) || err.Error() != "Error: boom: jsplat: javascript error" {
		t.Fatalf("reject: %v", err)
	}
	// A promise that never settles gives way to ctx.
	never := promise.New(js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := Await(cctx, never); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("never: %v", err)
	}
}

func TestBytesRoundTrip(t *testing.T) {
	for _, b := range [][]byte{{}, {0, 1, 255}, bytes.Repeat([]byte{7}, 1<<16)} {
		a := Uint8Array(b)
		if got := Bytes(a); !bytes.Equal(got, b) {
			t.Fatalf("Uint8Array round trip of %d bytes", len(b))
		}
		if got := Bytes(a.Get("buffer")); !bytes.Equal(got, b) {
			t.Fatalf("ArrayBuffer round trip of %d bytes", len(b))
		}
	}
}

func TestCatch(t *testing.T) {
	err := catch(func() { js.Global().Call("eval", "throw new TypeError('bad')") })
	if !errors.Is(err, ErrJS) {
		t.Fatalf("catch: %v", err)
	}
}

func TestWithoutBrowserAPIs(t *testing.T) {
	ctx := context.Background()
	if js.Global().Get("indexedDB").IsUndefined() {
		if _, err := OpenIDB(ctx, "x"); err == nil {
			t.Fatal("OpenIDB without indexedDB succeeded")
		}
	}
	if js.Global().Get("WebSocket").IsUndefined() {
		if _, err := Dialer("ws://127.0.0.1:1/")(ctx); !errors.Is(err, ErrJS) {
			t.Fatalf("dial without WebSocket: %v", err)
		}
	}
}

func TestVisible(t *testing.T) {
	g := js.Global()
	if !g.Get("document").IsUndefined() {
		t.Skip("runs where there is no document (Node)")
	}
	defer g.Delete("commonplaceVisible")
	tests := []struct {
		set  any
		want bool
	}{
		{nil, true},
		{false, false},
		{true, true},
		{"no", true}, // not a boolean: ignored
	}
	for _, tt := range tests {
		if tt.set == nil {
			g.Delete("commonplaceVisible")
		} else {
			g.Set("commonplaceVisible", tt.set)
		}
		if got := Visible(); got != tt.want {
			t.Errorf("commonplaceVisible=%v: Visible() = %v, want %v", tt.set, got, tt.want)
		}
	}
}
