package access

import (
	"slices"
	"testing"

	"github.com/commonplace/commonplace/server/store"
)

func TestDocuments(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		s := New(st)
		claims := []struct{ doc, ws string }{
			{"3xDoc", "alpha"},
			{"1aDoc", "alpha"},
			{"2bDoc", "beta"},
			{"1aDoc", "beta"}, // loses: alpha owns it
		}
		for _, c := range claims {
			if _, err := s.ClaimDoc(t.Context(), c.doc, c.ws); err != nil {
				t.Fatalf("ClaimDoc(%s, %s): %v", c.doc, c.ws, err)
			}
		}
		tests := []struct {
			ws   string
			want []string
		}{
			{"alpha", []string{"1aDoc", "3xDoc"}},
			{"beta", []string{"2bDoc"}},
			{"gamma", nil},
		}
		for _, tc := range tests {
			got, err := s.Documents(t.Context(), tc.ws)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Documents(%s) = %q, %v; want %q", tc.ws, got, err, tc.want)
			}
		}
		if _, err := s.Documents(t.Context(), "no spaces allowed"); err == nil {
			t.Error("Documents(invalid name) succeeded")
		}
	})
}
