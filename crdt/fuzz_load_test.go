package crdt_test

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/commonplace/commonplace/crdt"
)

// allocBound is the most a decoder may allocate for an input of n bytes.
// Automerge's run-length columns let a few bytes stand for many op rows (a
// valid document of thousands of null list elements is tens of bytes), so
// the bound allows what the format layer admits for bytes actually in the
// input, 1024 rows a byte, at 512 bytes a row, plus a fixed 32 MiB. What it
// catches is work admitted for bytes that are not there: inflated padding
// and claimed lengths.
func allocBound(n int) uint64 { return 32<<20 + 1024*512*uint64(n) }

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func checkAlloc(t *testing.T, what string, data []byte, f func()) {
	t.Helper()
	if got, bound := allocated(f), allocBound(len(data)); got > bound {
		t.Errorf("%s of %d bytes allocated %d bytes, more than %d", what, len(data), got, bound)
	}
}

func addGoldenSeeds(f *testing.F, exts ...string) {
	for _, g := range loadGoldens(f) {
		for _, ext := range exts {
			switch ext {
			case ".automerge":
				f.Add(g.saved)
			case ".changes":
				f.Add(g.changes)
			}
		}
	}
	for _, in := range adversarialInputs() {
		f.Add(in.data)
	}
}

// FuzzLoad: any bytes load to a document or an error, never a panic, and
// within the allocation bound; a document that loads saves and loads again
// with the same heads.
func FuzzLoad(f *testing.F) {
	addGoldenSeeds(f, ".automerge", ".changes")
	f.Fuzz(func(t *testing.T, data []byte) {
		var d *crdt.Doc
		var err error
		checkAlloc(t, "Load", data, func() { d, err = crdt.Load(data) })
		if err != nil {
			return
		}
		again, err := crdt.Load(d.Save())
		if err != nil {
			t.Fatalf("a loaded document's Save does not load: %v", err)
		}
		if a, b := hexHeads(d.Heads()), hexHeads(again.Heads()); a != b {
			t.Fatalf("heads changed through Save and Load: %s, then %s", a, b)
		}
	})
}

// FuzzLoadChanges: any bytes give changes or an error; every change that
// loads saves to bytes that load to the same hash.
func FuzzLoadChanges(f *testing.F) {
	addGoldenSeeds(f, ".changes", ".automerge")
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs []*crdt.Change
		var err error
		checkAlloc(t, "LoadChanges", data, func() { cs, err = crdt.LoadChanges(data) })
		if err != nil {
			return
		}
		for _, c := range cs {
			back, err := crdt.LoadChanges(c.Save())
			if err != nil || len(back) != 1 || back[0].Hash() != c.Hash() {
				t.Fatalf("change %s does not load back from its Save: %v", c.Hash(), err)
			}
		}
	})
}

// FuzzLoadIncremental: any bytes load into a document or give an error,
// and the document stays usable either way.
func FuzzLoadIncremental(f *testing.F) {
	addGoldenSeeds(f, ".changes", ".automerge")
	f.Fuzz(func(t *testing.T, data []byte) {
		d := crdt.New()
		checkAlloc(t, "LoadIncremental", data, func() { _ = d.LoadIncremental(data) })
		if _, err := crdt.Load(d.Save()); err != nil {
			t.Fatalf("after LoadIncremental the document's Save does not load: %v", err)
		}
	})
}

func hexHeads(hs []crdt.ChangeHash) string {
	var b bytes.Buffer
	for _, h := range hs {
		b.WriteString(h.String() + " ")
	}
	return b.String()
}

// adversarial is an input built to make a decoder loop, allocate or
// recurse far beyond its size.
type adversarial struct {
	name string
	data []byte
}

var chunkMagic = []byte{0x85, 0x6f, 0x4a, 0x83}

// chunk frames body as an Automerge chunk of type typ with a valid checksum.
func chunk(typ byte, body []byte) []byte {
	header := append([]byte{typ}, binary.AppendUvarint(nil, uint64(len(body)))...)
	sum := sha256.Sum256(append(header, body...))
	out := append(append([]byte{}, chunkMagic...), sum[:4]...)
	return append(append(out, header...), body...)
}

// docWithOpColumn is a document chunk with one actor, no changes, and one
// op column (spec id) holding data.
func docWithOpColumn(spec uint64, data []byte) []byte {
	return docWithOpColumns(column{spec, data})
}

type column struct {
	spec uint64
	data []byte
}

// docWithOpColumns is a document chunk with one actor, no changes, and the
// given op columns (in ascending spec order).
func docWithOpColumns(cols ...column) []byte {
	var b []byte
	b = append(b, 1, 1, 0xaa) // one actor, 0xaa
	b = append(b, 0)          // no heads
	b = append(b, 0)          // no change columns
	b = binary.AppendUvarint(b, uint64(len(cols)))
	for _, c := range cols {
		b = binary.AppendUvarint(b, c.spec)
		b = binary.AppendUvarint(b, uint64(len(c.data)))
	}
	for _, c := range cols {
		b = append(b, c.data...)
	}
	return chunk(0, b)
}

func adversarialInputs() []adversarial {
	const actionRLE = 4<<4 | 2 // the action column: uleb RLE
	const valueRaw = 5<<4 | 7  // the value column: raw bytes, never parsed alone
	const deflated = 8         // the column-spec bit for deflated data
	// A run of 2^40 actions in ten bytes.
	run := binary.AppendVarint(nil, 1<<40)
	run = binary.AppendUvarint(run, 1)

	deflate := func(b []byte) []byte {
		var out bytes.Buffer
		w, _ := flate.NewWriter(&out, flate.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		return out.Bytes()
	}
	zeros := deflate(make([]byte, 8<<20)) // 8 MiB of zeros deflate to about 8 KiB
	// 0x7f is an RLE literal run of one value: 1 MiB of it is 2^19 rows of
	// action 127, which deflates to about a kilobyte.
	rows := deflate(bytes.Repeat([]byte{0x7f}, 1<<20))

	// A change chunk whose other-actors count is 2^40.
	var change []byte
	change = append(change, 0)          // no deps
	change = append(change, 1, 0xaa)    // author
	change = append(change, 1, 1, 0, 0) // seq 1, start op 1, time 0, no message
	change = binary.AppendUvarint(change, 1<<40)

	// A run of many actions, plus a deflated value column of zeros whose
	// inflated size raises the format layer's row limit: about fifty bytes
	// that claim millions of ops. (Fewer under js/wasm, whose 32-bit
	// address space the full size would exhaust; both exceed the bound.)
	manyRows := int64(1 << 22)
	if runtime.GOOS == "js" {
		manyRows = 1 << 18
	}
	longRun := binary.AppendVarint(nil, manyRows)
	longRun = binary.AppendUvarint(longRun, 1)
	padding := deflate(make([]byte, manyRows/512))

	huge := append(append([]byte{}, chunkMagic...), 0, 0, 0, 0, 0)
	huge = binary.AppendUvarint(huge, 1<<62)

	return []adversarial{
		{"chunk length 2^62", append(huge, 1, 2, 3)},
		{"RLE run of 2^40 ops", docWithOpColumn(actionRLE, run)},
		{"8 MiB deflate bomb in an op column", docWithOpColumn(actionRLE|deflated, zeros)},
		{"2^19 rows deflated into a kilobyte", docWithOpColumn(actionRLE|deflated, rows)},
		{"millions of rows in fifty bytes", docWithOpColumns(column{actionRLE, longRun}, column{valueRaw | deflated, padding})},
		{"change with 2^40 actors", chunk(1, change)},
		{"compressed change of zeros", chunk(2, zeros)},
		{"many empty chunks", bytes.Repeat(chunk(1, nil), 2000)},
		{"magic only", chunkMagic},
	}
}

// TestLoadAdversarial feeds the inputs above to every decoder: each must
// return within the allocation bound and never panic.
func TestLoadAdversarial(t *testing.T) {
	for _, in := range adversarialInputs() {
		t.Run(in.name, func(t *testing.T) {
			checkAlloc(t, "Load", in.data, func() { _, _ = crdt.Load(in.data) })
			checkAlloc(t, "LoadChanges", in.data, func() { _, _ = crdt.LoadChanges(in.data) })
			checkAlloc(t, "LoadIncremental", in.data, func() { _ = crdt.New().LoadIncremental(in.data) })
		})
	}
}

// TestLoadDamagedGoldens loads every prefix and every single-byte change
// of the small golden documents: errors are fine, panics are not, and
// what loads must save to bytes that load again.
func TestLoadDamagedGoldens(t *testing.T) {
	for _, g := range loadGoldens(t) {
		if len(g.saved) > 1024 {
			continue
		}
		data := append([]byte{}, g.saved...)
		for i := range data {
			_, _ = crdt.Load(data[:i])
			orig := data[i]
			data[i] ^= 0xff
			if d, err := crdt.Load(data); err == nil {
				if _, err := crdt.Load(d.Save()); err != nil {
					t.Errorf("%s with byte %d flipped loads, but its Save does not: %v", g.name, i, err)
				}
			}
			_ = crdt.New().LoadIncremental(data)
			data[i] = orig
		}
	}
}
