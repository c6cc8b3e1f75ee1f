package access_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store/memstore"
)

func Example() {
	ctx := context.Background()
	acc := access.New(memstore.New())

	// The operator creates a token; the secret is shown once.
	tok, secret, err := acc.CreateToken(ctx, "study-group", "ana's laptop")
	if err != nil {
		fmt.Println(err)
		return
	}

	// A client connects with the secret.
	who, err := acc.Authenticate(ctx, secret)
	fmt.Println(who.Workspace, who.ID == tok.ID, err)

	// The first workspace to sync a new document owns it.
	owner, _ := acc.ClaimDoc(ctx, "2v3rkia9QeE2R9cBqPSwB1RjJmDw", who.Workspace)
	other, _ := acc.ClaimDoc(ctx, "2v3rkia9QeE2R9cBqPSwB1RjJmDw", "someone-else")
	fmt.Println(owner, other)

	// Revoked secrets stop working.
	_, _ = acc.RevokeToken(ctx, tok.ID)
	_, err = acc.Authenticate(ctx, secret)
	fmt.Println(errors.Is(err, access.ErrBadToken))
	// Output:
	// study-group true <nil>
	// study-group study-group
	// true
}

func ExampleService_DocWorkspace() {
	acc := access.New(memstore.New())
	_, err := acc.DocWorkspace(context.Background(), "2v3rkia9QeE2R9cBqPSwB1RjJmDw")
	fmt.Println(errors.Is(err, access.ErrNotFound))
	// Output: true
}

func ExampleService_ListTokens() {
	ctx := context.Background()
	acc := access.New(memstore.New())
	_, _, _ = acc.CreateToken(ctx, "a", "first")
	_, _, _ = acc.CreateToken(ctx, "b", "second")
	all, _ := acc.ListTokens(ctx, "")
	onlyB, _ := acc.ListTokens(ctx, "b")
	fmt.Println(len(all), len(onlyB), onlyB[0].Label)
	// Output: 2 1 second
}

func ExampleValidWorkspace() {
	fmt.Println(access.ValidWorkspace("study-group.2026") == nil)
	fmt.Println(errors.Is(access.ValidWorkspace("no spaces"), access.ErrInvalid))
	// Output:
	// true
	// true
}
