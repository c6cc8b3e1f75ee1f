package relay_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/commonplace/commonplace/server/wire"
)

// BenchmarkEditRoundTrip is one client edit over a real WebSocket until
// the relay's reply: decode, access check, sync, Badger write with fsync,
// reply.
func BenchmarkEditRoundTrip(b *testing.B) {
	e := newEnv(b, nil)
	c := e.connect(e.token("w1"), "peer-bench")
	id := newDocID()
	c.edit(id, "k", "0")
	e.durable(c, id)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.edit(id, "k", fmt.Sprint("v", i))
		for m := c.next(); ; m = c.next() { // until the relay's reply
			if m.Type == wire.TypeSync {
				break
			}
		}
	}
}

// BenchmarkManyClientsFirstSync is the load that broke the reference
// server with a share-everything policy: 50 clients each create 20
// documents at once; one iteration lasts until every client has every one
// of its documents confirmed by the relay (Badger with fsync).
func BenchmarkManyClientsFirstSync(b *testing.B) {
	const clients, docs = 50, 20
	b.StopTimer()
	for range b.N {
		e := newEnv(b, nil)
		tok := e.token("w1")
		cs := make([]*client, clients)
		for i := range cs {
			cs[i] = e.connect(tok, fmt.Sprint("peer-", i))
		}
		b.StartTimer()
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids := make([]string, docs)
				for j := range ids {
					ids[j] = newDocID()
					c.edit(ids[j], "k", "v")
				}
				// A new document takes two replies: the relay asks for
				// the changes, then acknowledges them once stored.
				c.until("all confirmed", func() bool {
					for _, id := range ids {
						if c.docs[id].received < 2 {
							return false
						}
					}
					return true
				})
			}()
		}
		wg.Wait()
		b.StopTimer()
		e.stop()
	}
	b.ReportMetric(float64(clients*docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
