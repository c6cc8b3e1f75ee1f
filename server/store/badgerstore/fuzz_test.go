package badgerstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

// FuzzRestore feeds Restore arbitrary streams: it must return (no panic,
// no hang, no allocation beyond what arrives) and leave a working store.
func FuzzRestore(f *testing.F) {
	seed := openTest(f, f.TempDir(), Options{NoSync: true})
	for i, v := range []string{"a", "bb", "ccc"} {
		if err := seed.Put(f.Context(), store.Key{"doc", v}, bytes.Repeat([]byte{byte(i)}, 10)); err != nil {
			f.Fatal(err)
		}
	}
	var valid bytes.Buffer
	if err := seed.Backup(&valid); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(valid.Bytes()[:valid.Len()/2])
	f.Add(binary.LittleEndian.AppendUint64(nil, 1<<40))
	f.Add([]byte{})

	s := openTest(f, f.TempDir(), Options{NoSync: true})
	f.Fuzz(func(t *testing.T, stream []byte) {
		err := s.Restore(bytes.NewReader(stream))
		if err != nil && !errors.Is(err, ErrBadBackup) {
			t.Fatalf("Restore error %v does not wrap ErrBadBackup", err)
		}
		if err := s.Put(t.Context(), store.Key{"probe"}, []byte("v")); err != nil {
			t.Fatalf("store broken after Restore: %v", err)
		}
		if _, err := s.LoadRange(t.Context(), nil); err != nil {
			t.Fatalf("LoadRange after Restore: %v", err)
		}
	})
}
