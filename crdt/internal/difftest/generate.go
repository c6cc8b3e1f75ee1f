package difftest

import (
	"encoding/hex"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// generator picks steps from the current tree of the replica it edits, so
// every op it makes is valid at the moment it is made.
type generator struct {
	r      *rand.Rand
	actors map[string]bool // used so far: two replicas never share one
}

var mapKeys = []string{"a", "b", "c", "d", "title", "é", "键", "😀", "$x", "long key with spaces"}

var textPieces = []string{"a", "b", "xyz", " ", "\n", "é", "e\u0301", "漢字", "😀", "👍🏼", "\u200d", "Ω", "hello"}

// actor returns a new actor ID, sometimes a short one.
func (g *generator) actor() string {
	for {
		id := make([]byte, 16)
		if g.r.IntN(5) == 0 {
			id = id[:1+g.r.IntN(4)]
		}
		for i := range id {
			id[i] = byte(g.r.IntN(256))
		}
		if s := hex.EncodeToString(id); !g.actors[s] {
			g.actors[s] = true
			return s
		}
	}
}

func (g *generator) str(max int) string {
	n := g.r.IntN(max + 1)
	var b strings.Builder
	for range n {
		b.WriteString(textPieces[g.r.IntN(len(textPieces))])
	}
	return b.String()
}

// scalar returns a random value of a random scalar kind.
func (g *generator) scalar() *Node {
	switch g.r.IntN(10) {
	case 0:
		return &Node{Kind: KindNull}
	case 1:
		return &Node{Kind: KindBool, Bool: g.r.IntN(2) == 0}
	case 2:
		ints := []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64, 1 << 53, g.r.Int64() - g.r.Int64()}
		return &Node{Kind: KindInt, Int: ints[g.r.IntN(len(ints))]}
	case 3:
		uints := []uint64{0, 1, 300, math.MaxUint64, g.r.Uint64()}
		return &Node{Kind: KindUint, Uint: uints[g.r.IntN(len(uints))]}
	case 4:
		floats := []float64{0, 1.5, -2.25, 1e300, 5e-324, math.Inf(1), math.Pi, float64(g.r.IntN(1000)) / 7}
		return &Node{Kind: KindFloat, Float: floats[g.r.IntN(len(floats))]}
	case 5:
		return &Node{Kind: KindStr, Str: g.str(4)}
	case 6:
		b := make([]byte, g.r.IntN(6))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		return &Node{Kind: KindBytes, Bytes: b}
	case 7:
		return &Node{Kind: KindTime, Int: 1700000000000 + g.r.Int64N(1e11) - 5e10}
	case 8:
		return &Node{Kind: KindCounter, Int: g.r.Int64N(201) - 100}
	default:
		return &Node{Kind: KindStr, Str: mapKeys[g.r.IntN(len(mapKeys))]}
	}
}

// value returns a scalar, or below depth 3 sometimes a new object.
func (g *generator) value(depth int) *Node {
	if depth >= 3 || g.r.IntN(10) < 6 {
		return g.scalar()
	}
	switch g.r.IntN(4) {
	case 0:
		n := &Node{Kind: KindMap, Map: map[string]*Node{}}
		for range g.r.IntN(3) {
			n.Map[mapKeys[g.r.IntN(len(mapKeys))]] = g.value(depth + 1)
		}
		return n
	case 1:
		n := &Node{Kind: KindList}
		for range g.r.IntN(3) {
			n.List = append(n.List, g.value(depth+1))
		}
		return n
	default:
		return &Node{Kind: KindText, Str: g.str(3)}
	}
}

// target is an object of the tree ops can address.
type target struct {
	path []any
	node *Node
}

func collect(n *Node, path []any, out []target) []target {
	switch n.Kind {
	case KindMap, KindList, KindText:
		out = append(out, target{path: append([]any(nil), path...), node: n})
	}
	switch n.Kind {
	case KindMap:
		for _, k := range sortedKeys(n.Map) {
			out = collect(n.Map[k], append(path, k), out)
		}
	case KindList:
		for i, c := range n.List {
			out = collect(c, append(path, i), out)
		}
	}
	return out
}

// op makes one op valid against tree, and applies its effect to tree's
// shape only roughly: the caller re-reads the tree after every op.
func (g *generator) op(tree *Node) Op {
	targets := collect(tree, nil, nil)
	t := targets[g.r.IntN(len(targets))]
	depth := len(t.path)
	switch t.node.Kind {
	case KindMap:
		var counters, keys []string
		for _, k := range sortedKeys(t.node.Map) {
			keys = append(keys, k)
			if t.node.Map[k].Kind == KindCounter {
				counters = append(counters, k)
			}
		}
		switch x := g.r.IntN(10); {
		case x < 2 && len(counters) > 0:
			return Op{Kind: MapInc, Path: t.path, Key: counters[g.r.IntN(len(counters))], Delta: g.r.Int64N(21) - 10}
		case x < 4 && len(keys) > 0:
			return Op{Kind: MapDelete, Path: t.path, Key: keys[g.r.IntN(len(keys))]}
		default:
			return Op{Kind: MapSet, Path: t.path, Key: mapKeys[g.r.IntN(len(mapKeys))], Value: g.value(depth)}
		}
	case KindList:
		n := len(t.node.List)
		var counters []int
		for i, c := range t.node.List {
			if c.Kind == KindCounter {
				counters = append(counters, i)
			}
		}
		switch x := g.r.IntN(10); {
		case x < 2 && len(counters) > 0:
			return Op{Kind: ListInc, Path: t.path, Index: counters[g.r.IntN(len(counters))], Delta: g.r.Int64N(21) - 10}
		case x < 4 && n > 0:
			return Op{Kind: ListDelete, Path: t.path, Index: g.r.IntN(n)}
		case x < 5 && n > 0:
			return Op{Kind: ListSet, Path: t.path, Index: g.r.IntN(n), Value: g.value(depth)}
		default:
			return Op{Kind: ListInsert, Path: t.path, Index: g.r.IntN(n + 1), Value: g.value(depth)}
		}
	default: // text: positions count code points, as automerge-go's do
		n := len([]rune(t.node.Str))
		pos := g.r.IntN(n + 1)
		del := 0
		if n > pos && g.r.IntN(3) == 0 {
			del = 1 + g.r.IntN(min(3, n-pos))
		}
		ins := g.str(3)
		if del == 0 && ins == "" {
			ins = "x"
		}
		return Op{Kind: TextSplice, Path: t.path, Index: pos, Del: del, Text: ins}
	}
}

func sortedKeys(m map[string]*Node) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var messages = []string{"", "edit", "ünïcode ✓", strings.Repeat("long message ", 20)}

// commitTime gives a commit timestamp; a few are zero (no time recorded).
func (g *generator) commitTime(step int) int64 {
	if g.r.IntN(8) == 0 {
		return 0
	}
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + int64(step)*1000 + g.r.Int64N(1000)
}
