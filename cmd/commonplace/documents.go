package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/crdtengine"
	"github.com/commonplace/commonplace/server/store"
)

// errNoDocument is returned when a document has no stored chunk.
var errNoDocument = errors.New("no such document")

// workspaceDocuments lists the IDs of the documents of workspace that have
// stored content, sorted. Ownership comes from the access records; a
// document claimed but never written (its first sync carried no change)
// has nothing to export and is left out.
func workspaceDocuments(ctx context.Context, st store.Store, acc *access.Service, workspace string) ([]string, error) {
	owned, err := acc.Documents(ctx, workspace)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	ids := owned[:0]
	for _, id := range owned {
		entries, err := st.LoadRange(ctx, docsync.Prefix(id))
		if err != nil {
			return nil, fmt.Errorf("list chunks of %s: %w", id, err)
		}
		if len(entries) > 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// loadDocumentBytes loads document id the way the relay does (docsync.Load:
// every snapshot and incremental chunk, skipping empty or unreadable ones)
// and returns it saved whole, ready for any Automerge to load.
func loadDocumentBytes(ctx context.Context, st store.Store, id string) ([]byte, error) {
	entries, err := st.LoadRange(ctx, docsync.Prefix(id))
	if err != nil {
		return nil, fmt.Errorf("load chunks of %s: %w", id, err)
	}
	doc, _, skipped := docsync.Load(crdtengine.New(), id, entries, docsync.Options{})
	if len(skipped) == len(entries) {
		return nil, fmt.Errorf("document %s (%d unreadable chunks): %w", id, len(skipped), errNoDocument)
	}
	d, err := doc.Doc()
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return d.Save(), nil
}
