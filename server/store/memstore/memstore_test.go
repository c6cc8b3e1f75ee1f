package memstore_test

import (
	"testing"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/memstore"
	"github.com/commonplace/commonplace/server/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memstore.New() })
}
