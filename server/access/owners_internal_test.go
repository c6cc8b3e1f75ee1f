package access

import (
	"context"
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/server/store/memstore"
)

// TestOwnerCacheBounded: the owner cache never holds more than
// maxCachedOwners, and an owner evicted from it is read from the store
// again.
func TestOwnerCacheBounded(t *testing.T) {
	ctx := context.Background()
	s := New(memstore.New())
	first, err := s.ClaimDoc(ctx, "doc-first", "w1")
	if err != nil || first != "w1" {
		t.Fatalf("claim = %q, %v", first, err)
	}
	for i := range maxCachedOwners + 10 {
		s.cacheOwner(fmt.Sprintf("doc-%d", i), "w2")
	}
	if n := len(s.owners); n > maxCachedOwners {
		t.Fatalf("cache holds %d owners, bound %d", n, maxCachedOwners)
	}
	delete(s.owners, "doc-first")
	if got, err := s.DocWorkspace(ctx, "doc-first"); err != nil || got != "w1" {
		t.Fatalf("owner after eviction = %q, %v; want w1", got, err)
	}
	if s.owners["doc-first"] != "w1" {
		t.Error("owner read from the store was not cached")
	}
}
