package crdt

import (
	"reflect"
	"testing"
	"time"
)

func TestWriteReadConversions(t *testing.T) {
	type inner struct {
		N int `automerge:"n"`
	}
	type outer struct {
		Name    string
		Renamed bool `automerge:"flag"`
		Skip    int  `automerge:"-"`
		private int
		In      inner
		Tags    []string
	}
	ts := time.UnixMilli(1700000000123)
	tests := []struct {
		name string
		in   any
		kind Kind
		want any // Value.Interface()
	}{
		{"int becomes float64", 3, KindFloat64, 3.0},
		{"int64 stays", int64(-3), KindInt64, int64(-3)},
		{"uint64 stays", uint64(3), KindUint64, uint64(3)},
		{"uint8 becomes float64", uint8(7), KindFloat64, 7.0},
		{"float32", float32(1.5), KindFloat64, 1.5},
		{"string", "s", KindStr, "s"},
		{"bytes", []byte{1, 2}, KindBytes, []byte{1, 2}},
		{"byte array", [2]byte{3, 4}, KindBytes, []byte{3, 4}},
		{"bool", true, KindBool, true},
		{"nil", nil, KindNull, nil},
		{"nil pointer", (*int)(nil), KindNull, nil},
		{"time", ts, KindTime, ts},
		{"pointer", &[]int{1}, KindList, []any{1.0}},
		{"slice", []string{"a", "b"}, KindList, []any{"a", "b"}},
		{"map", map[string]int{"a": 1}, KindMap, map[string]any{"a": 1.0}},
		{"struct", outer{Name: "x", Renamed: true, Skip: 5, private: 1, In: inner{N: 2}, Tags: []string{"t"}}, KindMap,
			map[string]any{"Name": "x", "flag": true, "In": map[string]any{"n": 2.0}, "Tags": []any{"t"}}},
		{"text", NewText("héllo"), KindText, "héllo"},
		{"counter", NewCounter(4), KindCounter, int64(4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New()
			must(t, d.Path("v").Set(tc.in))
			v, err := d.Path("v").Get()
			must(t, err)
			if v.Kind() != tc.kind {
				t.Fatalf("kind %v, want %v", v.Kind(), tc.kind)
			}
			got := v.Interface()
			if tm, ok := got.(time.Time); ok {
				if !tm.Equal(tc.want.(time.Time)) {
					t.Fatalf("time %v", tm)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	d := New()
	if err := d.Path("bad").Set(make(chan int)); err == nil {
		t.Fatal("channel accepted")
	}
	if err := d.Path("bad").Set(map[int]int{1: 1}); err == nil {
		t.Fatal("int-keyed map accepted")
	}
}

func TestAs(t *testing.T) {
	d := New()
	must(t, d.Path("f").Set(2.0))
	must(t, d.Path("big").Set(1e300))
	must(t, d.Path("neg").Set(int64(-1)))
	must(t, d.Path("s").Set("str"))
	must(t, d.Path("obj").Set(map[string]any{"n": 1, "tags": []any{"a"}}))
	if n, err := As[int](d.Path("f").Get()); err != nil || n != 2 {
		t.Fatalf("As[int](2.0) = %v, %v", n, err)
	}
	if _, err := As[int32](d.Path("big").Get()); err == nil {
		t.Fatal("1e300 fits int32?")
	}
	if _, err := As[uint](d.Path("neg").Get()); err == nil {
		t.Fatal("-1 fits uint?")
	}
	if _, err := As[bool](d.Path("s").Get()); err == nil {
		t.Fatal("string as bool")
	}
	type obj struct {
		N    int      `automerge:"n"`
		Tags []string `automerge:"tags"`
	}
	o, err := As[*obj](d.Path("obj").Get())
	if err != nil || o.N != 1 || !reflect.DeepEqual(o.Tags, []string{"a"}) {
		t.Fatalf("As[*obj] = %+v, %v", o, err)
	}
	m, err := As[map[string]any](d.Root())
	if err != nil || m["s"] != "str" {
		t.Fatalf("As[map] = %v, %v", m, err)
	}
	if v, err := As[string](d.Path("missing", "deeper").Get()); err == nil {
		t.Fatalf("void as string = %q", v)
	}
	if _, err := d.Path("s", "x").Get(); err == nil {
		t.Fatal("property of a string")
	}
	if err := d.Path("s", 0).Set(1); err == nil {
		t.Fatal("index into a string")
	}
}

func TestPathCreatesParents(t *testing.T) {
	d := New()
	must(t, d.Path("a", "b", 0).Set("x"))
	must(t, d.Path("a", "b", 1).Set("y"))
	if err := d.Path("a", "b", 5).Set("z"); err == nil {
		t.Fatal("write past list end accepted")
	}
	must(t, d.Path("a", "b", 0).Delete())
	if got := d.Root().Interface(); !reflect.DeepEqual(got, map[string]any{"a": map[string]any{"b": []any{"y"}}}) {
		t.Fatalf("got %#v", got)
	}
	if err := d.Path().Set(1); err == nil {
		t.Fatal("overwriting the root accepted")
	}
	if d.Path("a", "b").List().Len() != 1 || d.Path("a").Map().Len() != 1 {
		t.Fatal("lengths through paths")
	}
	must(t, d.Path("c").Counter().Inc(2))
	must(t, d.Path("c").Counter().Inc(3))
	if n, _ := d.Path("c").Counter().Get(); n != 5 {
		t.Fatalf("counter %d", n)
	}
	must(t, d.Path("t").Text().Append("hi"))
	if s, _ := d.Path("t").Text().Get(); s != "hi" {
		t.Fatalf("text %q", s)
	}
}
