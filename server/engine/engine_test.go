package engine_test

import (
	"errors"
	"testing"

	"github.com/commonplace/commonplace/server/engine"
)

func TestNewUnknown(t *testing.T) {
	if _, err := engine.New("no-such-engine"); !errors.Is(err, engine.ErrUnknown) {
		t.Fatalf("New(unknown) = %v, want ErrUnknown", err)
	}
}

func TestEveryNameBuilds(t *testing.T) {
	for _, n := range engine.Names() {
		e, err := engine.New(n)
		if err != nil {
			t.Fatalf("New(%q): %v", n, err)
		}
		if e.Name() != n {
			t.Errorf("New(%q).Name() = %q", n, e.Name())
		}
	}
}
