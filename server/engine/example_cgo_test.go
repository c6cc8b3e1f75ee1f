//go:build cgo

package engine_test

import (
	"fmt"

	"github.com/commonplace/commonplace/server/engine"
)

func ExampleNew() {
	e, err := engine.New("automerge")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Name(), len(e.New().Heads()))
	// Output: automerge 0
}
