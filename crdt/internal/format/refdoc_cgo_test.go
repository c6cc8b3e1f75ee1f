//go:build cgo && !js && !wasip1

package format

import (
	"fmt"
	"testing"
	"time"

	"github.com/automerge/automerge-go"
)

// richDoc builds, with real automerge-go, a document whose history uses
// every value type, nested objects, lists, text, counters, deletes,
// overwrites, concurrent edits by three actors and commit messages.
func richDoc(t testing.TB) *automerge.Doc {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := time.UnixMilli(1700000000123)
	commit := func(d *automerge.Doc, msg string) {
		t.Helper()
		if _, err := d.Commit(msg, automerge.CommitOptions{Time: &at, AllowEmpty: true}); err != nil {
			t.Fatalf("commit %q: %v", msg, err)
		}
		at = at.Add(1234 * time.Millisecond)
	}
	a := automerge.New()
	must(a.SetActorID("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
	root := a.RootMap()
	must(root.Set("str", "hello"))
	must(root.Set("int", int64(-42)))
	must(root.Set("uint", uint64(1<<40)))
	must(root.Set("float", 3.25))
	must(root.Set("true", true))
	must(root.Set("false", false))
	must(root.Set("null", nil))
	must(root.Set("bytes", []byte{0, 1, 2, 0xff}))
	must(root.Set("time", time.UnixMilli(1690000000000)))
	must(root.Set("counter", automerge.NewCounter(5)))
	must(root.Set("list", []any{int64(1), "two", 3.0}))
	must(root.Set("map", map[string]any{"x": int64(1), "y": "why"}))
	must(root.Set("text", automerge.NewText("hello world")))
	commit(a, "first")

	b, err := a.Fork()
	must(err)
	must(b.SetActorID("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"))
	c, err := a.Fork()
	must(err)
	must(c.SetActorID("0c0c0c0c"))

	must(root.Set("str", "overwritten by a"))
	cnt, err := root.Get("counter")
	must(err)
	must(cnt.Counter().Inc(3))
	must(root.Delete("null"))
	commit(a, "")

	tb, err := b.RootMap().Get("text")
	must(err)
	must(tb.Text().Splice(5, 6, ", automerge"))
	lb, err := b.RootMap().Get("list")
	must(err)
	must(lb.List().Insert(1, "inserted"))
	must(lb.List().Delete(0))
	must(b.RootMap().Set("str", "overwritten by b"))
	commit(b, "b edits")

	mc, err := c.RootMap().Get("map")
	must(err)
	must(mc.Map().Set("z", []any{map[string]any{"deep": true}}))
	must(mc.Map().Delete("x"))
	cc, err := c.RootMap().Get("counter")
	must(err)
	must(cc.Counter().Inc(-10))
	commit(c, "c edits")

	_, err = a.Merge(b)
	must(err)
	_, err = a.Merge(c)
	must(err)
	must(root.Set("after merge", "yes"))
	ta, err := root.Get("text")
	must(err)
	for i := 0; i < 40; i++ {
		must(ta.Text().Insert(0, fmt.Sprintf("%d", i%10)))
	}
	commit(a, "after merge")
	return a
}

// bigDoc builds a document with one long text edited character by
// character, so that its columns exceed DeflateMinSize.
func bigDoc(t testing.TB, chars int) *automerge.Doc {
	t.Helper()
	d := automerge.New()
	if err := d.SetActorID("d0c0d0c0d0c0d0c0"); err != nil {
		t.Fatal(err)
	}
	if err := d.RootMap().Set("text", automerge.NewText("")); err != nil {
		t.Fatal(err)
	}
	v, err := d.RootMap().Get("text")
	if err != nil {
		t.Fatal(err)
	}
	txt := v.Text()
	at := time.UnixMilli(1700000000000)
	for i := 0; i < chars; i++ {
		pos := (i * 7) % (txt.Len() + 1)
		if err := txt.Insert(pos, string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
		if i%5 == 4 {
			if err := txt.Delete(pos, 1); err != nil {
				t.Fatal(err)
			}
		}
		if i%50 == 49 {
			if _, err := d.Commit(fmt.Sprintf("commit %d", i), automerge.CommitOptions{Time: &at, AllowEmpty: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.Commit("last", automerge.CommitOptions{Time: &at, AllowEmpty: true}); err != nil {
		t.Fatal(err)
	}
	return d
}
