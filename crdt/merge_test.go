package crdt

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// pair returns two documents with fixed actors sharing an initial change.
func pair(t *testing.T, init func(d *Doc)) (*Doc, *Doc) {
	t.Helper()
	a := New()
	must(t, a.SetActorID(actorA))
	init(a)
	if _, err := a.Commit("init"); err != nil && !errors.Is(err, ErrEmptyCommit) {
		t.Fatal(err)
	}
	b, err := a.Fork()
	must(t, err)
	must(t, b.SetActorID(actorB))
	return a, b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentMapWrites(t *testing.T) {
	a, b := pair(t, func(d *Doc) { must(t, d.Path("k").Set("base")) })
	must(t, a.Path("k").Set("from a"))
	must(t, b.Path("k").Set("from b"))
	_, err := a.Merge(b)
	must(t, err)
	_, err = b.Merge(a)
	must(t, err)
	for _, d := range []*Doc{a, b} {
		// Same counter, so the greater actor (bbbb…) wins.
		if got, _ := As[string](d.Path("k").Get()); got != "from b" {
			t.Fatalf("winner %q", got)
		}
		cs, err := d.RootMap().Conflicts("k")
		must(t, err)
		if len(cs) != 2 || cs[0].Str() != "from a" || cs[1].Str() != "from b" {
			t.Fatalf("conflicts %v", cs)
		}
	}
	if !slices.Equal(a.Heads(), b.Heads()) || len(a.Heads()) != 2 {
		t.Fatalf("heads %v vs %v", a.Heads(), b.Heads())
	}
	// A later write resolves the conflict.
	must(t, a.Path("k").Set("resolved"))
	cs, _ := a.RootMap().Conflicts("k")
	if len(cs) != 1 {
		t.Fatalf("conflicts after overwrite: %v", cs)
	}
}

func TestConcurrentTextInserts(t *testing.T) {
	tests := []struct {
		name   string
		a, b   func(tx *Text) error
		expect string
	}{
		{"same position", func(tx *Text) error { return tx.Insert(1, "A") }, func(tx *Text) error { return tx.Insert(1, "B") }, "xBAyz"},
		{"delete and insert", func(tx *Text) error { return tx.Delete(1, 1) }, func(tx *Text) error { return tx.Insert(2, "B") }, "xBz"},
		{"both delete", func(tx *Text) error { return tx.Delete(0, 2) }, func(tx *Text) error { return tx.Delete(1, 2) }, ""},
		{"runs", func(tx *Text) error { return tx.Insert(3, "aaa") }, func(tx *Text) error { return tx.Insert(3, "bbb") }, "xyzbbbaaa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := pair(t, func(d *Doc) { must(t, d.Path("t").Set(NewText("xyz"))) })
			must(t, tc.a(a.Path("t").Text()))
			must(t, tc.b(b.Path("t").Text()))
			_, err := a.Merge(b)
			must(t, err)
			_, err = b.Merge(a)
			must(t, err)
			sa, _ := a.Path("t").Text().Get()
			sb, _ := b.Path("t").Text().Get()
			if sa != sb || sa != tc.expect {
				t.Fatalf("a %q b %q want %q", sa, sb, tc.expect)
			}
		})
	}
}

func TestCounters(t *testing.T) {
	a, b := pair(t, func(d *Doc) { must(t, d.Path("c").Set(NewCounter(1))) })
	must(t, a.Path("c").Counter().Inc(5))
	must(t, b.Path("c").Counter().Inc(-2))
	_, err := a.Merge(b)
	must(t, err)
	if v, _ := a.Path("c").Counter().Get(); v != 4 {
		t.Fatalf("counter %d", v)
	}
	if err := a.Path("x").Set("s"); err != nil {
		t.Fatal(err)
	}
	if err := a.RootMap().inc("x", 1); !errors.Is(err, ErrNotCounter) {
		t.Fatalf("increment of a string: %v", err)
	}
	// Round trip keeps increments.
	a2, err := Load(a.Save())
	must(t, err)
	if v, _ := a2.Path("c").Counter().Get(); v != 4 {
		t.Fatalf("loaded counter %d", v)
	}
}

func TestApplyQueuesMissingDeps(t *testing.T) {
	src := New()
	var chs []*Change
	for i := range 5 {
		must(t, src.Path("n").Set(int64(i)))
		h, err := src.Commit("")
		must(t, err)
		c, err := src.Change(h)
		must(t, err)
		chs = append(chs, c)
	}
	dst := New()
	// Newest first: everything waits for the first change.
	for i := len(chs) - 1; i >= 1; i-- {
		must(t, dst.Apply(chs[i]))
	}
	if len(dst.Heads()) != 0 {
		t.Fatalf("applied without deps: %v", dst.Heads())
	}
	if got := dst.missingDeps(nil); len(got) != 1 || got[0] != chs[0].Hash() {
		t.Fatalf("missing deps %v, want %v", got, chs[0].Hash())
	}
	must(t, dst.Apply(chs[0], chs[0], chs[2]))
	if !slices.Equal(dst.Heads(), src.Heads()) {
		t.Fatalf("heads %v want %v", dst.Heads(), src.Heads())
	}
	if n, _ := As[int64](dst.Path("n").Get()); n != 4 {
		t.Fatalf("n = %d", n)
	}
	if got := dst.missingDeps([]ChangeHash{{1}}); len(got) != 1 {
		t.Fatalf("unknown head not reported: %v", got)
	}
	since, err := dst.Changes(chs[2].Hash())
	must(t, err)
	if len(since) != 2 || since[0].Hash() != chs[3].Hash() || since[1].Hash() != chs[4].Hash() {
		t.Fatalf("changes since: %d", len(since))
	}
}

func TestChangeMetadata(t *testing.T) {
	d := New()
	must(t, d.SetActorID(actorA))
	must(t, d.Path("x").Set(1))
	ts := time.UnixMilli(1234567)
	h1, err := d.Commit("one", CommitOptions{Time: &ts})
	must(t, err)
	if _, err := d.Commit("empty"); !errors.Is(err, ErrEmptyCommit) {
		t.Fatalf("empty commit: %v", err)
	}
	h2, err := d.Commit("merge", CommitOptions{AllowEmpty: true, Time: &time.Time{}})
	must(t, err)
	c1, err := d.Change(h1)
	must(t, err)
	c2, err := d.Change(h2)
	must(t, err)
	if c1.ActorID() != actorA || c1.ActorSeq() != 1 || c1.Message() != "one" || !c1.Timestamp().Equal(ts) || len(c1.Dependencies()) != 0 {
		t.Fatalf("c1 %s %d %q %v", c1.ActorID(), c1.ActorSeq(), c1.Message(), c1.Timestamp())
	}
	if c2.ActorSeq() != 2 || c2.Timestamp().UnixMilli() != 0 || !reflect.DeepEqual(c2.Dependencies(), []ChangeHash{h1}) {
		t.Fatalf("c2 %d %v %v", c2.ActorSeq(), c2.Timestamp(), c2.Dependencies())
	}
	// Uncommitted ops are committed anonymously before reading history.
	must(t, d.Path("y").Set(2))
	chs, err := d.Changes()
	must(t, err)
	if len(chs) != 3 || chs[2].Message() != "" || chs[2].Timestamp().UnixMilli() != 0 {
		t.Fatalf("auto-commit: %d changes", len(chs))
	}
	// Changes survive SaveChanges/LoadChanges and keep their hashes.
	back, err := LoadChanges(SaveChanges(chs))
	must(t, err)
	for i := range chs {
		if back[i].Hash() != chs[i].Hash() {
			t.Fatalf("hash %d changed", i)
		}
	}
	if _, err := NewChangeHash(h1.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := NewChangeHash("abcd"); err == nil {
		t.Fatal("short hash accepted")
	}
}

func TestUnknownValueTypeKept(t *testing.T) {
	fc := &format.Change{
		Actors: [][]byte{{0xaa}}, Seq: 1, StartOp: 1,
		Ops: []format.Op{{Obj: format.OpID{}, Key: format.Key{Prop: "future", IsProp: true},
			Action: format.ActionSet, Value: format.Value{Type: 12, Raw: []byte{1, 2, 3}}}},
	}
	raw, err := format.EncodeChange(fc)
	must(t, err)
	chs, err := LoadChanges(raw)
	must(t, err)
	d := New()
	must(t, d.Apply(chs...))
	v, err := d.Path("future").Get()
	must(t, err)
	if !v.IsUnknown() {
		t.Fatalf("kind %v", v.Kind())
	}
	d2, err := Load(d.Save())
	must(t, err)
	doc, err := format.DecodeDocument(d2.Save())
	must(t, err)
	if got := doc.Ops[0].Value; got.Type != 12 || string(got.Raw) != "\x01\x02\x03" {
		t.Fatalf("value written back as %+v", got)
	}
}

func TestBadInput(t *testing.T) {
	for _, b := range [][]byte{{1, 2, 3}, {0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 0, 5}} {
		if _, err := Load(b); err == nil {
			t.Fatalf("Load(%x) succeeded", b)
		}
		if _, err := LoadChanges(b); err == nil {
			t.Fatalf("LoadChanges(%x) succeeded", b)
		}
	}
	d := New()
	if err := d.SetActorID("xyz"); !errors.Is(err, ErrInvalidActorID) {
		t.Fatalf("SetActorID: %v", err)
	}
	must(t, d.Path("t").Set(NewText("ab")))
	if err := d.Path("t").Text().Insert(5, "x"); err == nil {
		t.Fatal("insert past end accepted")
	}
	if err := d.Path("t").Text().Insert(0, "\xff"); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("invalid UTF-8: %v", err)
	}
	if err := d.Path("l").Set([]any{1}); err != nil {
		t.Fatal(err)
	}
	if err := d.Path("l").List().Set(3, 1); err == nil {
		t.Fatal("list set past end accepted")
	}
}

const (
	actorA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	actorB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func TestBadChangeLeavesDocUntouched(t *testing.T) {
	d := New()
	must(t, d.Path("x").Set("keep"))
	_, err := d.Commit("")
	must(t, err)
	heads := d.Heads()
	fc := &format.Change{
		Actors: [][]byte{{0xbb}}, Seq: 1, StartOp: 10,
		Ops: []format.Op{
			{Obj: format.OpID{}, Key: format.Key{Prop: "x", IsProp: true}, Action: format.ActionSet, Value: format.Value{Type: format.ValueString, Str: "lost"}},
			{Obj: format.OpID{Counter: 99, Actor: 0}, Key: format.Key{Prop: "y", IsProp: true}, Action: format.ActionSet},
		},
	}
	raw, err := format.EncodeChange(fc)
	must(t, err)
	chs, err := LoadChanges(raw)
	must(t, err)
	if err := d.Apply(chs...); !errors.Is(err, ErrMissingObject) {
		t.Fatalf("apply: %v", err)
	}
	if got, _ := As[string](d.Path("x").Get()); got != "keep" || !slices.Equal(d.Heads(), heads) {
		t.Fatalf("document changed: x=%q heads %v", got, d.Heads())
	}
}

// TestApplyReversedHistoryIsLinear applies a long history newest first:
// every change waits, then the first one releases all of them.
func TestApplyReversedHistoryIsLinear(t *testing.T) {
	src := New()
	for i := range 3000 {
		must(t, src.Path("n").Set(int64(i)))
		_, err := src.Commit("")
		must(t, err)
	}
	chs, err := src.Changes()
	must(t, err)
	slices.Reverse(chs)
	dst := New()
	must(t, dst.Apply(chs...))
	if !slices.Equal(dst.Heads(), src.Heads()) || len(dst.missingDeps(nil)) != 0 {
		t.Fatalf("heads %v want %v", dst.Heads(), src.Heads())
	}
}

func TestLoadWithMissingDeps(t *testing.T) {
	src := New()
	must(t, src.Path("x").Set(1))
	_, err := src.Commit("")
	must(t, err)
	must(t, src.Path("y").Set(2))
	_, err = src.Commit("")
	must(t, err)
	chs, err := src.Changes()
	must(t, err)
	second := chs[1].Save()
	if _, err := Load(second); !errors.Is(err, ErrMissingDeps) {
		t.Fatalf("Load: %v", err)
	}
	if err := New().LoadIncremental(second); !errors.Is(err, ErrMissingDeps) {
		t.Fatalf("LoadIncremental into an empty doc: %v", err)
	}
	d := New()
	must(t, d.Path("z").Set(3))
	must(t, d.LoadIncremental(second)) // queued
	must(t, d.LoadIncremental(chs[0].Save()))
	if got := d.Root().Interface(); !reflect.DeepEqual(got, map[string]any{"x": 1.0, "y": 2.0, "z": 3.0}) {
		t.Fatalf("got %v", got)
	}
}

// TestConcurrentUse edits one document from several goroutines while
// others read and save it; run with -race.
func TestConcurrentUse(t *testing.T) {
	d := New()
	must(t, d.Path("t").Set(NewText("")))
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range 200 {
				var err error
				switch g {
				case 0:
					err = d.Path("t").Text().Insert(0, "x")
				case 1:
					err = d.Path("k").Set(int64(i))
				case 2:
					_, err = d.Path("t").Text().Get()
				case 3:
					_, err = Load(d.Save())
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		must(t, <-done)
	}
	if n := d.Path("t").Text().Len(); n != 200 {
		t.Fatalf("len %d", n)
	}
}

func TestInvalidUTF8Refused(t *testing.T) {
	d := New()
	if err := d.Path("\xff").Set(1); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("bad key: %v", err)
	}
	if err := d.Path("k").Set("\xfe"); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("bad string: %v", err)
	}
	if err := d.Path("m").Set(map[string]any{"\xff": 1}); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("bad nested key: %v", err)
	}
	must(t, d.Path("ok").Set(1))
	if _, err := d.Commit("\xff"); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("bad message: %v", err)
	}
	if _, err := Load(d.Save()); err != nil {
		t.Fatalf("document no longer loads: %v", err)
	}
}
