package access

import (
	"testing"
)

// BenchmarkAuthenticate: one SHA-256 and one store read per connection.
func BenchmarkAuthenticate(b *testing.B) {
	st := openBadger(b, b.TempDir())
	defer st.Close()
	s := New(st)
	for range 100 {
		if _, _, err := s.CreateToken(b.Context(), "w", ""); err != nil {
			b.Fatal(err)
		}
	}
	_, secret, err := s.CreateToken(b.Context(), "w", "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Authenticate(b.Context(), secret); err != nil {
			b.Fatal(err)
		}
	}
}
