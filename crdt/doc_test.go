package crdt

import (
	"testing"
)

func TestSmoke(t *testing.T) {
	d := New()
	if err := d.Path("title").Set("hello"); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("list").Set([]any{1, "two", true}); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("text").Set(NewText("héllo")); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("count").Set(NewCounter(5)); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("count").Counter().Inc(3); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("text").Text().Splice(1, 1, "e!"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Commit("first"); err != nil {
		t.Fatal(err)
	}
	b := d.Save()
	d2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	got := d2.Root().Interface()
	want := d.Root().Interface()
	t.Logf("%#v", got)
	if s, _ := As[string](d2.Path("text").Get()); s != "he!llo" {
		t.Fatalf("text %q", s)
	}
	if c, _ := As[int64](d2.Path("count").Get()); c != 8 {
		t.Fatalf("count %d", c)
	}
	_ = want
}
