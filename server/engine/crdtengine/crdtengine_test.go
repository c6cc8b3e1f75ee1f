package crdtengine_test

import (
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/docsync/enginetest"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
)

func harness() enginetest.Harness {
	return enginetest.Harness{
		Engine: crdtengine.New(),
		Put: func(d docsync.Doc, k, v string) error {
			cd := d.(*crdtengine.Doc).CRDT()
			if err := cd.RootMap().Set(k, v); err != nil {
				return err
			}
			_, err := cd.Commit("")
			return err
		},
		Get: func(d docsync.Doc, k string) (string, error) {
			v, err := d.(*crdtengine.Doc).CRDT().RootMap().Get(k)
			if err != nil {
				return "", err
			}
			switch v.Kind() {
			case crdt.KindStr:
				return v.Str(), nil
			case crdt.KindText: // what JavaScript's Automerge 3 writes for strings
				return v.Text().Get()
			}
			return "", fmt.Errorf("%s is %v, not a string", k, v.Kind())
		},
	}
}

func TestContract(t *testing.T) { enginetest.Run(t, harness()) }
