package httpsync_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/wire"
)

func post(t *testing.T, url, token, ctype string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

func batch(t *testing.T, msgs ...wire.Message) []byte {
	t.Helper()
	codec, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	b, err := httpsync.EncodeBatch(codec, msgs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRequestErrors: every malformed request gets a clear status, and
// none of them claims a document.
func TestRequestErrors(t *testing.T) {
	tg, _, _ := startNative(t)
	tok := tg.token(t, "alpha")
	id := randomID(t)
	good := wire.Message{Type: wire.TypeSync, SenderID: "p", TargetID: "r", DocumentID: id, Data: []byte{0x42, 1, 2}}
	cases := []struct {
		name  string
		token string
		body  []byte
		want  int
	}{
		{"no token", "", batch(t, good), http.StatusUnauthorized},
		{"wrong token", "cp_wrong", batch(t, good), http.StatusUnauthorized},
		{"not CBOR", tok, []byte("hello"), http.StatusBadRequest},
		{"empty batch", tok, []byte{0x80}, http.StatusBadRequest},
		{"array of ints", tok, []byte{0x81, 0x01}, http.StatusBadRequest},
		{"two senders", tok, batch(t, good, func() wire.Message { m := good; m.SenderID = "q"; return m }()), http.StatusBadRequest},
		{"bad document id", tok, batch(t, func() wire.Message { m := good; m.DocumentID = "../x"; return m }()), http.StatusBadRequest},
		{"bad sync bytes", tok, batch(t, good), http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, body := post(t, tg.base+"/sync/http", c.token, httpsync.ContentType, c.body); got != c.want {
				t.Fatalf("status %d (%s), want %d", got, body, c.want)
			}
		})
	}
	// None of them claimed the document: alpha's find says unavailable.
	p := tg.peer(t, tok, "a")
	if err := p.sync(t, id); !errors.Is(err, httpsync.ErrUnavailable) {
		t.Fatalf("after bad requests: %v, want ErrUnavailable", err)
	}
}

// TestDurableBeforeReply: once Sync returned (the relay answered with
// heads that include the change), the change is in the store (Badger
// writes synced, so it survives a crash from then on).
func TestDurableBeforeReply(t *testing.T) {
	tg, st, _ := startNative(t)
	a := tg.peer(t, tg.token(t, "alpha"), "a")
	id := randomID(t)
	a.set(t, "k", "durable")
	mustSync(t, a, id)
	entries, err := st.LoadRange(context.Background(), docsync.Prefix(id))
	if err != nil || len(entries) == 0 {
		t.Fatalf("stored entries: %d, %v", len(entries), err)
	}
	d, _, skipped := docsync.Load(crdtengine.New(), id, entries, docsync.Options{})
	if len(skipped) > 0 {
		t.Fatalf("skipped entries: %v", skipped)
	}
	if got, want := d.Heads(), a.doc.Heads(); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("stored heads %v, want %v", got, want)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	tg, _, _ := startNative(t)
	resp, err := http.Get(tg.base + "/sync/http")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}
