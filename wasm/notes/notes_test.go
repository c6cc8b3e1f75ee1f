package notes

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/commonplace/commonplace/crdt"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func commit(t *testing.T, d *crdt.Doc, msg string, at time.Time) {
	t.Helper()
	if _, err := d.Commit(msg, crdt.CommitOptions{Time: &at}); err != nil {
		t.Fatalf("commit %s: %v", msg, err)
	}
}

func newNote(t *testing.T, actor string) *crdt.Doc {
	t.Helper()
	d := crdt.New()
	if err := d.SetActorID(actor); err != nil {
		t.Fatal(err)
	}
	if err := InitNote(d, "interview", "Visit to the co-op", false, actor, t0); err != nil {
		t.Fatal(err)
	}
	commit(t, d, MsgCreate, t0)
	return d
}

func names(members []Member) Names {
	return func(actor string) *string {
		if m := ByActor(members, actor); m != nil {
			return &m.Name
		}
		return nil
	}
}

func read(t *testing.T, d *crdt.Doc, members []Member) Note {
	t.Helper()
	n, err := ReadNote(d, d, d.Heads(), "2v3rkia9QeE2R9cBqPSwB1RjJmDw", false, names(members))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const actorA, actorB = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

func TestConcurrentEditsMergeAndConflictsResolve(t *testing.T) {
	a := newNote(t, actorA)
	b, err := a.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetActorID(actorB); err != nil {
		t.Fatal(err)
	}
	set := func(d *crdt.Doc, field string, v any, at time.Time) {
		c, err := CheckField(field, v)
		if err != nil {
			t.Fatal(err)
		}
		if err := SetField(d, field, c); err != nil {
			t.Fatal(err)
		}
		commit(t, d, MsgSet+field, at)
	}
	if err := EditText(a, "body", 0, 0, "Ana: "); err != nil {
		t.Fatal(err)
	}
	commit(t, a, MsgEdit+"body", t0.Add(time.Minute))
	if err := EditText(b, "body", 0, 0, "Ben"); err != nil {
		t.Fatal(err)
	}
	commit(t, b, MsgEdit+"body", t0.Add(2*time.Minute))
	set(a, "tags", []any{"water"}, t0.Add(3*time.Minute))
	set(b, "tags", []any{"land"}, t0.Add(4*time.Minute))
	set(b, "place", "Kitwe", t0.Add(5*time.Minute))

	if _, err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	members := []Member{{Name: "Ana", Role: "practitioner", Actors: []string{actorA}}, {Name: "Ben", Role: "academic", Actors: []string{actorB}}}
	n := read(t, a, members)
	if n.Body != "Ana: Ben" && n.Body != "BenAna: " {
		t.Fatalf("body %q lost an edit", n.Body)
	}
	if n.Place == nil || *n.Place != "Kitwe" {
		t.Fatalf("place %v", n.Place)
	}
	got := n.Conflicts["tags"]
	if len(got) != 2 {
		t.Fatalf("tags conflict not surfaced: %#v", n.Conflicts)
	}
	if len(n.Conflicts) != 1 {
		t.Fatalf("unexpected conflicts %#v", n.Conflicts)
	}
	if n.Changed.By == nil || *n.Changed.By != "Ben" || n.Changed.At != t0.Add(5*time.Minute).UnixMilli() {
		t.Fatalf("changed %+v", n.Changed)
	}
	if n.Created.By == nil || *n.Created.By != "Ana" {
		t.Fatalf("created %+v", n.Created)
	}

	set(a, "tags", []any{"water", "land"}, t0.Add(6*time.Minute))
	n = read(t, a, members)
	if len(n.Conflicts) != 0 || !reflect.DeepEqual(n.Tags, []string{"water", "land"}) {
		t.Fatalf("after resolve: tags %v conflicts %v", n.Tags, n.Conflicts)
	}

	hist, err := History(a, members)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 7 || hist[0].Summary != "created the note" || hist[0].Author.Name != "Ana" {
		t.Fatalf("history %+v", hist)
	}
}

func TestNoteAtEarlierHeads(t *testing.T) {
	d := newNote(t, actorA)
	first := d.Heads()
	if err := EditText(d, "title", 0, len([]rune("Visit")), "Trip"); err != nil {
		t.Fatal(err)
	}
	commit(t, d, MsgEdit+"title", t0.Add(time.Hour))
	v, err := d.View(first...)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ReadNote(v, d, first, "x", false, names(nil))
	if err != nil {
		t.Fatal(err)
	}
	if old.Title != "Visit to the co-op" || old.Changed.At != t0.UnixMilli() {
		t.Fatalf("old note %+v", old)
	}
	if now := read(t, d, nil); now.Title != "Trip to the co-op" {
		t.Fatalf("now %q", now.Title)
	}
}

func TestCheckField(t *testing.T) {
	tests := []struct {
		field string
		v     any
		ok    bool
	}{
		{"tags", []any{"a", "b"}, true},
		{"tags", []any{"a", 1.0}, false},
		{"tags", "a", false},
		{"links", []any{}, true},
		{"place", "Ndola", true},
		{"place", nil, true},
		{"place", 3.0, false},
		{"session", map[string]any{"date": "2026-03-01", "place": "hall", "attendees": []any{"Ana"}}, true},
		{"session", map[string]any{"date": 5.0}, false},
		{"session", nil, true},
		{"title", "x", false},
		{"created", "x", false},
	}
	for _, tt := range tests {
		_, err := CheckField(tt.field, tt.v)
		if (err == nil) != tt.ok {
			t.Errorf("CheckField(%s, %#v) = %v, want ok=%v", tt.field, tt.v, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("error %v does not wrap ErrInvalid", err)
		}
	}
}

func TestCodePointRange(t *testing.T) {
	s := "a😀b" // 😀 is two UTF-16 units
	tests := []struct {
		i, n, pos, cnt int
		ok             bool
	}{
		{0, 1, 0, 1, true},
		{1, 2, 1, 1, true},
		{3, 1, 2, 1, true},
		{4, 0, 3, 0, true},
		{2, 1, 0, 0, false}, // inside the pair
		{5, 0, 0, 0, false},
		{-1, 0, 0, 0, false},
	}
	for _, tt := range tests {
		pos, n, err := CodePointRange(s, tt.i, tt.n)
		if (err == nil) != tt.ok || (tt.ok && (pos != tt.pos || n != tt.cnt)) {
			t.Errorf("CodePointRange(%d,%d) = %d,%d,%v", tt.i, tt.n, pos, n, err)
		}
	}
}

func TestPatchesUseUTF16(t *testing.T) {
	d := newNote(t, actorA)
	if err := EditText(d, "body", 0, 0, "😀xy"); err != nil {
		t.Fatal(err)
	}
	commit(t, d, MsgEdit+"body", t0)
	before := d.Heads()
	if err := EditText(d, "body", 1, 1, "Z"); err != nil { // replace x
		t.Fatal(err)
	}
	commit(t, d, MsgEdit+"body", t0)
	ps, err := d.Diff(before, d.Heads())
	if err != nil {
		t.Fatal(err)
	}
	got := MapPatches(ps, map[string][]rune{"body": []rune("😀xy"), "title": []rune("Visit to the co-op")})
	// Applied to a JavaScript string (UTF-16), the patches give the new text.
	js := utf16.Encode([]rune("😀xy"))
	for _, p := range got {
		if p.Action != "splice" || p.Path[0] != "body" {
			continue
		}
		ins := utf16.Encode([]rune(*p.Insert))
		js = append(js[:*p.Index:*p.Index], append(ins, js[*p.Index+*p.Delete:]...)...)
	}
	if s := string(utf16.Decode(js)); s != "😀Zy" {
		t.Fatalf("patched text %q, want %q (patches %+v)", s, "😀Zy", got)
	}
}

func TestSearchAndFilter(t *testing.T) {
	ana := "Ana"
	n := &Note{Kind: "story", Title: "River crossing", Body: "The ferry broke down.", Tags: []string{"transport"},
		Participants: []string{"Chanda"}, Created: Stamp{By: &ana}}
	tests := []struct {
		f  Filter
		ok bool
	}{
		{Filter{}, true},
		{Filter{Query: "FERRY river"}, true},
		{Filter{Query: "ferry bridge"}, false},
		{Filter{Kind: "story", Tag: "transport"}, true},
		{Filter{Kind: "pattern"}, false},
		{Filter{Person: "Chanda"}, true},
		{Filter{Person: "Ana"}, true},
		{Filter{Person: "Ben"}, false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(n); got != tt.ok {
			t.Errorf("%+v: %v", tt.f, got)
		}
	}
}

func TestWorkspaceMembersAndIndex(t *testing.T) {
	d := crdt.New()
	if err := InitWorkspace(d, "Riverside", false); err != nil {
		t.Fatal(err)
	}
	if err := SetMember(d, "m1", "Ana", "practitioner", actorA); err != nil {
		t.Fatal(err)
	}
	if err := SetMember(d, "m1", "Ana", "consultant", actorB); err != nil {
		t.Fatal(err)
	}
	if err := SetMember(d, "m2", "Ben", "wizard", actorB); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad role: %v", err)
	}
	if err := AddToIndex(d, "note1", "story", t0); err != nil {
		t.Fatal(err)
	}
	ms := Members(d)
	want := []Member{{ID: "m1", Name: "Ana", Role: "consultant", Actors: []string{actorA, actorB}}}
	if !reflect.DeepEqual(ms, want) {
		t.Fatalf("members %+v", ms)
	}
	if idx := Index(d); !reflect.DeepEqual(idx, []string{"note1"}) {
		t.Fatalf("index %v", idx)
	}
}

func TestMarkdownGolden(t *testing.T) {
	ana := "Ana"
	place := "Kitwe"
	n := &Note{ID: "2v3rkia9QeE2R9cBqPSwB1RjJmDw", Kind: "session", Title: "Review: \"what worked\"", Body: "We met.\n\n- one\n- two",
		Tags: []string{"review", "a: b"}, Participants: []string{"Chanda"}, Links: []string{}, Place: &place,
		Session: &Session{Date: "2026-03-01", Place: "hall", Attendees: []string{"Ana", "Ben"}},
		Created: Stamp{By: &ana, Actor: actorA, At: t0.UnixMilli()}, Changed: Stamp{Actor: actorB, At: t0.Add(time.Hour).UnixMilli()}}
	f := Markdown(n)
	if f.Path != "session/review-what-worked-2v3rkia9.md" {
		t.Fatalf("path %q", f.Path)
	}
	golden := filepath.Join("testdata", "note.md")
	if *update {
		if err := os.WriteFile(golden, []byte(f.Content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if f.Content != string(want) {
		t.Fatalf("markdown differs from %s:\n%s", golden, f.Content)
	}
}

func FuzzCodePointRange(f *testing.F) {
	f.Add("a😀b", 1, 2)
	f.Add("", 0, 0)
	f.Fuzz(func(t *testing.T, s string, i, n int) {
		pos, cnt, err := CodePointRange(s, i, n)
		if err != nil {
			return
		}
		rs := []rune(s)
		if pos < 0 || cnt < 0 || pos+cnt > len(rs) {
			t.Fatalf("range %d+%d outside %d code points", pos, cnt, len(rs))
		}
		if UTF16Index(rs, pos) != i || UTF16Index(rs, pos+cnt)-i != n {
			t.Fatalf("%q: (%d,%d) -> (%d,%d) does not map back", s, i, n, pos, cnt)
		}
	})
}
