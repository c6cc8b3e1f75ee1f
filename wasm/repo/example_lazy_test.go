package repo_test

import (
	"context"
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/repo"
)

// With Options.Lazy a stored document the relay has confirmed stays
// undecoded until it is read; its heads are known without loading it. A
// document with unconfirmed changes loads at once, so it syncs.
func ExampleOptions_lazy() {
	ctx := context.Background()
	st := repo.NewMemory()
	r, _ := repo.Open(ctx, st, repo.Options{Namespace: "team/"})
	id, _ := r.Create(ctx, "create", func(d *crdt.Doc) error { return d.RootMap().Set("title", "Market day") })

	again, _ := repo.Open(ctx, st, repo.Options{Namespace: "team/", Lazy: true})
	_, ok := again.Heads(id)
	fmt.Println(ok, again.Deferred()) // unconfirmed: loaded
	// Output: true 0
}
