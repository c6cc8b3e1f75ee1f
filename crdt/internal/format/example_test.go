package format_test

import (
	"fmt"
	"os"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// A change built by hand: set root["greeting"] = "hello".
func ExampleEncodeChange() {
	c := &format.Change{
		Actors:  [][]byte{{0xaa, 0xbb}},
		Seq:     1,
		StartOp: 1,
		Time:    1700000000000,
		Ops: []format.Op{{
			Key:    format.Key{Prop: "greeting", IsProp: true},
			Action: format.ActionSet,
			Value:  format.Value{Type: format.ValueString, Str: "hello"},
		}},
	}
	raw, err := format.EncodeChange(c)
	if err != nil {
		panic(err)
	}
	back, err := format.DecodeChange(raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Hash == c.Hash, back.Ops[0].Key.Prop, back.Ops[0].Value.Str)
	// Output: true greeting hello
}

// Splitting what Automerge's loadIncremental accepts: a document followed
// by changes.
func ExampleSplitChunks() {
	b, err := os.ReadFile("testdata/mixed.bin")
	if err != nil {
		panic(err)
	}
	chunks, err := format.SplitChunks(b)
	if err != nil {
		panic(err)
	}
	for _, c := range chunks {
		fmt.Println(c.Type)
	}
	// Output:
	// document
	// change
	// change
	// change
}

// Loading a saved document and rebuilding its history.
func ExampleReconstructChanges() {
	b, err := os.ReadFile("testdata/doc_rich.bin")
	if err != nil {
		panic(err)
	}
	d, err := format.DecodeDocument(b)
	if err != nil {
		panic(err)
	}
	changes, err := format.ReconstructChanges(d) // checks the hashes against d.Heads
	if err != nil {
		panic(err)
	}
	fmt.Println(len(d.Actors), "actors,", len(changes), "changes, heads verified")
	// Output: 3 actors, 5 changes, heads verified
}

// The sync protocol needs a change's hash and dependencies, not its ops.
func ExampleDecodeChangeHeader() {
	b, err := os.ReadFile("testdata/change.bin")
	if err != nil {
		panic(err)
	}
	c, err := format.DecodeChangeHeader(b)
	if err != nil {
		panic(err)
	}
	fmt.Printf("seq %d, %d deps, ops decoded: %v\n", c.Seq, len(c.Deps), c.Ops != nil)
	// Output: seq 1, 1 deps, ops decoded: false
}
