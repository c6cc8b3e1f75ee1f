//go:build cgo

package relay_test

import (
	am "github.com/automerge/automerge-go"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
)

// clientEditor is automerge-go in cgo builds: the test client is then a
// different Automerge implementation from the crdt engine the relay may
// run.
func clientEditor() editor {
	return editor{
		engine: amgo.New(),
		put: func(d docsync.Doc, k, v string) error {
			ad := d.(*amgo.Doc).Automerge()
			if err := ad.RootMap().Set(k, v); err != nil {
				return err
			}
			_, err := ad.Commit("")
			return err
		},
		get: func(d docsync.Doc, k string) string {
			v, err := d.(*amgo.Doc).Automerge().RootMap().Get(k)
			if err != nil || v.Kind() != am.KindStr {
				return ""
			}
			return v.Str()
		},
	}
}
