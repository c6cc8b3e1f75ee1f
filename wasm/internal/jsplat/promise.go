//go:build js && wasm

// Package jsplat is the browser half of the core: IndexedDB storage, the
// WebSocket connection and fetch, over syscall/js. Nothing here blocks a
// JavaScript callback: callbacks only hand values to goroutines.
package jsplat

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
)

// ErrJS wraps an exception or rejection from JavaScript.
var ErrJS = errors.New("jsplat: javascript error")

// Await waits for promise p from a goroutine (never from a js.Func).
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	// The callbacks release themselves when the promise settles, so an
	// Await abandoned by ctx never leaves a released function for JS to call.
	settle := func(r result) {
		ch <- r
		onOK.Release()
		onErr.Release()
	}
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		settle(result{v: arg0(args)})
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		settle(result{err: fmt.Errorf("%s: %w", describe(arg0(args)), ErrJS)})
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// describe renders a JS error or value as text.
func describe(v js.Value) string {
	if v.Type() == js.TypeObject {
		name, msg := v.Get("name"), v.Get("message")
		if msg.Type() == js.TypeString {
			if name.Type() == js.TypeString {
				return name.String() + ": " + msg.String()
			}
			return msg.String()
		}
	}
	return js.Global().Get("String").Invoke(v).String()
}

// Bytes copies a Uint8Array or ArrayBuffer into Go.
func Bytes(v js.Value) []byte {
	if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		v = js.Global().Get("Uint8Array").New(v)
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Uint8Array copies b into a new JS Uint8Array.
func Uint8Array(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// catch runs fn and turns a JS exception (a panic with js.Error) into an error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = fmt.Errorf("%s: %w", describe(je.Value), ErrJS)
				return
			}
			panic(r)
		}
	}()
	fn()
	return nil
}
