package relay

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/server/store"
)

// storageIDKey is where the relay keeps its automerge-repo storageId.
// Clients key the sync state they persist for this relay by it, so it
// must survive restarts.
var storageIDKey = store.Key{"relay", "storage-id"}

func loadStorageID(ctx context.Context, st store.Store) (string, error) {
	b, err := st.Load(ctx, storageIDKey)
	if err == nil && len(b) > 0 {
		return string(b), nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("load storage id: %w", err)
	}
	id := newUUID()
	if err := st.Put(ctx, storageIDKey, []byte(id)); err != nil {
		return "", fmt.Errorf("save storage id: %w", err)
	}
	return id, nil
}

// newUUID returns a random (version 4) UUID, the form automerge-repo uses
// for storage IDs.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
