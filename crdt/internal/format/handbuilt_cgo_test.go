//go:build cgo && !js && !wasip1

package format

import (
	"bytes"
	"testing"

	"github.com/automerge/automerge-go"
)

// TestHandBuiltChangeLoads encodes a change the way the op set will (a
// list, an insertion, scalar values and a value of unknown type 12) and
// checks that automerge-go applies it, keeps the unknown value, and saves
// a document from which we read the same bytes back.
func TestHandBuiltChangeLoads(t *testing.T) {
	author := []byte{0xaa, 0xbb, 0xcc, 0xdd}
	c := &Change{
		Actors:  [][]byte{author},
		Seq:     1,
		StartOp: 1,
		Time:    1700000000000,
		Message: "by hand",
		Ops: []Op{
			{Key: Key{Prop: "l", IsProp: true}, Action: ActionMakeList},
			{Obj: OpID{1, 0}, Insert: true, Action: ActionSet, Value: Value{Type: ValueString, Str: "x"}},
			{Obj: OpID{1, 0}, Key: Key{Elem: OpID{2, 0}}, Insert: true, Action: ActionSet, Value: Value{Type: ValueFloat, Float: -0.5}},
			{Key: Key{Prop: "k", IsProp: true}, Action: ActionSet, Value: Value{Type: ValueUint, Uint: 7}},
			{Key: Key{Prop: "u", IsProp: true}, Action: ActionSet, Value: Value{Type: 12, Raw: []byte{1, 2, 3}}},
		},
	}
	raw, err := EncodeChange(c)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := automerge.LoadChanges(raw)
	if err != nil {
		t.Fatal(err)
	}
	if loaded[0].Hash() != automerge.ChangeHash(c.Hash) || !bytes.Equal(loaded[0].Save(), raw) {
		t.Fatal("automerge-go sees a different change")
	}
	doc := automerge.New()
	if err := doc.Apply(loaded...); err != nil {
		t.Fatal(err)
	}
	l, err := doc.Path("l").List().Values()
	if err != nil || len(l) != 2 || l[0].Str() != "x" || l[1].Float64() != -0.5 {
		t.Fatalf("list = %v, %v", l, err)
	}
	if k, err := doc.Path("k").Get(); err != nil || k.Uint64() != 7 {
		t.Fatalf("k = %v, %v", k, err)
	}
	if u, err := doc.Path("u").Get(); err != nil || !u.IsUnknown() {
		t.Fatalf("u = %v, %v", u, err)
	}

	d, err := DecodeDocument(doc.Save())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, op := range d.Ops {
		if op.Key.Prop == "u" {
			found = op.Value.Type == 12 && bytes.Equal(op.Value.Raw, []byte{1, 2, 3})
		}
	}
	if !found {
		t.Fatal("unknown value not kept in the saved document")
	}
	chs, err := ReconstructChanges(d)
	if err != nil || len(chs) != 1 || !bytes.Equal(chs[0].Raw, raw) {
		t.Fatalf("rebuilt change differs: %v", err)
	}
}
