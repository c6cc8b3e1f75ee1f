//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/notes"
)

// args reads JS arguments: strings, numbers and JSON-able values.
type args []js.Value

func (a args) str(i int) string {
	if i < len(a) && a[i].Type() == js.TypeString {
		return a[i].String()
	}
	return ""
}

func (a args) num(i int) (int, error) {
	if i >= len(a) || a[i].Type() != js.TypeNumber {
		return 0, fmt.Errorf("argument %d must be a number: %w", i+1, notes.ErrInvalid)
	}
	f := a[i].Float()
	if f != float64(int(f)) {
		return 0, fmt.Errorf("argument %d must be an integer: %w", i+1, notes.ErrInvalid)
	}
	return int(f), nil
}

// json decodes argument i through JSON.stringify into v; a missing
// argument leaves v as is.
func (a args) json(i int, v any) error {
	if i >= len(a) || a[i].IsUndefined() {
		return nil
	}
	s := js.Global().Get("JSON").Call("stringify", a[i])
	if s.Type() != js.TypeString {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String()), v); err != nil {
		return fmt.Errorf("argument %d: %v: %w", i+1, err, notes.ErrInvalid)
	}
	return nil
}

// toJS converts a Go result to a JS value through JSON.
func toJS(v any) js.Value {
	switch t := v.(type) {
	case nil:
		return js.Undefined()
	case string:
		return js.ValueOf(t)
	case js.Value:
		return t
	}
	b, err := json.Marshal(v)
	if err != nil {
		return js.Undefined()
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

// jsError is an Error with .code from app.Code.
func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(err.Error())
	e.Set("code", app.Code(err))
	return e
}

// async returns a method that runs fn in a goroutine and resolves a
// Promise with its result: a js.Func callback must never block.
func async(fn func(ctx context.Context, a args) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, in []js.Value) any {
		a := args(append([]js.Value(nil), in...))
		var exec js.Func
		exec = js.FuncOf(func(_ js.Value, pr []js.Value) any {
			resolve, reject := pr[0], pr[1]
			go func() {
				v, err := fn(context.Background(), a)
				if err != nil {
					reject.Invoke(jsError(err))
					return
				}
				resolve.Invoke(toJS(v))
			}()
			return nil
		})
		p := js.Global().Get("Promise").New(exec)
		exec.Release() // the executor ran synchronously
		return p
	})
}

// subscribe returns a method that registers cb (argument cbArg) through
// add and returns the unsubscribe function synchronously.
func subscribe(cbArg int, add func(a args, call func(any)) func()) js.Func {
	return js.FuncOf(func(_ js.Value, in []js.Value) any {
		if cbArg >= len(in) || in[cbArg].Type() != js.TypeFunction {
			// A panic here would stop the whole core; report and do nothing.
			js.Global().Get("console").Call("error", jsError(fmt.Errorf("argument %d must be a function: %w", cbArg+1, notes.ErrInvalid)))
			return js.FuncOf(func(js.Value, []js.Value) any { return nil })
		}
		cb := in[cbArg]
		unsub := add(args(in), func(v any) { cb.Invoke(toJS(v)) })
		var off js.Func
		off = js.FuncOf(func(js.Value, []js.Value) any {
			unsub()
			return nil
		})
		return off
	})
}

func bridge(ctx context.Context, a *app.App) js.Value {
	o := js.Global().Get("Object").New()
	set := func(name string, fn func(ctx context.Context, in args) (any, error)) { o.Set(name, async(fn)) }

	set("join", func(ctx context.Context, in args) (any, error) { return a.Join(ctx, in.str(0)) })
	set("session", func(context.Context, args) (any, error) { return a.Session(), nil })
	set("setProfile", func(ctx context.Context, in args) (any, error) {
		var p app.Profile
		if err := in.json(0, &p); err != nil {
			return nil, err
		}
		return nil, a.SetProfile(ctx, p)
	})
	set("status", func(context.Context, args) (any, error) { return a.Status(), nil })
	set("members", func(context.Context, args) (any, error) { return a.Members(), nil })
	set("listNotes", func(_ context.Context, in args) (any, error) {
		var f notes.Filter
		if err := in.json(0, &f); err != nil {
			return nil, err
		}
		return a.ListNotes(f), nil
	})
	set("createNote", func(ctx context.Context, in args) (any, error) {
		var o struct {
			Kind    string `json:"kind"`
			Title   string `json:"title"`
			Private bool   `json:"private"`
		}
		if err := in.json(0, &o); err != nil {
			return nil, err
		}
		return a.CreateNote(ctx, o.Kind, o.Title, o.Private)
	})
	set("getNote", func(_ context.Context, in args) (any, error) { return a.GetNote(in.str(0)) })
	set("editText", func(ctx context.Context, in args) (any, error) {
		idx, err := in.num(2)
		if err != nil {
			return nil, err
		}
		del, err := in.num(3)
		if err != nil {
			return nil, err
		}
		return nil, a.EditText(ctx, in.str(0), in.str(1), idx, del, in.str(4))
	})
	set("setField", func(ctx context.Context, in args) (any, error) {
		var v any
		if err := in.json(2, &v); err != nil {
			return nil, err
		}
		return nil, a.SetField(ctx, in.str(0), in.str(1), v)
	})
	set("resolveConflict", func(ctx context.Context, in args) (any, error) {
		var v any
		if err := in.json(2, &v); err != nil {
			return nil, err
		}
		return nil, a.ResolveConflict(ctx, in.str(0), in.str(1), v)
	})
	set("history", func(_ context.Context, in args) (any, error) { return a.History(in.str(0)) })
	set("noteAt", func(_ context.Context, in args) (any, error) {
		var heads []string
		if err := in.json(1, &heads); err != nil {
			return nil, err
		}
		return a.NoteAt(in.str(0), heads)
	})
	set("shareNote", func(ctx context.Context, in args) (any, error) { return a.ShareNote(ctx, in.str(0)) })
	set("exportMarkdown", func(_ context.Context, in args) (any, error) { return a.ExportMarkdown(in.str(0)) })
	set("personalLink", func(ctx context.Context, _ args) (any, error) { return a.PersonalLink(ctx) })

	o.Set("onStatus", subscribe(0, func(_ args, call func(any)) func() {
		return a.OnStatus(func(s app.StatusView) { call(s) })
	}))
	o.Set("onError", subscribe(0, func(_ args, call func(any)) func() {
		return a.OnError(func(err error) { call(jsError(err)) })
	}))
	o.Set("onNoteChange", subscribe(1, func(in args, call func(any)) func() {
		return a.OnNoteChange(in.str(0), func(c app.NoteChange) { call(c) })
	}))
	return o
}
