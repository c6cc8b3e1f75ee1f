package badgerstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/badgerstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "badgerstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	// Put returns once the value is on disk.
	if err := s.Put(ctx, store.Key{"doc", "2v3rkia9QeE2R9cBqPSwB1RjJmDw", "snapshot", "ab12"}, []byte("automerge")); err != nil {
		log.Fatal(err)
	}
	entries, err := s.LoadRange(ctx, store.Key{"doc", "2v3rkia9QeE2R9cBqPSwB1RjJmDw"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(entries), entries[0].Key, string(entries[0].Value))

	// The server calls this now and then to reclaim value-log space.
	if _, err := s.CollectGarbage(ctx); err != nil {
		log.Fatal(err)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	// Output: 1 doc/2v3rkia9QeE2R9cBqPSwB1RjJmDw/snapshot/ab12 automerge
}

// Backup and Restore copy a store through Badger's backup stream, as
// `commonplace backup` and `commonplace restore` do.
func ExampleStore_Backup() {
	ctx := context.Background()
	src, _ := os.MkdirTemp("", "badgerstore-src")
	dst, _ := os.MkdirTemp("", "badgerstore-dst")
	defer os.RemoveAll(src)
	defer os.RemoveAll(dst)

	a, err := badgerstore.Open(src, badgerstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	_ = a.Put(ctx, store.Key{"access", "workspace", "study"}, []byte("{}"))
	var backup bytes.Buffer
	if err := a.Backup(&backup); err != nil {
		log.Fatal(err)
	}

	b, err := badgerstore.Open(dst, badgerstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	if err := b.Restore(&backup); err != nil {
		log.Fatal(err)
	}
	v, err := b.Load(ctx, store.Key{"access", "workspace", "study"})
	fmt.Println(string(v), err)
	// Output: {} <nil>
}
