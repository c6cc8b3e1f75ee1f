package relay_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// storedHeads loads document id from the store alone.
func (e *env) storedHeads(id string) []docsync.Hash {
	e.t.Helper()
	entries, err := e.st.LoadRange(context.Background(), docsync.Prefix(id))
	if err != nil {
		e.t.Fatalf("load range: %v", err)
	}
	d, _, _ := docsync.Load(e.srv.Engine(), id, entries, docsync.Options{})
	return d.Heads()
}

// durable waits until the store holds everything client c has of id.
func (e *env) durable(c *client, id string) {
	e.t.Helper()
	c.until("the relay to store "+id, func() bool { return sameHeads(e.storedHeads(id), c.heads(id)) })
}

func TestPeerOfflineWhileOthersEdit(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a, b, c := e.connect(tok, "peer-a"), e.connect(tok, "peer-b"), e.connect(tok, "peer-c")
	id := newDocID()
	a.edit(id, "title", "v1")
	e.durable(a, id)
	b.request(id)
	c.request(id)
	b.until("b has v1", func() bool { return b.get(id, "title") == "v1" })
	c.until("c has v1", func() bool { return c.get(id, "title") == "v1" })

	// c goes offline and edits there; a and b keep editing.
	offline := c.docs[id]
	_ = c.ws.Close()
	for i := range 10 {
		a.edit(id, fmt.Sprint("a", i), "x")
		b.edit(id, fmt.Sprint("b", i), "y")
	}
	if err := c.ed.put(offline.doc, "offline", "c"); err != nil {
		t.Fatal(err)
	}
	a.until("a's edits stored", func() bool { return e.storedHeadsInclude(id, a) })

	// c comes back with the same peerId and its document.
	c2 := e.connect(tok, "peer-c")
	c2.docs[id] = &clientDoc{doc: offline.doc, ss: offline.doc.NewSyncState()}
	c2.sendSync(id, wire.TypeSync)
	c2.until("c to catch up", func() bool { return c2.get(id, "a9") == "x" && c2.get(id, "b9") == "y" })
	a.until("a to get c's offline edit", func() bool { return a.get(id, "offline") == "c" })
	b.until("b to get c's offline edit", func() bool { return b.get(id, "offline") == "c" })
	// Every client answers what it gets until nobody has anything left.
	waitUntil(t, "all equal", func() bool {
		for _, x := range []*client{a, b, c2} {
			x.drain(20 * time.Millisecond)
		}
		return sameHeads(a.heads(id), c2.heads(id)) && sameHeads(b.heads(id), c2.heads(id))
	})
}

// storedHeadsInclude reports whether the store has all of c's heads.
func (e *env) storedHeadsInclude(id string, c *client) bool {
	return sameHeads(e.storedHeads(id), c.heads(id))
}

func TestManyPeersConverge(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	id := newDocID()
	first := e.connect(tok, "peer-0")
	first.edit(id, "title", "shared")
	e.durable(first, id)
	clients := []*client{first}
	for i := 1; i < 5; i++ {
		c := e.connect(tok, fmt.Sprint("peer-", i))
		c.request(id)
		c.until("open", func() bool { return c.get(id, "title") == "shared" })
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				c.edit(id, fmt.Sprintf("p%d-%d", i, j), "v")
				c.drain(0)
			}
		}()
	}
	wg.Wait()
	untilAll(t, "every peer to see every edit", clients, func() bool {
		for _, c := range clients {
			for k := range clients {
				if c.get(id, fmt.Sprintf("p%d-4", k)) != "v" {
					return false
				}
			}
		}
		return true
	})
	e.durable(first, id)
}

func TestEphemeralRelayedNotStored(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a, b, c := e.connect(tok, "peer-a"), e.connect(tok, "peer-b"), e.connect(tok, "peer-c")
	id := newDocID()
	a.edit(id, "title", "x")
	e.durable(a, id)
	b.request(id)
	b.until("b open", func() bool { return b.get(id, "title") == "x" })
	before, _ := e.st.LoadRange(context.Background(), nil)
	a.write(wire.Message{Type: wire.TypeEphemeral, SenderID: "peer-a", TargetID: a.server,
		DocumentID: id, SessionID: "sess", Count: 3, Data: []byte{0xa1, 0x61, 0x78, 0x01}})
	b.until("b to get the ephemeral message", func() bool { return len(b.ephemeral) == 1 })
	got := b.ephemeral[0]
	if got.SenderID != "peer-a" || got.TargetID != "peer-b" || got.SessionID != "sess" || got.Count != 3 {
		t.Errorf("relayed ephemeral = %+v", got)
	}
	c.drain(200 * 1e6)
	a.drain(0)
	if len(c.ephemeral) != 0 || len(a.ephemeral) != 0 {
		t.Error("ephemeral went to a peer without the doc open, or back to its sender")
	}
	after, _ := e.st.LoadRange(context.Background(), nil)
	if len(after) != len(before) {
		t.Errorf("store grew from %d to %d entries on an ephemeral message", len(before), len(after))
	}
}

func TestIdleDocumentsEvicted(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	a := e.connect(tok, "peer-a")
	for range 3 {
		id := newDocID()
		a.edit(id, "k", "v")
		e.durable(a, id)
	}
	if got := e.metric("commonplace_relay_documents_loaded"); got != "3" {
		t.Fatalf("documents loaded = %s, want 3", got)
	}
	_ = a.ws.Close()
	a.until("disconnect", func() bool { return true })
	waitUntil(t, "idle documents evicted", func() bool { return e.metric("commonplace_relay_documents_loaded") == "0" })
}

// metric scrapes /metrics and returns the value of an unlabelled series.
func (e *env) metric(name string) string {
	e.t.Helper()
	resp, err := http.Get(e.http.URL + "/metrics")
	if err != nil {
		e.t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.http.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d", resp.StatusCode)
	}
	a := e.connect(e.token("w1"), "peer-a")
	id := newDocID()
	a.edit(id, "k", "v")
	e.durable(a, id)
	if got := e.metric("commonplace_relay_connections"); got != "1" {
		t.Errorf("connections = %q, want 1", got)
	}
	if e.metric("commonplace_relay_store_bytes") == "" {
		t.Error("no store_bytes series for a Badger store")
	}
	for _, series := range []string{
		`commonplace_relay_messages_total{direction="in",type="sync"}`,
		`commonplace_relay_bytes_total{direction="out"}`,
		`commonplace_relay_sync_round_trip_seconds_count`,
	} {
		if v := e.metric(series); v == "" || v == "0" {
			t.Errorf("%s = %q, want > 0", series, v)
		}
	}
}

// TestRequesterGetsDocumentCreatedLater: a peer that asked for a document
// before its workspace created it gets it once it exists; a peer of
// another workspace that asked too gets nothing.
func TestRequesterGetsDocumentCreatedLater(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("w1")
	early := e.connect(tok, "peer-early")
	outsider := e.connect(e.token("w2"), "peer-outsider")
	id := newDocID()
	early.request(id)
	outsider.request(id)
	early.until("doc-unavailable", func() bool { return early.unavailable[id] == 1 })
	outsider.until("doc-unavailable", func() bool { return outsider.unavailable[id] == 1 })

	writer := e.connect(tok, "peer-writer")
	writer.edit(id, "title", "now it exists")
	e.durable(writer, id)
	early.until("the early requester to get the document", func() bool { return early.get(id, "title") == "now it exists" })
	writer.edit(id, "title", "and changes")
	e.durable(writer, id)
	early.until("live changes after that", func() bool { return early.get(id, "title") == "and changes" })
	outsider.drain(200 * time.Millisecond)
	if outsider.get(id, "title") != "" || outsider.syncs != 0 {
		t.Error("a requester of another workspace received the document")
	}
}
