//go:build js && wasm

package jsplat

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/commonplace/commonplace/wasm/repo"
)

// IDB is a repo.Storage in one IndexedDB object store.
type IDB struct {
	db js.Value
}

const storeName = "kv"

// OpenIDB opens (or creates) database name.
func OpenIDB(ctx context.Context, name string) (*IDB, error) {
	idb := js.Global().Get("indexedDB")
	if idb.IsUndefined() || idb.IsNull() {
		return nil, fmt.Errorf("indexedDB is not available: %w", repo.ErrStorage)
	}
	var req js.Value
	if err := catch(func() { req = idb.Call("open", name, 1) }); err != nil {
		return nil, fmt.Errorf("open %s: %w: %w", name, err, repo.ErrStorage)
	}
	upgrade := js.FuncOf(func(js.Value, []js.Value) any {
		db := req.Get("result")
		if !db.Get("objectStoreNames").Call("contains", storeName).Bool() {
			db.Call("createObjectStore", storeName)
		}
		return nil
	})
	defer upgrade.Release()
	req.Set("onupgradeneeded", upgrade)
	if _, err := waitRequest(ctx, req, "onsuccess"); err != nil {
		return nil, fmt.Errorf("open %s: %w: %w", name, err, repo.ErrStorage)
	}
	return &IDB{db: req.Get("result")}, nil
}

// waitRequest waits for an IDB request or transaction to fire ok or fail.
func waitRequest(ctx context.Context, target js.Value, ok string) (js.Value, error) {
	// Callbacks must never block: the first outcome wins, later ones
	// (an abort after an error) are dropped.
	ch := make(chan error, 1)
	report := func(err error) {
		select {
		case ch <- err:
		default:
		}
	}
	done := js.FuncOf(func(js.Value, []js.Value) any { report(nil); return nil })
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := target.Get("error")
		if e.IsNull() || e.IsUndefined() {
			report(fmt.Errorf("indexedDB request failed: %w", ErrJS))
		} else {
			report(fmt.Errorf("%s: %w", describe(e), ErrJS))
		}
		return nil
	})
	defer done.Release()
	defer fail.Release()
	target.Set(ok, done)
	target.Set("onerror", fail)
	if ok == "oncomplete" {
		target.Set("onabort", fail)
	}
	select {
	case err := <-ch:
		return target, err
	case <-ctx.Done():
		return target, ctx.Err()
	}
}

// List implements repo.Storage.
func (s *IDB) List(ctx context.Context, prefix string) ([]repo.Entry, error) {
	var tx, keysReq, valsReq js.Value
	err := catch(func() {
		tx = s.db.Call("transaction", storeName, "readonly")
		st := tx.Call("objectStore", storeName)
		rng := js.Global().Get("IDBKeyRange").Call("bound", prefix, prefix+"\uffff")
		keysReq = st.Call("getAllKeys", rng)
		valsReq = st.Call("getAll", rng)
	})
	if err != nil {
		return nil, fmt.Errorf("list %q: %w: %w", prefix, err, repo.ErrStorage)
	}
	// Both requests have succeeded once their transaction completes; the
	// handler is set before this goroutine blocks, so no event is missed.
	if _, err := waitRequest(ctx, tx, "oncomplete"); err != nil {
		return nil, fmt.Errorf("list %q: %w: %w", prefix, err, repo.ErrStorage)
	}
	keys, vals := keysReq.Get("result"), valsReq.Get("result")
	n := keys.Length()
	if vals.Length() != n {
		return nil, fmt.Errorf("list %q: %d keys but %d values: %w", prefix, n, vals.Length(), repo.ErrStorage)
	}
	out := make([]repo.Entry, n)
	for i := range n {
		out[i] = repo.Entry{Key: keys.Index(i).String(), Value: Bytes(vals.Index(i))}
	}
	return out, nil
}

// Write implements repo.Storage: one readwrite transaction with strict
// durability, done when its complete event fires.
func (s *IDB) Write(ctx context.Context, ops []repo.Op) error {
	var tx js.Value
	err := catch(func() {
		opts := js.Global().Get("Object").New()
		opts.Set("durability", "strict")
		tx = s.db.Call("transaction", storeName, "readwrite", opts)
		st := tx.Call("objectStore", storeName)
		for _, op := range ops {
			if op.Delete {
				st.Call("delete", op.Key)
			} else {
				st.Call("put", Uint8Array(op.Value), op.Key)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("write: %w: %w", err, repo.ErrStorage)
	}
	if _, err := waitRequest(ctx, tx, "oncomplete"); err != nil {
		return fmt.Errorf("write: %w: %w", err, repo.ErrStorage)
	}
	return nil
}
