//go:build cgo

package relay_test

import (
	"fmt"
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
