package memstore_test

import (
	"context"
	"fmt"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/memstore"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	_ = s.Put(ctx, store.Key{"doc", "a", "snapshot", "1"}, []byte("x"))
	_ = s.Put(ctx, store.Key{"doc", "a", "incremental", "2"}, []byte("y"))
	_ = s.Put(ctx, store.Key{"doc", "ab"}, []byte("not under doc/a"))
	entries, _ := s.LoadRange(ctx, store.Key{"doc", "a"})
	for _, e := range entries {
		fmt.Println(e.Key, string(e.Value))
	}
	// Output:
	// doc/a/incremental/2 y
	// doc/a/snapshot/1 x
}
