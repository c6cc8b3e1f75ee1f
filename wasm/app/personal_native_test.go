//go:build !js

package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/wasm/app"
	"github.com/commonplace/commonplace/wasm/notes"
)

func TestPrivateNotesLinkedDeviceAndSharing(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	invite := rel.HTTP.URL + "/#join=" + rel.Token(t, "riverside")
	laptop, phone, ben := newDevice(t), newDevice(t), newDevice(t)
	for _, d := range []*device{laptop, ben} {
		if _, err := d.Join(ctx, invite); err != nil {
			t.Fatal(err)
		}
	}
	if err := laptop.SetProfile(ctx, app.Profile{Name: "Ana", Role: "consultant"}); err != nil {
		t.Fatal(err)
	}
	id, err := laptop.CreateNote(ctx, "reflection", "Doubts", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := laptop.EditText(ctx, id, "body", 0, 0, "not sure yet"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "laptop up to date", upToDate(laptop))

	link, err := laptop.PersonalLink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, rel.HTTP.URL+"/#join=") || strings.HasSuffix(link, strings.TrimPrefix(invite, rel.HTTP.URL+"/#join=")) {
		t.Fatalf("personal link %q", link)
	}
	if _, err := phone.Join(ctx, link); err != nil {
		t.Fatal(err)
	}
	// The phone gets the private note, then the team from the personal
	// space, under the same member.
	eventually(t, "phone sees the private note", func() bool {
		n, err := phone.GetNote(id)
		return err == nil && n.Body == "not sure yet" && n.Private
	})
	eventually(t, "phone joined the team", func() bool { return phone.Session().Joined })
	eventually(t, "phone's actor is Ana's", func() bool {
		ms := laptop.Members()
		return len(ms) == 1 && len(ms[0].Actors) == 2 && ms[0].Name == "Ana"
	})

	eventually(t, "ben up to date", upToDate(ben))
	if _, err := ben.GetNote(id); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("ben reads a private note: %v", err)
	}
	shared, err := phone.ShareNote(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "ben sees the shared note with its history", func() bool {
		n, err := ben.GetNote(shared)
		if err != nil || n.Body != "not sure yet" || n.Private {
			return false
		}
		h, err := ben.History(shared)
		return err == nil && len(h) >= 3 && h[0].Author != nil && h[0].Author.Name == "Ana"
	})
	// The laptop hears of the share (sharedAs in the private note) from
	// the phone through the personal space, independently of ben.
	eventually(t, "laptop lists only the shared copy", func() bool {
		list := laptop.ListNotes(notes.Filter{Kind: "reflection"})
		return len(list) == 1 && list[0].ID == shared
	})
	files, err := ben.ExportMarkdown("")
	if err != nil || len(files) != 1 || !strings.Contains(files[0].Content, "not sure yet") {
		t.Fatalf("export %+v %v", files, err)
	}
}

func TestJoinErrors(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	d := newDevice(t)
	tests := []struct {
		invite string
		code   string
	}{
		{"not a link", app.CodeInvalidInvite},
		{rel.HTTP.URL + "/", app.CodeInvalidInvite},
		{rel.HTTP.URL + "/#join=wrong", app.CodeInvalidInvite},
		{"http://127.0.0.1:1/#join=abc", app.CodeOffline},
	}
	for _, tt := range tests {
		_, err := d.Join(ctx, tt.invite)
		if app.Code(err) != tt.code {
			t.Errorf("Join(%q) = %v (code %q), want %q", tt.invite, err, app.Code(err), tt.code)
		}
	}
	if _, err := d.CreateNote(ctx, "story", "", false); app.Code(err) != app.CodeOffline {
		t.Errorf("create before join: %v", err)
	}
	if _, err := d.CreateNote(ctx, "poem", "", false); app.Code(err) != app.CodeInvalid {
		t.Errorf("bad kind: %v", err)
	}
}

func TestRevokedTokenStopsSync(t *testing.T) {
	ctx := context.Background()
	rel := startRelay(t)
	tok, secret, err := rel.Server.Access().CreateToken(ctx, "riverside", "ana")
	if err != nil {
		t.Fatal(err)
	}
	d := newDevice(t)
	errs := make(chan error, 10)
	defer d.OnError(func(err error) { errs <- err })()
	if _, err := d.Join(ctx, rel.HTTP.URL+"/#join="+secret); err != nil {
		t.Fatal(err)
	}
	eventually(t, "up to date", upToDate(d))
	if _, err := rel.Server.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	expectRevoked(t, d, errs)
}

// expectRevoked waits for d to show the revoked token in its status and
// on errs (fed by OnError).
func expectRevoked(t *testing.T, d *device, errs <-chan error) {
	t.Helper()
	eventually(t, "revoked status", func() bool {
		s := d.Status()
		return s.State == "offline" && s.Error != nil && *s.Error == app.CodeRevoked
	})
	select {
	case err := <-errs:
		if app.Code(err) != app.CodeRevoked {
			t.Fatalf("onError got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("onError not called")
	}
}
