//go:build cgo && !js && !wasip1

package difftest

import "testing"

// TestHarnessAgainstItself runs histories with automerge-go on both sides:
// every step must agree, so a failure here is a bug in the harness.
func TestHarnessAgainstItself(t *testing.T) {
	p := Pair{A: AutomergeGo(), B: AutomergeGo()}
	steps := 0
	for seed := range uint64(40) {
		h, err := p.Generate(seed, 30)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, h)
		}
		if err := p.Replay(h); err != nil {
			t.Fatalf("seed %d: replay: %v\n%s", seed, err, h)
		}
		steps += len(h.Steps)
	}
	t.Logf("%d steps agreed", steps)
}

// brokenEngine is automerge-go with text splices that drop their last
// character: the harness must notice and shrink the history.
type brokenEngine struct{ Engine }

type brokenDoc struct{ Doc }

func (e brokenEngine) New(actor string) (Doc, error) {
	d, err := e.Engine.New(actor)
	return brokenDoc{d}, err
}

func (d brokenDoc) Edit(op Op) error {
	if rs := []rune(op.Text); op.Kind == TextSplice && len(rs) > 1 {
		op.Text = string(rs[:len(rs)-1])
	}
	return d.Doc.Edit(op)
}

func (d brokenDoc) Merge(other Doc) error {
	if b, ok := other.(brokenDoc); ok {
		other = b.Doc
	}
	return d.Doc.Merge(other)
}

func TestHarnessFindsAndShrinksDifference(t *testing.T) {
	p := Pair{A: AutomergeGo(), B: brokenEngine{AutomergeGo()}}
	for seed := range uint64(50) {
		h, err := p.Generate(seed, 40)
		if err == nil {
			continue
		}
		small := p.Shrink(h, 300)
		if p.Replay(small) == nil {
			t.Fatalf("shrunk history no longer fails:\n%s", small)
		}
		if len(small.Steps) > len(h.Steps) {
			t.Fatalf("shrinking grew the history")
		}
		t.Logf("seed %d: %d steps shrunk to %d:\n%s", seed, len(h.Steps), len(small.Steps), small)
		return
	}
	t.Fatal("a broken engine agreed with automerge-go on 50 histories")
}
