package badgerstore

import (
	"io"
	"log/slog"
	"testing"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/storetest"
)

// quiet keeps Badger's warnings out of test output unless -v.
func quiet(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.Default()
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func openTest(t testing.TB, dir string, o Options) *Store {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet(t)
	}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.RunPersistent(t, func(t *testing.T, dir string) store.Store {
		return openTest(t, dir, Options{})
	})
}

func TestOpenFails(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir, Options{})
	// Badger locks its directory: a second open must fail, not share it.
	if s, err := Open(dir, Options{Logger: quiet(t)}); err == nil {
		s.Close()
		t.Fatal("second Open of a locked directory succeeded")
	}
}
