package crdt

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomEdit makes one random edit to d: map puts and deletes, list
// inserts, sets and deletes, text splices, counter increments.
func randomEdit(t *testing.T, d *Doc, r *rand.Rand) {
	t.Helper()
	keys := []string{"a", "b", "c"}
	switch r.IntN(7) {
	case 0:
		must(t, d.Path(keys[r.IntN(3)]).Set(r.IntN(100)))
	case 1:
		must(t, d.Path(keys[r.IntN(3)]).Delete())
	case 2:
		l := d.Path("list").List()
		if n := l.Len(); n > 0 && r.IntN(3) == 0 {
			must(t, l.Delete(r.IntN(n)))
		} else if n > 0 && r.IntN(2) == 0 {
			must(t, l.Set(r.IntN(n), fmt.Sprint("s", r.IntN(10))))
		} else {
			must(t, l.Insert(r.IntN(n+1), r.IntN(10)))
		}
	case 3, 4:
		tx := d.Path("text").Text()
		n := tx.Len()
		pos := r.IntN(n + 1)
		must(t, tx.Splice(pos, r.IntN(n-pos+1)/2, []string{"x", "yz", "é😀", ""}[r.IntN(4)]))
	case 5:
		must(t, d.Path("n").Counter().Inc(int64(r.IntN(5))-2))
	case 6:
		must(t, d.Path("m", keys[r.IntN(3)]).Set(map[string]any{"k": r.IntN(3)}))
	}
}

// applyPatches applies patches to a plain Go value made by Value.Interface.
func applyPatches(t *testing.T, root map[string]any, patches []Patch) {
	t.Helper()
	for _, p := range patches {
		var parent any = root
		var setParent func(any)
		for _, seg := range p.Path {
			switch s := seg.(type) {
			case string:
				m := parent.(map[string]any)
				parent, setParent = m[s], func(v any) { m[s] = v }
			case int:
				l := parent.([]any)
				parent, setParent = l[s], func(v any) { l[s] = v }
			}
		}
		switch obj := parent.(type) {
		case map[string]any:
			switch p.Action {
			case PatchPut:
				obj[p.Key] = p.Value.Interface()
			case PatchDelete:
				delete(obj, p.Key)
			case PatchIncrement:
				obj[p.Key] = obj[p.Key].(int64) + p.Delta
			}
		case []any:
			switch p.Action {
			case PatchPut:
				obj[p.Index] = p.Value.Interface()
			case PatchDelete:
				obj = append(obj[:p.Index], obj[p.Index+p.Length:]...)
			case PatchInsert:
				vals := make([]any, len(p.Values))
				for i, v := range p.Values {
					vals[i] = v.Interface()
				}
				obj = append(obj[:p.Index], append(vals, obj[p.Index:]...)...)
			case PatchIncrement:
				obj[p.Index] = obj[p.Index].(int64) + p.Delta
			}
			setParent(obj)
		case string:
			rs := []rune(obj)
			switch p.Action {
			case PatchDelete:
				rs = append(rs[:p.Index], rs[p.Index+p.Length:]...)
			case PatchSpliceText:
				rs = append(rs[:p.Index], append([]rune(p.Text), rs[p.Index:]...)...)
			}
			setParent(string(rs))
		default:
			t.Fatalf("patch %+v on %T", p, parent)
		}
	}
}

// TestDiffPatchesReachTarget checks, over random concurrent histories, that
// applying Diff(before, after) to the state at before gives the state at
// after, and that views agree with forks at the same heads.
func TestDiffPatchesReachTarget(t *testing.T) {
	for seed := range 20 {
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		a, b := pair(t, func(d *Doc) {
			must(t, d.Path("text").Set(NewText("start")))
			must(t, d.Path("list").Set([]any{1, 2}))
			must(t, d.Path("n").Set(NewCounter(0)))
		})
		var states [][]ChangeHash
		for step := range 30 {
			d := a
			if r.IntN(2) == 0 {
				d = b
			}
			randomEdit(t, d, r)
			if _, err := d.Commit("", CommitOptions{AllowEmpty: true}); err != nil {
				t.Fatal(err)
			}
			if step%7 == 6 {
				_, err := a.Merge(b)
				must(t, err)
			}
			states = append(states, a.Heads())
		}
		_, err := a.Merge(b)
		must(t, err)
		states = append(states, a.Heads(), nil)
		for i := range 10 {
			before, after := states[r.IntN(len(states))], states[r.IntN(len(states))]
			vb, err := a.View(before...)
			must(t, err)
			va, err := a.View(after...)
			must(t, err)
			got := vb.Root().Interface().(map[string]any)
			patches, err := a.Diff(before, after)
			must(t, err)
			applyPatches(t, got, patches)
			want := va.Root().Interface()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d pair %d: patched\n%#v\nwant\n%#v\npatches %+v", seed, i, got, want, patches)
			}
			if len(after) > 0 {
				f, err := a.Fork(after...)
				must(t, err)
				if fv := f.Root().Interface(); !reflect.DeepEqual(fv, want) {
					t.Fatalf("seed %d: view %#v fork %#v", seed, want, fv)
				}
			}
		}
	}
}

func TestCursorFollowsCharacter(t *testing.T) {
	a, b := pair(t, func(d *Doc) { must(t, d.Path("t").Set(NewText("abcdef"))) })
	ta := a.Path("t").Text()
	cur, err := ta.Cursor(3) // "d"
	must(t, err)
	must(t, ta.Insert(0, "XX"))
	must(t, b.Path("t").Text().Delete(0, 2))
	must(t, b.Path("t").Text().Insert(1, "YYY"))
	_, err = a.Merge(b)
	must(t, err)
	pos, err := ta.CursorPosition(cur)
	must(t, err)
	s, _ := ta.Get()
	if []rune(s)[pos] != 'd' {
		t.Fatalf("cursor at %d of %q", pos, s)
	}
	// Deleting the character leaves the cursor where it was.
	must(t, ta.Delete(pos, 1))
	pos2, err := ta.CursorPosition(cur)
	must(t, err)
	if pos2 != pos {
		t.Fatalf("deleted cursor at %d, want %d", pos2, pos)
	}
	for _, bad := range []Cursor{"", "x@aa", "1@zz", "99@" + actorA} {
		if _, err := ta.CursorPosition(bad); err == nil {
			t.Fatalf("cursor %q accepted", bad)
		}
	}
	if _, err := ta.Cursor(100); err == nil {
		t.Fatal("cursor past end accepted")
	}
}

func TestViewIsReadOnly(t *testing.T) {
	d := New()
	must(t, d.Path("x").Set("old"))
	h, err := d.Commit("")
	must(t, err)
	must(t, d.Path("x").Set("new"))
	v, err := d.View(h)
	must(t, err)
	if err := v.Path("x").Set("nope"); err == nil {
		t.Fatal("write through view accepted")
	}
	if err := v.RootMap().Set("x", 1); err == nil {
		t.Fatal("write through view map accepted")
	}
	if got, _ := As[string](v.Path("x").Get()); got != "old" {
		t.Fatalf("view reads %q", got)
	}
	if _, err := d.View(ChangeHash{9}); err == nil {
		t.Fatal("unknown heads accepted")
	}
}

// BenchmarkDiffAfterTyping measures Diff from an old version of a 20,000
// character text to the current heads.
func BenchmarkDiffAfterTyping(b *testing.B) {
	d := New()
	if err := d.Path("t").Set(NewText("")); err != nil {
		b.Fatal(err)
	}
	tx := d.Path("t").Text()
	var old []ChangeHash
	for i := range 20000 {
		if err := tx.Insert(i, "x"); err != nil {
			b.Fatal(err)
		}
		if i == 10000 {
			old = d.Heads()
		}
	}
	now := d.Heads()
	b.ResetTimer()
	for range b.N {
		if _, err := d.Diff(old, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTyping measures typing one character at a time into the middle
// of a text, committing every 100 characters.
func BenchmarkTyping(b *testing.B) {
	d := New()
	if err := d.Path("t").Set(NewText("")); err != nil {
		b.Fatal(err)
	}
	tx := d.Path("t").Text()
	b.ResetTimer()
	for i := range b.N {
		if err := tx.Insert(i/2, "x"); err != nil {
			b.Fatal(err)
		}
		if i%100 == 99 {
			if _, err := d.Commit(""); err != nil {
				b.Fatal(err)
			}
		}
	}
}
