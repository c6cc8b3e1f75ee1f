package crdt_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/crdt/internal/difftest"
)

// golden is one document @automerge/automerge wrote with
// scripts/js/golden/generate.mjs.
type golden struct {
	name           string
	saved, changes []byte
	json           []byte // typed JSON, no trailing newline
	heads          string // sorted hex, one per line
}

func loadGoldens(t testing.TB) []golden {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.automerge"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden documents in testdata/golden (%v): run node golden/generate.mjs in scripts/js", err)
	}
	var out []golden
	for _, p := range paths {
		base := strings.TrimSuffix(p, ".automerge")
		g := golden{name: filepath.Base(base)}
		read := func(ext string) []byte {
			b, err := os.ReadFile(base + ext)
			if err != nil {
				t.Fatalf("golden %s: %v", g.name, err)
			}
			return b
		}
		g.saved, g.changes = read(".automerge"), read(".changes")
		g.json = bytes.TrimSuffix(read(".json"), []byte("\n"))
		g.heads = string(read(".heads"))
		out = append(out, g)
	}
	return out
}

func headsText(hs []difftest.Hash) string {
	var b strings.Builder
	for _, h := range difftest.SortedHashes(hs) {
		b.WriteString(h.String() + "\n")
	}
	return b.String()
}

// checkDoc compares a document with a golden's JSON and heads.
func checkDoc(t *testing.T, what string, d difftest.Doc, wantJSON []byte, wantHeads string) {
	t.Helper()
	tree, err := d.Tree()
	if err != nil {
		t.Fatalf("%s: read: %v", what, err)
	}
	if got := tree.JSON(); !bytes.Equal(got, wantJSON) {
		if same, err := difftest.SameJSON(got, wantJSON); err != nil || !same {
			t.Errorf("%s: documents differ\n got: %s\nwant: %s", what, got, wantJSON)
		}
	}
	if got := headsText(d.Heads()); got != wantHeads {
		t.Errorf("%s: heads differ\n got: %s\nwant: %s", what, got, wantHeads)
	}
}

// TestGoldenLoad reads every golden document in crdt: its save, its change
// chunks through LoadChanges and Apply, and through LoadIncremental; then
// crdt's own Save of it must load back the same.
func TestGoldenLoad(t *testing.T) {
	e := difftest.Crdt()
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			d, err := e.Load(g.saved)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			checkDoc(t, "Load", d, g.json, g.heads)

			again, err := e.Load(d.Save())
			if err != nil {
				t.Fatalf("load crdt's save: %v", err)
			}
			checkDoc(t, "Load(Save())", again, g.json, g.heads)

			cs, err := e.LoadChanges(g.changes)
			if err != nil {
				t.Fatalf("load changes: %v", err)
			}
			applied, err := e.New("ff")
			if err != nil {
				t.Fatal(err)
			}
			if err := applied.Apply(cs...); err != nil {
				t.Fatalf("apply changes: %v", err)
			}
			checkDoc(t, "LoadChanges+Apply", applied, g.json, g.heads)

			inc, err := e.New("ff")
			if err != nil {
				t.Fatal(err)
			}
			if err := inc.LoadIncremental(g.changes); err != nil {
				t.Fatalf("load incremental: %v", err)
			}
			checkDoc(t, "LoadIncremental", inc, g.json, g.heads)
		})
	}
}

// exportDir is where TestGoldenExportForNode writes crdt's documents for
// scripts/js/golden/verify.mjs; unset, the test is skipped.
const exportDirEnv = "CRDT_GOLDEN_OUT"

// TestGoldenExportForNode writes documents crdt saved, for
// @automerge/automerge to check (scripts/js/golden/verify.mjs runs it):
// every golden document loaded and edited in crdt, and one made by crdt
// alone. Each gets NAME.automerge (Save), NAME.changes (SaveChanges of all
// changes), NAME.json and NAME.heads as crdt sees them.
func TestGoldenExportForNode(t *testing.T) {
	dir := os.Getenv(exportDirEnv)
	if dir == "" {
		t.Skipf("set %s to a directory to export crdt's documents for verify.mjs", exportDirEnv)
	}
	for _, g := range loadGoldens(t) {
		d, err := crdt.Load(g.saved)
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		if err := d.SetActorID("c0ffee"); err != nil {
			t.Fatal(err)
		}
		if err := editInCrdt(d); err != nil {
			t.Fatalf("%s: edit: %v", g.name, err)
		}
		export(t, dir, g.name+"_crdt_edit", d)
	}
	d := crdt.New()
	if err := d.SetActorID("c0ffee01"); err != nil {
		t.Fatal(err)
	}
	if err := editInCrdt(d); err != nil {
		t.Fatalf("crdt_only: %v", err)
	}
	other, err := d.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.SetActorID("beef02"); err != nil {
		t.Fatal(err)
	}
	if err := editInCrdt(other); err != nil {
		t.Fatal(err)
	}
	if err := editInCrdt(d); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Merge(other); err != nil {
		t.Fatal(err)
	}
	export(t, dir, "crdt_only", d)
}

// editInCrdt writes every scalar type, text with non-ASCII characters, a
// nested list and a counter under the key "crdt", and commits.
func editInCrdt(d *crdt.Doc) error {
	root := d.RootMap()
	v, err := root.Get("crdt")
	if err != nil {
		return err
	}
	if v.IsVoid() {
		m := crdt.NewMap()
		if err := root.Set("crdt", m); err != nil {
			return err
		}
		for _, kv := range []struct {
			k string
			v any
		}{
			{"null", nil}, {"bool", true}, {"int", int64(-42)}, {"uint", uint64(42)}, {"float", 2.5},
			{"str", "ünï 😀"}, {"bytes", []byte{0, 255}}, {"time", time.UnixMilli(1700000000123)},
			{"counter", crdt.NewCounter(1)}, {"text", crdt.NewText("漢字 e\u0301 👍🏼")},
			{"list", []any{int64(1), "two", 3.5}},
		} {
			if err := m.Set(kv.k, kv.v); err != nil {
				return err
			}
		}
	} else {
		m := v.Map()
		c, err := m.Get("counter")
		if err != nil {
			return err
		}
		if err := c.Counter().Inc(5); err != nil {
			return err
		}
		t, err := m.Get("text")
		if err != nil {
			return err
		}
		if err := t.Text().Splice(1, 1, "😀"); err != nil {
			return err
		}
	}
	at := time.UnixMilli(1700000001000)
	_, err = d.Commit("edited in crdt", crdt.CommitOptions{Time: &at})
	return err
}

func export(t *testing.T, dir, name string, d *crdt.Doc) {
	t.Helper()
	cs, err := d.Changes()
	if err != nil {
		t.Fatal(err)
	}
	wd, err := difftest.Crdt().Load(d.Save())
	if err != nil {
		t.Fatal(err)
	}
	tree, err := wd.Tree()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		".automerge": d.Save(),
		".changes":   crdt.SaveChanges(cs),
		".json":      append(tree.JSON(), '\n'),
		".heads":     []byte(headsText(wd.Heads())),
	}
	for ext, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
