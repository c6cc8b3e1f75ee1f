package crdt_test

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt"
)

func ExampleAs() {
	doc := crdt.New()
	_ = doc.Path("isValid").Set(true)
	_ = doc.Path("foo", "bar").Set("baz")

	b, err := crdt.As[bool](doc.Path("isValid").Get())
	if err != nil {
		panic(err)
	}
	fmt.Println("isValid:", b)

	type S struct {
		IsValid bool `automerge:"isValid"`
	}
	s, err := crdt.As[*S](doc.Root())
	if err != nil {
		panic(err)
	}
	fmt.Println("root valid:", s.IsValid)
	// Output:
	// isValid: true
	// root valid: true
}

func ExampleLoad() {
	doc := crdt.New()
	_ = doc.Path("notes").Set(crdt.NewText("hello"))
	if _, err := doc.Commit("start notes"); err != nil {
		panic(err)
	}
	copy, err := crdt.Load(doc.Save())
	if err != nil {
		panic(err)
	}
	s, _ := copy.Path("notes").Text().Get()
	fmt.Println(s)
	// Output: hello
}

func ExampleMap_Conflicts() {
	alice := crdt.New()
	_ = alice.SetActorID("aaaa")
	bob, _ := alice.Fork()
	_ = bob.SetActorID("bbbb")

	_ = alice.Path("title").Set("Alice's title")
	_ = bob.Path("title").Set("Bob's title")
	_, _ = alice.Merge(bob)

	winner, _ := crdt.As[string](alice.Path("title").Get())
	all, _ := alice.RootMap().Conflicts("title")
	fmt.Println("winner:", winner)
	for _, v := range all {
		fmt.Println("candidate:", v.Str())
	}
	// Output:
	// winner: Bob's title
	// candidate: Alice's title
	// candidate: Bob's title
}

func ExampleDoc_View() {
	doc := crdt.New()
	_ = doc.Path("status").Set("draft")
	draft, _ := doc.Commit("draft")
	_ = doc.Path("status").Set("final")
	_, _ = doc.Commit("final")

	old, _ := doc.View(draft)
	then, _ := crdt.As[string](old.Path("status").Get())
	now, _ := crdt.As[string](doc.Path("status").Get())
	fmt.Println(then, "->", now)
	// Output: draft -> final
}

func ExampleDoc_Diff() {
	doc := crdt.New()
	_ = doc.Path("text").Set(crdt.NewText("hello"))
	before, _ := doc.Commit("")
	_ = doc.Path("text").Text().Splice(0, 1, "J")
	_ = doc.Path("done").Set(true)
	after, _ := doc.Commit("")

	patches, _ := doc.Diff([]crdt.ChangeHash{before}, []crdt.ChangeHash{after})
	for _, p := range patches {
		switch p.Action {
		case crdt.PatchPut:
			fmt.Println(p.Path, p.Action, p.Key, p.Value.Interface())
		case crdt.PatchDelete:
			fmt.Println(p.Path, p.Action, p.Index, p.Length)
		case crdt.PatchSpliceText:
			fmt.Println(p.Path, p.Action, p.Index, p.Text)
		}
	}
	// Output:
	// [] put done true
	// [text] splice 0 J
	// [text] delete 1 1
}

func ExampleText_Cursor() {
	doc := crdt.New()
	_ = doc.Path("t").Set(crdt.NewText("world"))
	t := doc.Path("t").Text()

	cur, _ := t.Cursor(0) // on the "w"
	other, _ := doc.Fork()
	_ = other.Path("t").Text().Insert(0, "hello ")
	_, _ = doc.Merge(other)

	pos, _ := t.CursorPosition(cur)
	fmt.Println(pos)
	// Output: 6
}

func ExampleDoc_Changes() {
	alice := crdt.New()
	bob := crdt.New()
	seen := bob.Heads()

	_ = alice.Path("greeting").Set("hi")
	_, _ = alice.Commit("say hi")

	// Send Bob what he has not seen; he applies it.
	changes, _ := alice.Changes(seen...)
	received, _ := crdt.LoadChanges(crdt.SaveChanges(changes))
	_ = bob.Apply(received...)

	v, _ := crdt.As[string](bob.Path("greeting").Get())
	fmt.Println(v, len(changes))
	// Output: hi 1
}

func ExampleDoc_SaveIncremental() {
	doc := crdt.New()
	_ = doc.Path("n").Set(int64(1))
	base := doc.Save()

	_ = doc.Path("n").Set(int64(2))
	delta := doc.SaveIncremental()

	replica, _ := crdt.Load(base)
	_ = replica.LoadIncremental(delta)
	n, _ := crdt.As[int64](replica.Path("n").Get())
	fmt.Println(n)
	// Output: 2
}

func ExampleText_Splice() {
	doc := crdt.New()
	_ = doc.Path("t").Set(crdt.NewText("héllo wörld"))
	t := doc.Path("t").Text()
	// Positions count code points: "é" is one.
	_ = t.Splice(6, 5, "there")
	s, _ := t.Get()
	fmt.Println(s, t.Len())
	// Output: héllo there 11
}

func ExampleList_Conflicts() {
	doc := crdt.New()
	_ = doc.SetActorID("aaaa")
	_ = doc.Path("list").Set([]any{"x"})
	other, _ := doc.Fork()
	_ = other.SetActorID("bbbb")
	_ = doc.Path("list", 0).Set("from a")
	_ = other.Path("list", 0).Set("from b")
	_, _ = doc.Merge(other)

	vals, _ := doc.Path("list").List().Conflicts(0)
	fmt.Println(len(vals), vals[len(vals)-1].Str())
	// Output: 2 from b
}
