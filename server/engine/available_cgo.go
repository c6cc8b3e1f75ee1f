//go:build cgo

package engine

import (
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
)

// available lists the engines of a cgo build: automerge-go first.
func available() []entry {
	return []entry{
		{amgo.Name, func() docsync.Engine { return amgo.New() }},
	}
}
