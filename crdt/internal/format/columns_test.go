package format

import (
	"bytes"
	"errors"
	"testing"
)

// TestColumnOrderIgnoresDeflateBit: a deflated key counter column (0x1b)
// sorts before the key string column (0x15), as in Automerge.
func TestColumnOrderIgnoresDeflateBit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		specs []byte
		want  error
	}{
		{"deflated before plain", []byte{0x13 | deflateBit, 0x15}, nil},
		{"plain then deflated", []byte{0x15, 0x13 | deflateBit}, ErrCorrupt},
		{"same column twice", []byte{0x13, 0x13 | deflateBit}, ErrCorrupt},
	} {
		table := []byte{byte(len(tc.specs))}
		for _, s := range tc.specs {
			table = append(table, s, 0)
		}
		r := reader{b: table}
		if _, err := readColumnHeaders(&r); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestPackColumns: empty columns are dropped; in documents, columns of
// DeflateMinSize bytes or more are deflated and flagged, shorter ones not.
func TestPackColumns(t *testing.T) {
	long := bytes.Repeat([]byte{7}, DeflateMinSize)
	short := long[:DeflateMinSize-1]
	cols := packColumns([]column{{specObjActor, nil}, {specKeyStr, short}, {specAction, long}})
	if len(cols) != 2 || cols[0].spec != specKeyStr || cols[1].spec != specAction {
		t.Fatalf("packed %+v", cols)
	}
	deflateColumns(cols)
	if len(cols) != 2 || cols[0].spec != specKeyStr || cols[1].spec != specAction|deflateBit {
		t.Fatalf("packed %+v", cols)
	}
	budget := maxInflated
	back, err := inflate(cols[1].data, &budget)
	if err != nil || !bytes.Equal(back, long) || budget != maxInflated-len(long) {
		t.Fatalf("inflate: %v", err)
	}
	budget = 10
	if _, err := inflate(cols[1].data, &budget); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("inflate over budget: %v", err)
	}
}

// TestDeflaterReuse: a deflater used again after other input writes the
// bytes a fresh one writes, so reusing it across columns changes no saved
// byte.
func TestDeflaterReuse(t *testing.T) {
	inputs := [][]byte{
		bytes.Repeat([]byte("abcdefgh"), 4096),
		[]byte("short"),
		bytes.Repeat([]byte{0, 1, 2, 3, 250}, 1000),
		nil,
	}
	var reused deflater
	for i, in := range inputs {
		got := reused.deflate(in)
		if want := deflate(in); !bytes.Equal(got, want) {
			t.Errorf("input %d: reused deflater wrote %d bytes, a fresh one %d", i, len(got), len(want))
		}
	}
}

// TestDeflateColumns: columns deflated by several goroutines at once get
// the bytes and flag a lone deflate gives them, in both tables, and short
// columns stay as they are.
func TestDeflateColumns(t *testing.T) {
	var tables, want [2][]column
	for i := range 12 {
		c := column{spec: spec(uint32(i), colInteger), data: bytes.Repeat([]byte{byte(i), byte(i * 7), 3}, 40*i*i+i)}
		w := c
		if len(c.data) >= DeflateMinSize {
			w = column{spec: c.spec | deflateBit, data: deflate(c.data)}
		}
		tables[i%2] = append(tables[i%2], c)
		want[i%2] = append(want[i%2], w)
	}
	deflateColumns(tables[0], tables[1])
	for ti, cols := range tables {
		for i, c := range cols {
			if w := want[ti][i]; c.spec != w.spec || !bytes.Equal(c.data, w.data) {
				t.Errorf("table %d column %d: spec %#x, %d bytes, want %#x, %d bytes", ti, i, c.spec, len(c.data), w.spec, len(w.data))
			}
		}
	}
}
