//go:build cgo

package docsync_test

import (
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/crdt/syncproto"
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
			if err := ss.Receive(s.Message().Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkColdRequest measures a new peer fetching a 50-change document
// it does not have, as the relay benchmark's cold phase does 1,000 times:
// its request, the core's answer with every change, the peer's reply
// (the peer keeps a change graph, as the benchmark's fetcher does).
func BenchmarkColdRequest(b *testing.B) {
	e := amgo.New()
	srv := docsync.New(e, "bench", docsync.Options{})
	cl := e.New().(*amgo.Doc)
	ss := cl.NewSyncState()
	for i := range 50 {
		_ = cl.Automerge().RootMap().Set(fmt.Sprint("k", i%5), fmt.Sprint(i))
		_, _ = cl.Automerge().Commit("")
		msg, ok := ss.Generate()
		if !ok {
			b.Fatal("nothing to send")
		}
		eff, err := srv.Handle("writer", wire.Message{Type: wire.TypeSync, DocumentID: "bench", Data: msg})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range eff.Send {
			if err := ss.Receive(s.Message().Data); err != nil {
				b.Fatal(err)
			}
		}
	}
	srv.Leave("writer")
	b.ReportAllocs()
	for b.Loop() {
		g, st := syncproto.NewChangeGraph(), syncproto.NewState()
		typ := wire.TypeRequest
		for range 4 {
			m, ok := syncproto.Generate(g, st)
			if !ok {
				break
			}
			eff, err := srv.Handle("fetcher", wire.Message{Type: typ, DocumentID: "bench", Data: m.Encode()})
			if err != nil {
				b.Fatal(err)
			}
			typ = wire.TypeSync
			for _, s := range eff.Send {
				rm, err := syncproto.DecodeMessage(s.Message().Data)
				if err != nil {
					b.Fatal(err)
				}
				if err := syncproto.Receive(g, st, rm); err != nil {
					b.Fatal(err)
				}
			}
		}
		if g.ChangeCount() != 50 {
			b.Fatalf("fetcher holds %d changes", g.ChangeCount())
		}
		srv.Leave("fetcher")
	}
}
