//go:build cgo

package amgo_test

import (
	"fmt"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/docsync/enginetest"
	"github.com/commonplace/commonplace/server/engine/amgo"
)

func harness() enginetest.Harness {
	return enginetest.Harness{
		Engine: amgo.New(),
		Put: func(d docsync.Doc, k, v string) error {
			ad := d.(*amgo.Doc).Automerge()
			if err := ad.RootMap().Set(k, v); err != nil {
				return err
			}
			_, err := ad.Commit("")
			return err
		},
		Get: func(d docsync.Doc, k string) (string, error) {
			v, err := d.(*amgo.Doc).Automerge().RootMap().Get(k)
			if err != nil {
				return "", err
			}
			switch v.Kind() {
			case am.KindStr:
				return v.Str(), nil
			case am.KindText: // what JavaScript's Automerge 3 writes for strings
				return v.Text().Get()
			}
			return "", fmt.Errorf("%s is %v, not a string", k, v.Kind())
		},
	}
}

func TestEngineContract(t *testing.T) {
	enginetest.Run(t, harness())
}

func FuzzSyncReceive(f *testing.F) {
	f.Add([]byte{0x42, 0x00, 0x00, 0x01, 0x00, 0x00})
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		// Any bytes: an error or success, never a panic.
		_ = amgo.New().New().NewSyncState().Receive(msg)
	})
}

func FuzzLoad(f *testing.F) {
	f.Add(amgo.New().New().Save())
	f.Add([]byte{0x85, 0x6f, 0x4a, 0x83})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = amgo.New().Load(data)
	})
}

func ExampleEngine() {
	e := amgo.New()
	a, b := e.New(), e.New()
	_ = a.(*amgo.Doc).Automerge().RootMap().Set("title", "hello")
	_, _ = a.(*amgo.Doc).Automerge().Commit("")
	sa, sb := a.NewSyncState(), b.NewSyncState()
	for range 10 {
		if m, ok := sa.Generate(); ok {
			_ = sb.Receive(m)
		}
		if m, ok := sb.Generate(); ok {
			_ = sa.Receive(m)
		}
	}
	fmt.Println(len(b.Heads()), a.Heads()[0] == b.Heads()[0])
	// Output: 1 true
}
