package badgerstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func fill(t *testing.T, s *Store, n, size int) {
	t.Helper()
	for i := range n {
		v := bytes.Repeat([]byte{byte(i)}, size)
		if err := s.Put(t.Context(), store.Key{"doc", fmt.Sprint(i)}, v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBackupRestore(t *testing.T) {
	src := openTest(t, t.TempDir(), Options{})
	fill(t, src, 50, 1000)
	fill(t, src, 3, 200<<10) // overwrite three with value-log values
	if err := src.Delete(t.Context(), store.Key{"doc", "10"}); err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := src.Backup(&backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	want, err := src.LoadRange(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}

	dst := openTest(t, t.TempDir(), Options{})
	if err := dst.Restore(bytes.NewReader(backup.Bytes())); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	got, err := dst.LoadRange(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, func(a, b store.Entry) bool {
		return slices.Equal(a.Key, b.Key) && bytes.Equal(a.Value, b.Value)
	}) {
		t.Fatalf("restored %d entries, want %d equal to the source's", len(got), len(want))
	}
	// Writes after a restore win over restored versions.
	k := store.Key{"doc", "0"}
	if err := dst.Put(t.Context(), k, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if v, err := dst.Load(t.Context(), k); err != nil || string(v) != "new" {
		t.Fatalf("Load after restore and Put = %q, %v", v, err)
	}
}

func TestRestoreRejects(t *testing.T) {
	frame := func(size uint64, body []byte) []byte {
		return append(binary.LittleEndian.AppendUint64(nil, size), body...)
	}
	var valid bytes.Buffer
	src := openTest(t, t.TempDir(), Options{})
	fill(t, src, 2, 10)
	if err := src.Backup(&valid); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"short header":    {1, 2, 3},
		"huge frame":      frame(1<<62, nil),
		"truncated frame": frame(1000, []byte("only a little")),
		"not protobuf":    frame(4, []byte{0xff, 0xff, 0xff, 0xff}),
		"cut backup":      valid.Bytes()[:valid.Len()-3],
	}
	for name, stream := range cases {
		t.Run(name, func(t *testing.T) {
			s := openTest(t, t.TempDir(), Options{})
			err := s.Restore(bytes.NewReader(stream))
			if err == nil {
				t.Fatal("Restore accepted a damaged stream")
			}
			if !errors.Is(err, ErrBadBackup) {
				t.Errorf("err = %v, want ErrBadBackup", err)
			}
			// The store still works.
			if err := s.Put(t.Context(), store.Key{"after"}, []byte("v")); err != nil {
				t.Fatal(err)
			}
		})
	}
	// An empty stream is an empty backup.
	s := openTest(t, t.TempDir(), Options{})
	if err := s.Restore(bytes.NewReader(nil)); err != nil {
		t.Fatalf("empty stream: %v", err)
	}
}

func TestGCReclaimsOverwrites(t *testing.T) {
	o := Options{valueLogFileSize: 1 << 20, MemTableBytes: 1 << 20}
	s := openTest(t, t.TempDir(), o)
	dir := s.Dir()
	// Overwrite the same keys many times, so older value-log files hold
	// only garbage. Badger learns what is garbage when compaction drops
	// old versions: reopening flushes each round's memtable to a table,
	// and flattening compacts those tables.
	for range 4 {
		fill(t, s, 16, 64<<10)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = openTest(t, dir, o)
	}
	if err := s.db.Flatten(1); err != nil {
		t.Fatal(err)
	}
	n, err := s.CollectGarbage(t.Context())
	if err != nil {
		t.Fatalf("CollectGarbage: %v", err)
	}
	if n == 0 {
		t.Error("CollectGarbage rewrote no value-log file")
	}
	for i := range 16 {
		v, err := s.Load(t.Context(), store.Key{"doc", fmt.Sprint(i)})
		if err != nil || !bytes.Equal(v, bytes.Repeat([]byte{byte(i)}, 64<<10)) {
			t.Fatalf("value %d after GC: %d bytes, %v", i, len(v), err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CollectGarbage(t.Context()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("CollectGarbage after Close = %v", err)
	}
}

func TestSizeAndClosed(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	fill(t, s, 20, 100<<10)
	s.Close()
	s = openTest(t, dir, Options{})
	lsm, vlog := s.Size()
	if vlog < 20*100<<10 || lsm < 0 {
		t.Errorf("Size() = %d, %d; want at least 2 MB of value log", lsm, vlog)
	}
	s.Close()
	if lsm, vlog := s.Size(); lsm != 0 || vlog != 0 {
		t.Errorf("Size after Close = %d, %d", lsm, vlog)
	}
	if err := s.Backup(&bytes.Buffer{}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Backup after Close = %v", err)
	}
	if err := s.Restore(bytes.NewReader(nil)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Restore after Close = %v", err)
	}
}
