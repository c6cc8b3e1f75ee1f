package relay_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/commonplace/commonplace/server/wire"
)

// TestOtherWorkspaceLooksMissing: a request for another workspace's
// document and for a missing one get byte-identical answers (but for the
// ID), and a sync into another workspace's document merges nothing.
func TestOtherWorkspaceLooksMissing(t *testing.T) {
	e := newEnv(t, nil)
	owner := e.connect(e.token("w1"), "peer-owner")
	theirs := newDocID()
	owner.edit(theirs, "secret", "s")
	e.durable(owner, theirs)

	intruder := e.connect(e.token("w2"), "peer-intruder")
	missing := newDocID()
	var answers []wire.Message
	for _, id := range []string{theirs, missing} {
		intruder.request(id)
		m := intruder.next()
		answers = append(answers, m)
	}
	for i, m := range answers {
		if m.Type != wire.TypeDocUnavailable {
			t.Fatalf("answer %d = %s, want doc-unavailable", i, m.Type)
		}
		m.DocumentID = ""
		answers[i] = m
	}
	if fmt.Sprintf("%+v", answers[0]) != fmt.Sprintf("%+v", answers[1]) {
		t.Errorf("answers differ: %+v vs %+v", answers[0], answers[1])
	}

	// Writing into it: doc-unavailable, nothing merged.
	before := e.storedHeads(theirs)
	intruder.edit(theirs, "evil", "e")
	if m := intruder.next(); m.Type != wire.TypeDocUnavailable {
		t.Errorf("sync into another workspace's doc got %s, want doc-unavailable", m.Type)
	}
	if !sameHeads(e.storedHeads(theirs), before) {
		t.Error("another workspace's sync was merged")
	}
	// The owner's workspace still sees only its own content.
	owner.drain(100 * 1e6)
	if owner.get(theirs, "evil") != "" {
		t.Error("owner received the intruder's change")
	}
}

func TestRevokedTokenClosedAndRefused(t *testing.T) {
	e := newEnv(t, nil)
	tok, secret, err := e.srv.Access().CreateToken(context.Background(), "w1", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	other := e.token("w1")
	c := e.connect(secret, "peer-revoked")
	keep := e.connect(other, "peer-kept")
	if _, err := e.srv.RevokeToken(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if msg, _ := c.closedWith(); msg != "token revoked" {
		t.Errorf("error = %q, want token revoked", msg)
	}
	if _, resp, err := e.dial(secret); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("dial with revoked token: %v, want 401", err)
	}
	id := newDocID()
	keep.edit(id, "k", "v")
	e.durable(keep, id)
}
