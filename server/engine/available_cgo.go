//go:build cgo

package engine

import (
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
)

// available lists the engines of a cgo build: automerge-go first (the
// default), then the pure-Go crdt engine.
func available() []entry {
	return []entry{
		{amgo.Name, func() docsync.Engine { return amgo.New() }},
		{crdtengine.Name, func() docsync.Engine { return crdtengine.New() }},
	}
}
