//go:build !cgo

package relay_test

import (
	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
)

// clientEditor is the pure-Go crdt package in builds without cgo.
func clientEditor() editor {
	return editor{
		engine: crdtengine.New(),
		put: func(d docsync.Doc, k, v string) error {
			cd := d.(*crdtengine.Doc).CRDT()
			if err := cd.RootMap().Set(k, v); err != nil {
				return err
			}
			_, err := cd.Commit("")
			return err
		},
		get: func(d docsync.Doc, k string) string {
			v, err := d.(*crdtengine.Doc).CRDT().RootMap().Get(k)
			if err != nil || v.Kind() != crdt.KindStr {
				return ""
			}
			return v.Str()
		},
	}
}
