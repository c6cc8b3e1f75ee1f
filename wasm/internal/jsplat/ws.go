//go:build js && wasm

package jsplat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/commonplace/commonplace/wasm/repo"
)

// ErrClosed is returned by a connection after it closed.
var ErrClosed = errors.New("jsplat: websocket closed")

// maxQueued bounds frames received but not yet read; a relay that floods
// the app past it gets disconnected instead of exhausting memory.
const maxQueued = 4096

// Dialer returns a repo.Dialer over the global WebSocket (the browser's,
// or the ws package's in Node).
func Dialer(url string) repo.Dialer {
	return func(ctx context.Context) (repo.Conn, error) { return dial(ctx, url) }
}

type wsConn struct {
	ws    js.Value
	funcs []js.Func

	mu     sync.Mutex
	queue  [][]byte
	closed error
	wake   chan struct{} // one token when queue or closed changed
	opened chan error
}

func dial(ctx context.Context, url string) (*wsConn, error) {
	ctor := js.Global().Get("WebSocket")
	if ctor.IsUndefined() {
		return nil, fmt.Errorf("no WebSocket in this environment: %w", ErrJS)
	}
	c := &wsConn{wake: make(chan struct{}, 1), opened: make(chan error, 1)}
	if err := catch(func() { c.ws = ctor.New(url) }); err != nil {
		return nil, fmt.Errorf("websocket %s: %w", url, err)
	}
	c.ws.Set("binaryType", "arraybuffer")
	c.on("open", func(js.Value) { c.signalOpen(nil) })
	c.on("message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Type() == js.TypeString {
			return // the protocol is binary only
		}
		c.push(Bytes(data))
	})
	c.on("error", func(js.Value) { c.signalOpen(fmt.Errorf("websocket error: %w", ErrClosed)) })
	c.on("close", func(ev js.Value) {
		err := fmt.Errorf("code %d: %w", ev.Get("code").Int(), ErrClosed)
		c.signalOpen(err)
		c.fail(err)
		// No event follows close: free the callbacks once this one returned.
		go c.release()
	})
	select {
	case err := <-c.opened:
		if err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

func (c *wsConn) on(event string, fn func(js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(arg0(args))
		return nil
	})
	c.funcs = append(c.funcs, f)
	c.ws.Set("on"+event, f)
}

func (c *wsConn) release() {
	for _, ev := range []string{"onopen", "onmessage", "onerror", "onclose"} {
		c.ws.Set(ev, js.Null())
	}
	for _, f := range c.funcs {
		f.Release()
	}
}

func (c *wsConn) signalOpen(err error) {
	select {
	case c.opened <- err:
	default:
	}
}

func (c *wsConn) notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *wsConn) push(b []byte) {
	c.mu.Lock()
	if c.closed == nil && len(c.queue) >= maxQueued {
		c.closed = fmt.Errorf("more than %d frames unread: %w", maxQueued, ErrClosed)
		c.ws.Call("close")
	}
	if c.closed == nil {
		c.queue = append(c.queue, b)
	}
	c.mu.Unlock()
	c.notify()
}

func (c *wsConn) fail(err error) {
	c.mu.Lock()
	if c.closed == nil {
		c.closed = err
	}
	c.mu.Unlock()
	c.notify()
}

// Send implements repo.Conn.
func (c *wsConn) Send(_ context.Context, b []byte) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed != nil {
		return closed
	}
	if c.ws.Get("readyState").Int() != 1 {
		return fmt.Errorf("send: socket not open: %w", ErrClosed)
	}
	return catch(func() { c.ws.Call("send", Uint8Array(b)) })
}

// Recv implements repo.Conn.
func (c *wsConn) Recv(ctx context.Context) ([]byte, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			b := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			return b, nil
		}
		closed := c.closed
		c.mu.Unlock()
		if closed != nil {
			return nil, closed
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close implements repo.Conn.
func (c *wsConn) Close() error {
	c.fail(fmt.Errorf("closed by the app: %w", ErrClosed))
	_ = catch(func() { c.ws.Call("close") })
	return nil
}
