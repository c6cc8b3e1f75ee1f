//go:build cgo

package docsync_test

import (
	"fmt"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/wire"
)

// Example drives the core by hand. The client's first message only
// announces its heads; the core asks for the changes; the second message
// carries them and yields one store write, then the reply. A runtime
// performs the writes first and sends replies only once they are durable.
func Example() {
	e := amgo.New()
	doc := docsync.New(e, "2v3rkia9QeE2R9cBqPSwB1RjJmDw", docsync.Options{})

	client := e.New().(*amgo.Doc)
	_ = client.Automerge().RootMap().Set("title", "hello")
	_, _ = client.Automerge().Commit("")
	cs := client.NewSyncState()
	for range 3 {
		msg, ok := cs.Generate()
		if !ok {
			break
		}
		eff, err := doc.Handle("peer-1", wire.Message{Type: wire.TypeSync, DocumentID: doc.ID(), Data: msg})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, op := range eff.Store {
			fmt.Println("store", op.Key[2])
		}
		for _, s := range eff.Send {
			fmt.Println("send", s.Msg.Type, "to", s.To)
			_ = cs.Receive(s.Message().Data)
		}
	}
	fmt.Println(len(doc.Heads()), doc.IsOpen("peer-1"))
	// Output:
	// send sync to peer-1
	// store incremental
	// send sync to peer-1
	// 1 true
}
