package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/server/engine"
)

// acked is what the server acknowledged per document: the heads of its
// sync replies.
type acked struct {
	mu    sync.Mutex
	heads map[string][]am.ChangeHash // doc id → every head the server reported
	n     atomic.Int64
}

func (a *acked) add(id string, heads []am.ChangeHash) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.heads[id] = append(a.heads[id], heads...)
	a.n.Add(1)
}

// TestKillDuringWriteLoad kills the server with SIGKILL while clients
// write, restarts it, and checks that every change whose heads the server
// had sent in a sync reply is still there: an acknowledgement must mean
// the change is durable. It runs once per engine of this build.
func TestKillDuringWriteLoad(t *testing.T) {
	for _, name := range engine.Names() {
		t.Run(name, func(t *testing.T) { killDuringWriteLoad(t, "--engine", name) })
	}
}

func killDuringWriteLoad(t *testing.T, serveArgs ...string) {
	const (
		writers       = 4
		docsPerWriter = 3
		killAfter     = 150 // acknowledged changes before the kill
	)
	data := t.TempDir()
	s := startServer(t, data, serveArgs...)
	token := createToken(t, data, "load")
	ack := &acked{heads: map[string][]am.ChangeHash{}}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		c, _, err := dialSync(s.wsURL(token), fmt.Sprintf("peer-load-%d", w))
		if err != nil {
			t.Fatalf("dial writer %d: %v", w, err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeUntilError(c, docsPerWriter, ack, stop)
		}()
	}

	deadline := time.Now().Add(60 * time.Second)
	for ack.n.Load() < killAfter {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("only %d changes acknowledged within 60s\n%s", ack.n.Load(), s.logs())
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.kill(t) // mid-load: the writers are still sending
	close(stop)
	wg.Wait()
	t.Logf("killed after %d acknowledged changes", ack.n.Load())

	s2 := startServer(t, data, serveArgs...)
	c, _, err := dialSync(s2.wsURL(token), "peer-check")
	if err != nil {
		t.Fatalf("dial after restart: %v", err)
	}
	defer c.Close()
	ack.mu.Lock()
	defer ack.mu.Unlock()
	for id, heads := range ack.heads {
		doc, err := c.fetch(id, 20*time.Second)
		if err != nil {
			t.Errorf("doc %s after restart: %v", id, err)
			continue
		}
		for _, h := range heads {
			if _, err := doc.Change(h); err != nil {
				t.Errorf("doc %s lost acknowledged change %s", id, h)
			}
		}
	}
}

// writeUntilError edits docs in turn, one change at a time, recording the
// heads the server acknowledges, until the connection fails or stop closes.
func writeUntilError(c *syncClient, n int, ack *acked, stop <-chan struct{}) {
	type target struct {
		id  string
		doc *am.Doc
		ss  *am.SyncState
	}
	docs := make([]target, n)
	for i := range docs {
		d := am.New()
		docs[i] = target{id: newDocumentID(), doc: d, ss: am.NewSyncState(d)}
	}
	for i := 0; i < 1_000_000; i++ {
		select {
		case <-stop:
			return
		default:
		}
		d := docs[i%n]
		if err := d.doc.RootMap().Set(fmt.Sprintf("k%d", i%50), int64(i)); err != nil {
			return
		}
		if _, err := d.doc.Commit(fmt.Sprintf("change %d", i)); err != nil {
			return
		}
		heads, err := c.push(d.id, d.doc, d.ss, 10*time.Second)
		if err != nil {
			return
		}
		ack.add(d.id, heads)
	}
}
