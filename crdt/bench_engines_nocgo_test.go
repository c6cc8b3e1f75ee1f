//go:build !cgo || js || wasip1

package crdt_test

import "github.com/commonplace/commonplace/crdt/internal/difftest"

// traceEngines is crdt alone where automerge-go cannot build.
func traceEngines() []difftest.TraceEngine {
	return []difftest.TraceEngine{difftest.CrdtTracer()}
}
