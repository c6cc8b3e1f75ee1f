package access

import (
	"context"
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/store/memstore"
)

func TestAdmit(t *testing.T) {
	errBad := errors.New("bad bytes")
	ok := func() error { return nil }
	bad := func() error { return errBad }
	for _, tc := range []struct {
		name      string
		owner     string // "" = nobody owns doc1 yet
		ws        string
		claim     bool
		check     func() error
		want      Verdict
		wantErr   error
		ownerThen string
	}{
		{"own document", "w1", "w1", true, ok, Allowed, nil, "w1"},
		{"own document, request", "w1", "w1", false, ok, Allowed, nil, "w1"},
		{"other workspace's document", "w1", "w2", true, ok, Denied, nil, "w1"},
		{"other workspace's document, request", "w1", "w2", false, ok, Denied, nil, "w1"},
		{"request for a document nobody owns", "", "w1", false, ok, Unclaimed, nil, ""},
		{"sync for a document nobody owns", "", "w1", true, ok, Claimed, nil, "w1"},
		{"bad bytes for a new document", "", "w1", true, bad, Denied, errBad, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := New(memstore.New())
			if tc.owner != "" {
				if _, err := s.ClaimDoc(ctx, "doc1", tc.owner); err != nil {
					t.Fatal(err)
				}
			}
			checked := false
			got, err := s.Admit(ctx, tc.ws, "doc1", tc.claim, func() error { checked = true; return tc.check() })
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Admit = %v, %v; want %v, %v", got, err, tc.want, tc.wantErr)
			}
			if checked != (tc.owner == "" && tc.claim) {
				t.Errorf("check ran = %v: it must run only before a claim", checked)
			}
			owner, err := s.DocWorkspace(ctx, "doc1")
			if tc.ownerThen == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("owner afterwards = %q, %v; want none", owner, err)
				}
			} else if owner != tc.ownerThen {
				t.Errorf("owner afterwards = %q, want %q", owner, tc.ownerThen)
			}
		})
	}
}
