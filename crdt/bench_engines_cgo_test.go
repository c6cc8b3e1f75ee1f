//go:build cgo && !js && !wasip1

package crdt_test

import "github.com/commonplace/commonplace/crdt/internal/difftest"

// traceEngines are the engines benchmarks compare: crdt and the Rust core.
func traceEngines() []difftest.TraceEngine {
	return []difftest.TraceEngine{difftest.CrdtTracer(), difftest.AutomergeGoTracer()}
}
