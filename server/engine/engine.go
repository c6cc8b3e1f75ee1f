// Package engine selects a docsync.Engine by name, so the command line can
// offer --engine without importing cgo code into CGO_ENABLED=0 builds:
// which engines exist is decided per build by the files with build tags
// (available_cgo.go, available_nocgo.go).
package engine

import (
	"errors"
	"fmt"
	"slices"

	"github.com/commonplace/commonplace/server/docsync"
)

// ErrUnknown is returned by New for a name this build does not include.
var ErrUnknown = errors.New("engine: unknown engine")

// ErrNone is returned by Default when the build includes no engine.
var ErrNone = errors.New("engine: this build includes no engine")

// Names lists the engines of this build, the default first.
func Names() []string {
	var out []string
	for _, e := range available() {
		out = append(out, e.name)
	}
	return out
}

// New returns the engine registered under name.
func New(name string) (docsync.Engine, error) {
	i := slices.IndexFunc(available(), func(e entry) bool { return e.name == name })
	if i < 0 {
		return nil, fmt.Errorf("%w %q (this build has: %v)", ErrUnknown, name, Names())
	}
	return available()[i].make(), nil
}

// Default returns the first engine of this build.
func Default() (docsync.Engine, error) {
	all := available()
	if len(all) == 0 {
		return nil, ErrNone
	}
	return all[0].make(), nil
}

type entry struct {
	name string
	make func() docsync.Engine
}
