//go:build cgo && !js && !wasip1

package crdt

import (
	"reflect"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// script is a sequence of edits applied the same way to a crdt.Doc and an
// automerge-go Doc.
type script struct {
	name string
	ours func(d *Doc) error
	amgo func(d *am.Doc) error
}

var scalarPairs = []struct {
	k string
	v any
}{{"s", "str"}, {"i", int64(-3)}, {"u", uint64(7)}, {"f", 1.5}, {"b", true}, {"n", nil}, {"by", []byte{1, 2}}, {"t", time.UnixMilli(12345)}, {"small", 3}}

var compatScripts = []script{
	{"scalars",
		func(d *Doc) error {
			for _, kv := range scalarPairs {
				if err := d.Path(kv.k).Set(kv.v); err != nil {
					return err
				}
			}
			return nil
		},
		func(d *am.Doc) error {
			for _, kv := range scalarPairs {
				if err := d.Path(kv.k).Set(kv.v); err != nil {
					return err
				}
			}
			return nil
		}},
	{"nested",
		func(d *Doc) error {
			if err := d.Path("a", "b", "c").Set("x"); err != nil {
				return err
			}
			if err := d.Path("l").Set([]any{1, 2, 3}); err != nil {
				return err
			}
			l := d.Path("l").List()
			if err := l.Insert(1, "in"); err != nil {
				return err
			}
			if err := l.Delete(0); err != nil {
				return err
			}
			if err := l.Set(2, map[string]any{"k": "v"}); err != nil {
				return err
			}
			return d.Path("a", "b").Map().Delete("c")
		},
		func(d *am.Doc) error {
			if err := d.Path("a", "b", "c").Set("x"); err != nil {
				return err
			}
			if err := d.Path("l").Set([]any{1, 2, 3}); err != nil {
				return err
			}
			l := d.Path("l").List()
			if err := l.Insert(1, "in"); err != nil {
				return err
			}
			if err := l.Delete(0); err != nil {
				return err
			}
			if err := l.Set(2, map[string]any{"k": "v"}); err != nil {
				return err
			}
			return d.Path("a", "b").Map().Delete("c")
		}},
	{"text and counters",
		func(d *Doc) error {
			if err := d.Path("t").Set(NewText("hello wörld 😀")); err != nil {
				return err
			}
			t := d.Path("t").Text()
			if err := t.Splice(3, 4, "XY😀"); err != nil {
				return err
			}
			if err := t.Append("!"); err != nil {
				return err
			}
			if err := d.Path("c").Set(NewCounter(10)); err != nil {
				return err
			}
			if err := d.Path("c").Counter().Inc(-4); err != nil {
				return err
			}
			if err := d.Path("lc").Set([]any{NewCounter(1)}); err != nil {
				return err
			}
			return d.Path("lc", 0).Counter().Inc(2)
		},
		func(d *am.Doc) error {
			if err := d.Path("t").Set(am.NewText("hello wörld 😀")); err != nil {
				return err
			}
			t := d.Path("t").Text()
			if err := t.Splice(3, 4, "XY😀"); err != nil {
				return err
			}
			if err := t.Append("!"); err != nil {
				return err
			}
			if err := d.Path("c").Set(am.NewCounter(10)); err != nil {
				return err
			}
			if err := d.Path("c").Counter().Inc(-4); err != nil {
				return err
			}
			if err := d.Path("lc").Set([]any{am.NewCounter(1)}); err != nil {
				return err
			}
			return d.Path("lc", 0).Counter().Inc(2)
		}},
}

// TestCompatSameHashes runs each script on both engines with the same actor
// and time: the changes must hash the same, each engine must load the
// other's save, and both must read the same values.
func TestCompatSameHashes(t *testing.T) {
	ts := time.UnixMilli(1700000000000)
	for _, sc := range compatScripts {
		t.Run(sc.name, func(t *testing.T) {
			ours := New()
			theirs := am.New()
			if err := ours.SetActorID(actorA); err != nil {
				t.Fatal(err)
			}
			if err := theirs.SetActorID(actorA); err != nil {
				t.Fatal(err)
			}
			if err := sc.ours(ours); err != nil {
				t.Fatal(err)
			}
			if err := sc.amgo(theirs); err != nil {
				t.Fatal(err)
			}
			h1, err := ours.Commit("msg", CommitOptions{Time: &ts})
			if err != nil {
				t.Fatal(err)
			}
			h2, err := theirs.Commit("msg", am.CommitOptions{Time: &ts})
			if err != nil {
				t.Fatal(err)
			}
			ourVal := ours.Root().Interface()
			theirVal := theirs.Root().Interface()
			if !reflect.DeepEqual(ourVal, theirVal) {
				t.Fatalf("values differ:\nours   %#v\ntheirs %#v", ourVal, theirVal)
			}
			if h1.String() != h2.String() {
				t.Fatalf("change hashes differ: %s vs %s", h1, h2)
			}
			// Each loads the other's save.
			back, err := Load(theirs.Save())
			if err != nil {
				t.Fatalf("load automerge-go save: %v", err)
			}
			if got := back.Root().Interface(); !reflect.DeepEqual(got, theirVal) {
				t.Fatalf("loaded automerge-go save reads %#v", got)
			}
			other, err := am.Load(ours.Save())
			if err != nil {
				t.Fatalf("automerge-go loading our save: %v", err)
			}
			if got := other.Root().Interface(); !reflect.DeepEqual(got, ourVal) {
				t.Fatalf("automerge-go reads our save as %#v", got)
			}
			if a, b := other.Heads(), ours.Heads(); len(a) != 1 || a[0].String() != b[0].String() {
				t.Fatalf("heads differ after load: %v vs %v", a, b)
			}
			// And the other's changes.
			chs, err := theirs.Changes()
			if err != nil {
				t.Fatal(err)
			}
			fresh := New()
			loaded, err := LoadChanges(am.SaveChanges(chs))
			if err != nil {
				t.Fatal(err)
			}
			if err := fresh.Apply(loaded...); err != nil {
				t.Fatal(err)
			}
			if got := fresh.Root().Interface(); !reflect.DeepEqual(got, theirVal) {
				t.Fatalf("applied automerge-go changes read %#v", got)
			}
		})
	}
}

// TestAPIParity checks that every exported method of automerge-go's types
// exists on ours with the same signature (modulo the package of the types
// involved), so that code compiles against crdt by changing the import.
func TestAPIParity(t *testing.T) {
	pairs := []struct{ theirs, ours any }{
		{&am.Doc{}, &Doc{}}, {&am.Change{}, &Change{}}, {am.ChangeHash{}, ChangeHash{}},
		{&am.Path{}, &Path{}}, {&am.Map{}, &Map{}}, {&am.List{}, &List{}}, {&am.Text{}, &Text{}},
		{&am.Counter{}, &Counter{}}, {&am.Value{}, &Value{}}, {am.KindMap, KindMap},
		{&am.SyncState{}, &SyncState{}}, {&am.SyncMessage{}, &SyncMessage{}},
	}
	norm := func(s string) string {
		return strings.NewReplacer("automerge.", "", "crdt.", "").Replace(s)
	}
	for _, p := range pairs {
		tt, ot := reflect.TypeOf(p.theirs), reflect.TypeOf(p.ours)
		for i := 0; i < tt.NumMethod(); i++ {
			m := tt.Method(i)
			om, ok := ot.MethodByName(m.Name)
			if !ok {
				t.Errorf("%v lacks method %s", ot, m.Name)
				continue
			}
			if norm(m.Type.String()) != norm(om.Type.String()) {
				t.Errorf("%v.%s: automerge-go %s, ours %s", ot, m.Name, m.Type, om.Type)
			}
		}
	}
	funcs := []struct {
		name         string
		theirs, ours any
	}{
		{"New", am.New, New}, {"Load", am.Load, Load}, {"LoadChanges", am.LoadChanges, LoadChanges},
		{"SaveChanges", am.SaveChanges, SaveChanges}, {"NewChangeHash", am.NewChangeHash, NewChangeHash},
		{"NewActorID", am.NewActorID, NewActorID}, {"NewMap", am.NewMap, NewMap}, {"NewList", am.NewList, NewList},
		{"NewText", am.NewText, NewText}, {"NewCounter", am.NewCounter, NewCounter},
		{"As[string]", am.As[string], As[string]}, {"NewSyncState", am.NewSyncState, NewSyncState},
		{"LoadSyncState", am.LoadSyncState, LoadSyncState},
	}
	for _, f := range funcs {
		if a, b := norm(reflect.TypeOf(f.theirs).String()), norm(reflect.TypeOf(f.ours).String()); a != b {
			t.Errorf("%s: automerge-go %s, ours %s", f.name, a, b)
		}
	}
	// Kind values are the same numbers.
	kinds := map[am.Kind]Kind{am.KindVoid: KindVoid, am.KindBool: KindBool, am.KindBytes: KindBytes,
		am.KindCounter: KindCounter, am.KindFloat64: KindFloat64, am.KindInt64: KindInt64,
		am.KindUint64: KindUint64, am.KindNull: KindNull, am.KindStr: KindStr, am.KindTime: KindTime,
		am.KindUnknown: KindUnknown, am.KindMap: KindMap, am.KindList: KindList, am.KindText: KindText}
	for a, b := range kinds {
		if uint(a) != uint(b) || a.String() != b.String() {
			t.Errorf("kind %v=%d, ours %v=%d", a, uint(a), b, uint(b))
		}
	}
}

// TestTextUnitsMatchAutomergeGo checks that Text positions and lengths
// count the same units (code points) as automerge-go.
func TestTextUnitsMatchAutomergeGo(t *testing.T) {
	for _, s := range []string{"abc", "héllo", "😀👍🏼", "漢字\u200d", ""} {
		ours, theirs := New(), am.New()
		if err := ours.Path("t").Set(NewText(s)); err != nil {
			t.Fatal(err)
		}
		if err := theirs.Path("t").Set(am.NewText(s)); err != nil {
			t.Fatal(err)
		}
		if a, b := ours.Path("t").Text().Len(), theirs.Path("t").Text().Len(); a != b {
			t.Fatalf("%q: Len %d, automerge-go %d", s, a, b)
		}
		n := ours.Path("t").Text().Len()
		for pos := 0; pos <= n; pos++ {
			o, th := ours.Path("t").Text(), theirs.Path("t").Text()
			if err := o.Insert(pos, "|"); err != nil {
				t.Fatal(err)
			}
			if err := th.Insert(pos, "|"); err != nil {
				t.Fatal(err)
			}
			a, _ := o.Get()
			b, _ := th.Get()
			if a != b {
				t.Fatalf("insert at %d of %q: %q vs automerge-go %q", pos, s, a, b)
			}
			if err := o.Delete(pos, 1); err != nil {
				t.Fatal(err)
			}
			if err := th.Delete(pos, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
}
