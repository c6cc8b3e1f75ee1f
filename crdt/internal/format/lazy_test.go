package format

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// lazyOps collects a LazyDocument's ops as DecodeDocument would return
// them (EachOp reuses its op, so each is copied).
func lazyOps(t testing.TB, d *LazyDocument) ([]Op, error) {
	t.Helper()
	var ops []Op
	err := d.EachOp(func(i int, op *Op) error {
		if i != len(ops) {
			t.Fatalf("EachOp gave index %d after %d ops", i, len(ops))
		}
		c := *op
		c.Succ = slices.Clone(op.Succ)
		if len(c.Succ) == 0 {
			c.Succ = nil
		}
		ops = append(ops, c)
		return nil
	})
	return ops, err
}

// TestLazyDocumentMatchesDecodeDocument checks that the lazy reader sees
// the same ops and rebuilds the same changes, byte for byte, as decoding
// the whole document does.
func TestLazyDocumentMatchesDecodeDocument(t *testing.T) {
	for _, g := range goldenFiles {
		if g.kind != "doc" {
			continue
		}
		t.Run(g.name, func(t *testing.T) {
			b := readGolden(t, g.name)
			want, err := DecodeDocument(b)
			if err != nil {
				t.Fatal(err)
			}
			lazy, err := DecodeDocumentLazy(b)
			if err != nil {
				t.Fatal(err)
			}
			if lazy.Document.Ops != nil || !reflect.DeepEqual(lazy.Heads, want.Heads) || !reflect.DeepEqual(lazy.Changes, want.Changes) {
				t.Fatalf("lazy header differs from the decoded one")
			}
			ops, err := lazyOps(t, lazy)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ops, want.Ops) && (len(ops) != 0 || len(want.Ops) != 0) {
				t.Fatalf("EachOp gave %d ops that differ from DecodeDocument's %d", len(ops), len(want.Ops))
			}
			for a := Action(0); a <= ActionMark+1; a++ {
				has, err := lazy.HasAction(a)
				if err != nil {
					t.Fatal(err)
				}
				if in := slices.ContainsFunc(want.Ops, func(o Op) bool { return o.Action == a }); has != in {
					t.Errorf("HasAction(%d) = %v, ops have it: %v", a, has, in)
				}
			}

			full, err := ReconstructChanges(want)
			if err != nil {
				t.Fatal(err)
			}
			rebuilt, err := lazy.RebuildChanges()
			if err != nil {
				t.Fatal(err)
			}
			headers, err := lazy.RebuildChangeHeaders()
			if err != nil {
				t.Fatal(err)
			}
			if len(rebuilt) != len(full) || len(headers) != len(full) {
				t.Fatalf("rebuilt %d and %d changes, want %d", len(rebuilt), len(headers), len(full))
			}
			for i := range full {
				if !reflect.DeepEqual(rebuilt[i], full[i]) {
					t.Errorf("change %d: RebuildChanges differs from ReconstructChanges", i)
				}
				if headers[i].Ops != nil || headers[i].Hash != full[i].Hash || string(headers[i].Raw) != string(full[i].Raw) {
					t.Errorf("change %d: RebuildChangeHeaders differs", i)
				}
				dec, err := DecodeChange(full[i].Raw)
				if err != nil || dec.Hash != full[i].Hash {
					t.Fatalf("change %d: rebuilt bytes do not decode to the same hash: %v", i, err)
				}
			}
		})
	}
}

// TestRebuildRejects checks the rebuild's consistency checks on documents
// damaged after decoding.
func TestRebuildRejects(t *testing.T) {
	base, err := DecodeDocument(readGolden(t, "doc_rich.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Ops) < 2 || len(base.Changes) == 0 || len(base.Heads) == 0 {
		t.Fatalf("doc_rich.bin is too small for this test")
	}
	clone := func() *Document {
		d := *base
		d.Ops = slices.Clone(base.Ops)
		d.Changes = slices.Clone(base.Changes)
		d.Heads = slices.Clone(base.Heads)
		return &d
	}
	tests := []struct {
		name   string
		damage func(d *Document)
		want   error
	}{
		{"duplicate op ID", func(d *Document) { d.Ops[1].ID = d.Ops[0].ID }, ErrCorrupt},
		{"op beyond every change", func(d *Document) { d.Ops[0].ID.Counter = 1 << 40 }, ErrCorrupt},
		{"actor out of range", func(d *Document) { d.Ops[0].ID.Actor = uint32(len(d.Actors)) }, ErrInvalidChange},
		{"zero succ", func(d *Document) { d.Ops[0].Succ = []OpID{{}} }, ErrInvalidChange},
		{"seq skips", func(d *Document) { d.Changes[0].Seq = 2 }, ErrCorrupt},
		{"wrong head", func(d *Document) { d.Heads[0][0] ^= 1 }, ErrHeadsMismatch},
		{"changed value", func(d *Document) { d.Ops[0].Value = Value{Type: ValueInt, Int: -12345} }, ErrHeadsMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := clone()
			tt.damage(d)
			if _, err := ReconstructChanges(d); !errors.Is(err, tt.want) {
				t.Fatalf("ReconstructChanges: %v, want %v", err, tt.want)
			}
			if _, err := ReconstructChangeHeaders(d); !errors.Is(err, tt.want) {
				t.Fatalf("ReconstructChangeHeaders: %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzDecodeDocumentLazy checks that the lazy decoder never panics and
// agrees with DecodeDocument: the same inputs decode, to the same ops and
// the same rebuilt changes.
func FuzzDecodeDocumentLazy(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		b = fixChecksum(b)
		want, wantErr := DecodeDocument(b)
		lazy, err := DecodeDocumentLazy(b)
		var ops []Op
		if err == nil {
			ops, err = lazyOps(t, lazy)
		}
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("lazy decoding: %v, eager: %v", err, wantErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(ops, want.Ops) && (len(ops) != 0 || len(want.Ops) != 0) {
			t.Fatalf("lazy ops differ")
		}
		full, fullErr := ReconstructChanges(want)
		rebuilt, err := lazy.RebuildChanges()
		if (err == nil) != (fullErr == nil) {
			t.Fatalf("RebuildChanges: %v, ReconstructChanges: %v", err, fullErr)
		}
		for i := range rebuilt {
			if rebuilt[i].Hash != full[i].Hash {
				t.Fatalf("change %d hashes differ", i)
			}
		}
	})
}
