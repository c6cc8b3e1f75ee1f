//go:build cgo && !js && !wasip1

package crdt_test

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/crdt"
)

var updateOverwrite = flag.Bool("crdt.update-overwrite", false,
	"rewrite testdata/overwrite from crdt's Save instead of comparing with it")

// checkGoldenSave compares saved with testdata/overwrite/name, which holds
// what crdt saved for the same history when it scanned every op at a key:
// the index of visible ops must not change a byte.
func checkGoldenSave(t *testing.T, name string, saved []byte) {
	t.Helper()
	path := filepath.Join("testdata", "overwrite", name)
	if *updateOverwrite {
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, saved, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	must(t, err)
	if !bytes.Equal(saved, want) {
		t.Fatalf("Save: %d bytes differ from the %d of %s", len(saved), len(want), path)
	}
}

// overwriteReplicas is how many automerge-go peers edit the histories of
// TestOverwriteHistoriesMatchAutomergeGo.
const overwriteReplicas = 4

// overwriteEdit makes one random edit to peer d (peer number p) that
// piles ops onto a few keys and elements: overwrites of shared and own
// keys, deletes, counter increments in a map and a list, list overwrites
// and deletes.
func overwriteEdit(rng *rand.Rand, d *am.Doc, p int) error {
	root := d.RootMap()
	switch r := rng.IntN(10); {
	case r < 3:
		return root.Set(fmt.Sprintf("shared%d", rng.IntN(2)), int64(rng.IntN(1000)))
	case r < 5:
		return root.Set(fmt.Sprintf("own%d", p), fmt.Sprintf("v%d", rng.IntN(1000)))
	case r < 6:
		return root.Delete(fmt.Sprintf("shared%d", rng.IntN(2)))
	case r < 7:
		v, err := root.Get("n")
		if err != nil {
			return err
		}
		return v.Counter().Inc(int64(rng.IntN(9) - 4))
	}
	lv, err := root.Get("l")
	if err != nil {
		return err
	}
	l := lv.List()
	n := l.Len()
	switch r := rng.IntN(4); {
	case n == 0 || r == 0 && n < 6:
		return l.Append(int64(rng.IntN(100)))
	case r == 1 && n > 2:
		return l.Delete(rng.IntN(n))
	case r == 2:
		v, err := l.Get(0)
		if err == nil && v.Kind() == am.KindCounter {
			return v.Counter().Inc(1)
		}
		return l.Set(0, am.NewCounter(0))
	default:
		return l.Set(rng.IntN(n), int64(rng.IntN(100)))
	}
}

// overwriteHistory has overwriteReplicas automerge-go peers make edits
// edits with merges between them (so that writes conflict), and returns
// one peer with everything merged.
func overwriteHistory(t *testing.T, seed uint64, edits int) *am.Doc {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	ts := time.UnixMilli(1700000000000)
	base := am.New()
	must(t, base.SetActorID("ff"))
	must(t, base.RootMap().Set("n", am.NewCounter(0)))
	must(t, base.RootMap().Set("l", am.NewList()))
	_, err := base.Commit("", am.CommitOptions{Time: &ts})
	must(t, err)
	peers := make([]*am.Doc, overwriteReplicas)
	for i := range peers {
		if peers[i], err = base.Fork(); err != nil {
			t.Fatal(err)
		}
		must(t, peers[i].SetActorID(fmt.Sprintf("%02x", 0x10+i)))
	}
	for range edits {
		p := rng.IntN(len(peers))
		if q := rng.IntN(len(peers)); q != p && rng.IntN(8) == 0 {
			if _, err := peers[p].Merge(peers[q]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		must(t, overwriteEdit(rng, peers[p], p))
		// An edit may change nothing (a delete of a deleted key, a set to
		// the value already there), which leaves nothing to commit.
		if _, err := peers[p].Commit("", am.CommitOptions{Time: &ts}); err != nil && err.Error() != "Commit is empty" {
			t.Fatal(err)
		}
	}
	for _, p := range peers[1:] {
		if _, err := peers[0].Merge(p); err != nil {
			t.Fatal(err)
		}
	}
	return peers[0]
}

// TestOverwriteHistoriesMatchAutomergeGo builds histories in which a few
// map keys and list elements collect long runs of overwritten, deleted and
// incremented ops from concurrent peers, and checks that crdt, taking the
// changes one at a time, agrees with automerge-go: the same values, the
// same Save bytes, the same values in views at past heads; and that its
// answers for the current state (kept by an index of visible ops) match
// the ones it computes by scanning every op, through a view at its heads.
func TestOverwriteHistoriesMatchAutomergeGo(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ref := overwriteHistory(t, seed, 400)
			amChanges, err := ref.Changes()
			must(t, err)
			ours := crdt.New()
			for i, c := range amChanges {
				ch, err := crdt.LoadChanges(c.Save())
				must(t, err)
				if err := ours.Apply(ch...); err != nil {
					t.Fatalf("change %d: %v", i, err)
				}
			}
			want := ref.Root().Interface()
			if got := ours.Root().Interface(); !reflect.DeepEqual(got, want) {
				t.Fatalf("values differ:\ncrdt         %v\nautomerge-go %v", got, want)
			}
			saved := ours.Save()
			checkGoldenSave(t, fmt.Sprintf("seed%d.automerge", seed), saved)
			back, err := am.Load(saved)
			must(t, err)
			if a, b := fmt.Sprint(back.Heads()), fmt.Sprint(ref.Heads()); a != b {
				t.Fatalf("automerge-go loads crdt's Save with heads %s, want %s", a, b)
			}
			// (automerge-go's Interface fails on a counter in a list of a
			// loaded document, so its reading is compared through crdt.)
			resaved, err := crdt.Load(back.Save())
			must(t, err)
			if got := resaved.Root().Interface(); !reflect.DeepEqual(got, want) {
				t.Fatalf("crdt's Save through automerge-go reads %v, want %v", got, want)
			}
			loaded, err := crdt.Load(saved)
			must(t, err)
			if again := loaded.Save(); !bytes.Equal(again, saved) {
				t.Fatal("Load then Save changes the bytes")
			}
			checkIndexAgainstScan(t, ours)
			checkIndexAgainstScan(t, loaded)
			for i := 0; i < len(amChanges); i += len(amChanges) / 8 {
				h := amChanges[i].Hash()
				past, err := ref.Fork(h)
				must(t, err)
				v, err := ours.View(crdt.ChangeHash(h))
				must(t, err)
				if got, want := v.Root().Interface(), past.Root().Interface(); !reflect.DeepEqual(got, want) {
					t.Fatalf("view at change %d: %v, automerge-go %v", i, got, want)
				}
			}
		})
	}
}

// checkIndexAgainstScan compares what d answers for its current state with
// what a view at its current heads (which reads every op) answers.
func checkIndexAgainstScan(t *testing.T, d *crdt.Doc) {
	t.Helper()
	v, err := d.View(d.Heads()...)
	must(t, err)
	now, then := d.RootMap(), v.RootMap()
	if now.Len() != then.Len() {
		t.Fatalf("Len %d, by scan %d", now.Len(), then.Len())
	}
	for _, k := range []string{"shared0", "shared1", "own0", "own1", "own2", "own3", "n"} {
		a, err := now.Conflicts(k)
		must(t, err)
		b, err := then.Conflicts(k)
		must(t, err)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("Conflicts(%q) %v, by scan %v", k, a, b)
		}
	}
	l, err := now.Get("l")
	must(t, err)
	lv, err := then.Get("l")
	must(t, err)
	for i := range l.List().Len() {
		a, err := l.List().Conflicts(i)
		must(t, err)
		b, err := lv.List().Conflicts(i)
		must(t, err)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("list Conflicts(%d) %v, by scan %v", i, a, b)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
