package repo_test

import (
	"context"
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/repo"
)

// A repo keeps documents in a Storage; a change is stored when Change
// returns, and counts as unconfirmed until the relay's heads include it.
func Example() {
	ctx := context.Background()
	st := repo.NewMemory()
	r, err := repo.Open(ctx, st, repo.Options{Namespace: "team/"})
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := r.Create(ctx, "create", func(d *crdt.Doc) error {
		return d.RootMap().Set("title", "Market day")
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := repo.Open(ctx, st, repo.Options{Namespace: "team/"})
	_ = again.Read(id, func(d *crdt.Doc) error {
		v, _ := d.RootMap().Get("title")
		fmt.Println(v.Str())
		return nil
	})
	fmt.Println(again.Unconfirmed())
	// Output:
	// Market day
	// 1
}
