package relay_test

import (
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/server/engine"
	"github.com/commonplace/commonplace/server/relay"
)

// TestEveryEngine runs the main sync scenarios on each engine of the
// build: the relay must not depend on which one holds the documents.
// (The Go test client always uses automerge-go, so this is also an
// interop check between engines.)
func TestEveryEngine(t *testing.T) {
	for _, name := range engine.Names() {
		t.Run(name, func(t *testing.T) {
			eng, err := engine.New(name)
			if err != nil {
				t.Fatal(err)
			}
			withEngine := func(c *relay.Config) { c.Engine = eng; c.CompactAfter = 8 }
			t.Run("CreateRequestLive", func(t *testing.T) { scenarioCreateRequestLive(t, newEnv(t, withEngine)) })
			t.Run("Restart", func(t *testing.T) { scenarioRestart(t, newEnv(t, withEngine)) })
			t.Run("JSInterop", func(t *testing.T) { scenarioJSInterop(t, newEnv(t, withEngine)) })
			t.Run("GossipRelayHeads", func(t *testing.T) { scenarioGossipRelayHeads(t, newEnv(t, withEngine)) })
		})
	}
}

func scenarioCreateRequestLive(t *testing.T, e *env) {
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	a.edit(id, "title", "hello")
	e.durable(a, id)

	b := e.connect(tok, "peer-b")
	b.request(id)
	b.until("b to get the doc", func() bool { return b.get(id, "title") == "hello" })

	a.edit(id, "title", "live")
	b.until("b to get a's live change", func() bool { return b.get(id, "title") == "live" })
	b.edit(id, "from-b", "x")
	// b keeps answering until the relay has its change, as a real client
	// does: when the relay's bloom filter happens to contain b's change (a
	// false positive, a few runs in a thousand), b's first message
	// carries only its heads and the relay asks for the change by name.
	e.durable(b, id)
	a.until("a to get b's change", func() bool { return a.get(id, "from-b") == "x" })
	if !sameHeads(a.heads(id), b.heads(id)) {
		t.Error("a and b differ")
	}
}

func scenarioRestart(t *testing.T, e *env) {
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	id := newDocID()
	for i := range 20 { // past a compaction or two
		a.edit(id, "k", fmt.Sprint(i))
	}
	e.durable(a, id)
	storageID := e.srv.StorageID()
	e.restart()
	if e.srv.StorageID() != storageID {
		t.Errorf("storage id changed across restart: %s → %s", storageID, e.srv.StorageID())
	}
	b := e.connect(tok, "peer-b")
	b.request(id)
	b.until("b to read after restart", func() bool { return b.get(id, "k") == "19" })
	if !sameHeads(a.heads(id), b.heads(id)) {
		t.Error("heads differ after restart")
	}
}
