package difftest

import (
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// Crdt is the pure-Go engine under test.
func Crdt() Engine { return crdtAPI().Engine() }

// CrdtTracer runs text traces in crdt, for benchmarks.
func CrdtTracer() TraceEngine { return crdtAPI().Tracer() }

type crdtAPIType = API[*crdt.Doc, *crdt.Value, *crdt.Map, *crdt.List, *crdt.Text,
	*crdt.Counter, crdt.Kind, crdt.ChangeHash, *crdt.Change, crdt.CommitOptions]

func crdtAPI() *crdtAPIType {
	return &crdtAPIType{
		Name: "crdt", New: crdt.New, Load: crdt.Load,
		LoadChanges: crdt.LoadChanges, SaveChanges: crdt.SaveChanges,
		NewMap: crdt.NewMap, NewList: crdt.NewList, NewText: crdt.NewText, NewCounter: crdt.NewCounter,
		CommitAt: func(at time.Time, empty bool) crdt.CommitOptions {
			return crdt.CommitOptions{Time: &at, AllowEmpty: empty}
		},
		Kinds: map[crdt.Kind]Kind{
			crdt.KindNull: KindNull, crdt.KindBool: KindBool, crdt.KindInt64: KindInt, crdt.KindUint64: KindUint,
			crdt.KindFloat64: KindFloat, crdt.KindStr: KindStr, crdt.KindBytes: KindBytes, crdt.KindTime: KindTime,
			crdt.KindCounter: KindCounter, crdt.KindMap: KindMap, crdt.KindList: KindList, crdt.KindText: KindText,
		},
	}
}
