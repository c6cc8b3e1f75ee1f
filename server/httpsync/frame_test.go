package httpsync_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/httpsync"
	"github.com/commonplace/commonplace/server/wire"
)

// frames drives the /internal/ routes the Durable Object calls, as one
// socket of workspace alpha.
type frames struct {
	t     *testing.T
	base  string
	codec *wire.Codec
	peer  string // the joined peerId, as the room remembers it
}

func (f *frames) send(m wire.Message) httpsync.Frame {
	f.t.Helper()
	b, err := f.codec.Encode(m)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.raw(b)
}

func (f *frames) raw(b []byte) httpsync.Frame {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.base+"/internal/frame", bytes.NewReader(b))
	req.Header.Set(httpsync.WorkspaceHeader, "alpha")
	req.Header.Set(httpsync.TokenIDHeader, "t1")
	req.Header.Set(httpsync.PeerHeader, f.peer)
	req.Header.Set(httpsync.OthersHeader, "B,C")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out httpsync.Frame
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		f.t.Fatalf("frame: status %d, %v", resp.StatusCode, err)
	}
	if out.Peer != "" {
		f.peer = out.Peer
	}
	return out
}

func (f *frames) decode(b []byte) wire.Message {
	f.t.Helper()
	m, err := f.codec.Decode(b)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func TestFrames(t *testing.T) {
	st := openBadger(t, t.TempDir())
	defer st.Close()
	srv := httptest.NewServer(freshPerRequest(t, st))
	defer srv.Close()
	codec, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	a := &frames{t: t, base: srv.URL, codec: codec}

	if f := a.send(wire.Message{Type: wire.TypeSync, SenderID: "A", TargetID: "r", DocumentID: "doc1", Data: []byte{1}}); f.Close != "expected join first" {
		t.Fatalf("sync before join: %+v", f)
	}
	f := a.send(wire.Message{Type: wire.TypeJoin, SenderID: "A", SupportedProtocolVersions: []string{"1"}, PeerMetadata: &wire.PeerMetadata{}})
	if f.Peer != "A" || len(f.Replies) != 1 {
		t.Fatalf("join: %+v", f)
	}
	if p := a.decode(f.Replies[0]); p.Type != wire.TypePeer || p.TargetID != "A" || p.PeerMetadata == nil || p.PeerMetadata.StorageID == "" {
		t.Fatalf("peer reply: %+v", p)
	}

	// A creates a document: the frame claims and stores it, replies, and
	// names it open and changed.
	doc := crdtengine.New().New().(*crdtengine.Doc)
	if err := doc.CRDT().RootMap().Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := doc.CRDT().Commit(""); err != nil {
		t.Fatal(err)
	}
	id := randomID(t)
	as := doc.NewSyncState()
	var changed, open []string
	for range 4 {
		data, ok := as.Generate()
		if !ok {
			break
		}
		f = a.send(wire.Message{Type: wire.TypeSync, SenderID: "A", TargetID: "r", DocumentID: id, Data: data})
		if f.Close != "" || len(f.Replies) == 0 {
			t.Fatalf("sync: %+v", f)
		}
		changed, open = append(changed, f.Changed...), append(open, f.Open...)
		for _, r := range f.Replies {
			if err := as.Receive(a.decode(r).Data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(changed, []string{id}) || !slices.Contains(open, id) {
		t.Fatalf("sync rounds: changed %v, open %v", changed, open)
	}

	// The room announces the change to B; a fresh peer learns from it
	// that the relay has heads it lacks.
	resp, err := http.Get(srv.URL + "/internal/announce?" + url.Values{"doc": {id}, "to": {"B"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var ann httpsync.Announcement
	err = json.NewDecoder(resp.Body).Decode(&ann)
	resp.Body.Close()
	if err != nil || len(ann.Frames["B"]) == 0 {
		t.Fatalf("announce: %v %+v", err, ann)
	}
	m := a.decode(ann.Frames["B"])
	b := crdtengine.New().New()
	bs := b.NewSyncState()
	if m.Type != wire.TypeSync || m.TargetID != "B" || m.DocumentID != id || bs.Receive(m.Data) != nil {
		t.Fatalf("announcement: %+v", m)
	}
	if _, ok := bs.Generate(); !ok {
		t.Fatal("B has nothing to ask after the announcement")
	}

	// Ephemeral messages come back as a frame for each other peer.
	f = a.send(wire.Message{Type: wire.TypeEphemeral, SenderID: "A", TargetID: "r", DocumentID: id, SessionID: "s", Count: 1, Data: []byte{0xa0}})
	if f.Forward == nil || f.Forward.Doc != id || len(f.Forward.Frames) != 2 {
		t.Fatalf("ephemeral: %+v", f)
	}
	if m := a.decode(f.Forward.Frames["C"]); m.TargetID != "C" || m.SenderID != "A" || m.SessionID != "s" {
		t.Fatalf("forwarded ephemeral: %+v", m)
	}

	// A frame from another senderId is ignored; garbage closes the socket.
	if f = a.send(wire.Message{Type: wire.TypeSync, SenderID: "Z", TargetID: "r", DocumentID: id, Data: []byte{0x42}}); len(f.Replies)+len(f.Open) != 0 {
		t.Fatalf("foreign sender: %+v", f)
	}
	if f = a.raw([]byte("not cbor")); f.Close == "" {
		t.Fatalf("garbage: %+v", f)
	}
}

// TestInternalAuth: the bearer token's workspace for the room, and 401
// for anything else.
func TestInternalAuth(t *testing.T) {
	tg, _, _ := startNative(t)
	tok := tg.token(t, "alpha")
	code, body := post(t, tg.base+"/internal/auth", tok, "application/json", nil)
	var who map[string]string
	if code != 200 || json.Unmarshal(body, &who) != nil || who["workspace"] != "alpha" || who["storageId"] == "" {
		t.Fatalf("auth: %d %s", code, body)
	}
	if code, _ := post(t, tg.base+"/internal/auth", "cp_bad", "application/json", nil); code != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", code)
	}
	if code, _ := post(t, tg.base+"/admin/tokens", "not-admin", "application/json", []byte(`{"workspace":"x"}`)); code != http.StatusUnauthorized {
		t.Fatalf("admin with a wrong token: %d", code)
	}
}

// TestAdminRevoke: a revoked token is refused by HTTP sync and by the
// room's auth from the next request on.
func TestAdminRevoke(t *testing.T) {
	tg, _, _ := startNative(t)
	code, body := post(t, tg.base+"/admin/tokens", testAdmin, "application/json", []byte(`{"workspace":"alpha","label":"x"}`))
	var created map[string]string
	if code != 200 || json.Unmarshal(body, &created) != nil {
		t.Fatalf("create: %d %s", code, body)
	}
	p := tg.peer(t, created["token"], "a")
	p.set(t, "k", "v")
	mustSync(t, p, randomID(t))
	if code, body := post(t, tg.base+"/admin/revoke", testAdmin, "application/json", []byte(`{"id":"`+created["id"]+`"}`)); code != 200 {
		t.Fatalf("revoke: %d %s", code, body)
	}
	if code, _ := post(t, tg.base+"/admin/revoke", testAdmin, "application/json", []byte(`{"id":"nope"}`)); code != http.StatusNotFound {
		t.Fatalf("revoke unknown: %d", code)
	}
	if err := p.sync(t, randomID(t)); !errors.Is(err, httpsync.ErrUnauthorized) {
		t.Fatalf("sync with a revoked token: %v", err)
	}
	if code, _ := post(t, tg.base+"/internal/auth", created["token"], "application/json", nil); code != http.StatusUnauthorized {
		t.Fatalf("room auth with a revoked token: %d", code)
	}
}
