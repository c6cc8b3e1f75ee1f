//go:build cgo

package docsync_test

import (
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/wire"
)

// BenchmarkHandleEdit measures one client edit through the core: receive
// the sync message, produce the store ops and the reply (store IO not
// included).
func BenchmarkHandleEdit(b *testing.B) {
	e := amgo.New()
	srv := docsync.New(e, "bench", docsync.Options{})
	cl := e.New().(*amgo.Doc)
	ss := cl.NewSyncState()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = cl.Automerge().RootMap().Set("k", fmt.Sprint(i))
		_, _ = cl.Automerge().Commit("")
		msg, ok := ss.Generate()
		if !ok {
			b.Fatal("nothing to send")
		}
		eff, err := srv.Handle("p", wire.Message{Type: wire.TypeSync, DocumentID: "bench", Data: msg})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range eff.Send {
			if err := ss.Receive(s.Msg.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
