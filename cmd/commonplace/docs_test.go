package main

import (
	"fmt"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// testDoc is a document a test wrote through the relay.
type testDoc struct {
	id    string
	title string
	heads []am.ChangeHash
}

// writeDocs creates n documents through a sync client with token and
// waits until the server acknowledged each.
func writeDocs(t *testing.T, s *server, token string, n int) []testDoc {
	t.Helper()
	c, _, err := dialSync(s.wsURL(token), "peer-writer-"+t.Name())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	docs := make([]testDoc, n)
	for i := range docs {
		doc := am.New()
		title := fmt.Sprintf("note %d of %s", i, t.Name())
		if err := doc.RootMap().Set("title", title); err != nil {
			t.Fatal(err)
		}
		if err := doc.RootMap().Set("tags", []string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		if _, err := doc.Commit("write"); err != nil {
			t.Fatal(err)
		}
		id := newDocumentID()
		if _, err := c.push(id, doc, am.NewSyncState(doc), 10*time.Second); err != nil {
			t.Fatalf("push doc %d: %v", i, err)
		}
		docs[i] = testDoc{id: id, title: title, heads: doc.Heads()}
	}
	return docs
}

// checkDocs fetches every doc through a fresh client with token and
// checks it holds the heads and title written.
func checkDocs(t *testing.T, s *server, token string, docs []testDoc) {
	t.Helper()
	c, _, err := dialSync(s.wsURL(token), "peer-reader-"+t.Name())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	for _, d := range docs {
		got, err := c.fetch(d.id, 10*time.Second)
		if err != nil {
			t.Fatalf("fetch %s: %v", d.id, err)
		}
		if !hasAll(got, d.heads) {
			t.Errorf("doc %s: heads %v missing from %v", d.id, d.heads, got.Heads())
		}
		v, err := got.RootMap().Get("title")
		if err != nil || v.Kind() != am.KindStr || v.Str() != d.title {
			t.Errorf("doc %s: title %v (%v), want %q", d.id, v, err, d.title)
		}
	}
}
