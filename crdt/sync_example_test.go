package crdt_test

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt"
)

// Two documents converge by exchanging sync messages until neither has
// anything left to say. The peer could as well be automerge-go or
// @automerge/automerge: the messages are Automerge's.
func ExampleSyncState() {
	alice := crdt.New()
	_ = alice.RootMap().Set("greeting", "hello")
	_, _ = alice.Commit("greet")
	bob := crdt.New()

	aliceState, bobState := crdt.NewSyncState(alice), crdt.NewSyncState(bob)
	for range 10 { // a bound, not a guess: two peers settle in a few rounds
		toBob, okA := aliceState.GenerateMessage()
		if okA {
			if _, err := bobState.ReceiveMessage(toBob.Bytes()); err != nil {
				panic(err)
			}
		}
		toAlice, okB := bobState.GenerateMessage()
		if okB {
			if _, err := aliceState.ReceiveMessage(toAlice.Bytes()); err != nil {
				panic(err)
			}
		}
		if !okA && !okB {
			break
		}
	}
	v, _ := bob.RootMap().Get("greeting")
	s, _ := crdt.As[string](v)
	fmt.Println(s)
	// Output: hello
}

// A saved sync state lets the next session skip what both peers already
// share; only the shared heads are kept.
func ExampleLoadSyncState() {
	doc := crdt.New()
	saved := crdt.NewSyncState(doc).Save()
	state, err := crdt.LoadSyncState(doc, saved)
	fmt.Println(state != nil, err)
	// Output: true <nil>
}
