package history

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the definition: every position not in since or among its
// ancestors.
func naive(n int, deps [][]int, since []int) []int {
	covered := make([]bool, n)
	stack := slices.Clone(since)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if covered[i] {
			continue
		}
		covered[i] = true
		stack = append(stack, deps[i]...)
	}
	var out []int
	for i := range n {
		if !covered[i] {
			out = append(out, i)
		}
	}
	return out
}

func TestNewerThanMatchesDefinition(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 3))
		n := 1 + rng.IntN(60)
		deps := make([][]int, n)
		isDep := make([]bool, n)
		for i := 1; i < n; i++ {
			for range rng.IntN(3) { // each change depends on earlier ones only
				j := rng.IntN(i)
				deps[i] = append(deps[i], j)
				isDep[j] = true
			}
		}
		var heads []int
		for i := range n {
			if !isDep[i] {
				heads = append(heads, i)
			}
		}
		var since []int
		for range rng.IntN(4) {
			since = append(since, rng.IntN(n))
		}
		got := NewerThan(heads, since, func(i int, visit func(int)) {
			for _, j := range deps[i] {
				visit(j)
			}
		})
		if want := naive(n, deps, since); !slices.Equal(got, want) {
			t.Fatalf("seed %d: NewerThan = %v, want %v", seed, got, want)
		}
	}
}
