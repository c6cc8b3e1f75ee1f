package relay_test

import "github.com/commonplace/commonplace/server/docsync"

// editor is how the test client makes and reads changes: docsync's Engine
// has no editing API, so each engine supplies one.
type editor struct {
	engine docsync.Engine
	put    func(d docsync.Doc, k, v string) error
	get    func(d docsync.Doc, k string) string
}
