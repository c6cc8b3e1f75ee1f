//go:build !cgo

package engine

import (
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
)

// available lists the engines of a build without cgo: automerge-go needs
// cgo, so the pure-Go crdt engine is the only one and the default.
func available() []entry {
	return []entry{
		{crdtengine.Name, func() docsync.Engine { return crdtengine.New() }},
	}
}
