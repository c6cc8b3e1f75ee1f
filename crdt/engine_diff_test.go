//go:build cgo && !js && !wasip1

package crdt_test

import (
	"flag"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/difftest"
)

var (
	diffHistories = flag.Int("crdt.histories", 300, "random histories TestDiffAgainstAutomergeGo runs")
	diffSteps     = flag.Int("crdt.steps", 40, "steps in each random history")
	diffSeed      = flag.Int64("crdt.seed", -1, "run only the history with this seed")
)

// TestDiffAgainstAutomergeGo runs random multi-actor histories (maps,
// lists, texts, counters, nested objects, every scalar type; merges, syncs
// with shuffled changes, incremental saves, saves loaded across engines,
// forks) in automerge-go and crdt side by side. After every step both must
// hold the same document and heads, and every commit must make the same
// change hash. A failing history is shrunk and printed with its seed.
func TestDiffAgainstAutomergeGo(t *testing.T) {
	p := difftest.Pair{A: difftest.AutomergeGo(), B: difftest.Crdt()}
	first, n := uint64(0), uint64(*diffHistories)
	if *diffSeed >= 0 {
		first, n = uint64(*diffSeed), 1
	}
	steps, failures := 0, 0
	for seed := first; seed < first+n; seed++ {
		h, err := p.Generate(seed, *diffSteps)
		steps += len(h.Steps)
		if err == nil {
			continue
		}
		failures++
		small := p.Shrink(h, 400)
		t.Errorf("seed %d: %v\nminimal reproduction (%v):\n%s\nrerun: go test ./crdt -run TestDiffAgainstAutomergeGo -crdt.seed=%d -v",
			seed, err, p.Replay(small), small, seed)
		if failures >= 3 {
			t.Fatalf("stopping after %d failing histories", failures)
		}
	}
	t.Logf("%d histories, %d steps", n, steps)
}
