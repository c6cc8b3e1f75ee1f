//go:build cgo && !js && !wasip1

package difftest

import (
	"time"

	"github.com/automerge/automerge-go"
)

// AutomergeGo is the Rust core through automerge-go, the reference engine.
func AutomergeGo() Engine { return automergeGoAPI().Engine() }

// AutomergeGoTracer runs text traces in automerge-go, for benchmarks.
func AutomergeGoTracer() TraceEngine { return automergeGoAPI().Tracer() }

type automergeGoAPIType = API[*automerge.Doc, *automerge.Value, *automerge.Map, *automerge.List, *automerge.Text,
	*automerge.Counter, automerge.Kind, automerge.ChangeHash, *automerge.Change, automerge.CommitOptions]

func automergeGoAPI() *automergeGoAPIType {
	return &automergeGoAPIType{
		Name: "automerge-go", New: automerge.New, Load: automerge.Load,
		LoadChanges: automerge.LoadChanges, SaveChanges: automerge.SaveChanges,
		NewMap: automerge.NewMap, NewList: automerge.NewList, NewText: automerge.NewText, NewCounter: automerge.NewCounter,
		CommitAt: func(at time.Time, empty bool) automerge.CommitOptions {
			return automerge.CommitOptions{Time: &at, AllowEmpty: empty}
		},
		Kinds: map[automerge.Kind]Kind{
			automerge.KindNull: KindNull, automerge.KindBool: KindBool, automerge.KindInt64: KindInt, automerge.KindUint64: KindUint,
			automerge.KindFloat64: KindFloat, automerge.KindStr: KindStr, automerge.KindBytes: KindBytes, automerge.KindTime: KindTime,
			automerge.KindCounter: KindCounter, automerge.KindMap: KindMap, automerge.KindList: KindList, automerge.KindText: KindText,
		},
	}
}
