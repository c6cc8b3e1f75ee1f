//go:build js && wasm

// Command wasmpeer exposes crdt documents and their sync states to
// JavaScript, so that scripts/js/sync/wasm-sync.test.mjs can sync crdt compiled
// to WebAssembly with @automerge/automerge in the same Node process. It
// installs globalThis.crdtPeer and then blocks; every function takes and
// returns plain JS values (numbers, strings, Uint8Array, null).
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/commonplace/commonplace/crdt"
)

type peer struct {
	doc   *crdt.Doc
	state *crdt.SyncState
}

func main() {
	var peers []*peer
	get := func(args []js.Value) *peer { return peers[args[0].Int()] }
	add := func(d *crdt.Doc) any {
		peers = append(peers, &peer{doc: d, state: crdt.NewSyncState(d)})
		return len(peers) - 1
	}
	api := map[string]any{
		// load(bytes) -> id: a document loaded from Automerge bytes.
		"load": func(args []js.Value) (any, error) {
			d, err := crdt.Load(bytesOf(args[0]))
			if err != nil {
				return nil, err
			}
			return add(d), nil
		},
		// set(id, key, int): one map write, committed.
		"set": func(args []js.Value) (any, error) {
			d := get(args).doc
			if err := d.RootMap().Set(args[1].String(), int64(args[2].Int())); err != nil {
				return nil, err
			}
			_, err := d.Commit("")
			return nil, err
		},
		// reconnect(id): a fresh sync state, as after a lost connection.
		"reconnect": func(args []js.Value) (any, error) {
			p := get(args)
			p.state = crdt.NewSyncState(p.doc)
			return nil, nil
		},
		// generate(id) -> Uint8Array | null
		"generate": func(args []js.Value) (any, error) {
			m, ok := get(args).state.GenerateMessage()
			if !ok {
				return nil, nil
			}
			return toJS(m.Bytes()), nil
		},
		// receive(id, Uint8Array)
		"receive": func(args []js.Value) (any, error) {
			_, err := get(args).state.ReceiveMessage(bytesOf(args[1]))
			return nil, err
		},
		// heads(id) -> sorted hex strings
		"heads": func(args []js.Value) (any, error) {
			var out []any
			for _, h := range get(args).doc.Heads() {
				out = append(out, h.String())
			}
			return out, nil
		},
		// json(id) -> the root map as JSON
		"json": func(args []js.Value) (any, error) {
			m, err := crdt.As[map[string]any](get(args).doc.Root())
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(m)
			return string(b), err
		},
		// save(id) -> Uint8Array
		"save": func(args []js.Value) (any, error) { return toJS(get(args).doc.Save()), nil },
	}
	obj := js.Global().Get("Object").New()
	for name, f := range api {
		fn := f.(func([]js.Value) (any, error))
		obj.Set(name, js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
			defer func() {
				if r := recover(); r != nil {
					result = js.Global().Get("Error").New(fmt.Sprint("panic: ", r))
				}
			}()
			v, err := fn(args)
			if err != nil {
				return js.Global().Get("Error").New(err.Error())
			}
			return v
		}))
	}
	js.Global().Set("crdtPeer", obj)
	select {}
}

func bytesOf(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

func toJS(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}
