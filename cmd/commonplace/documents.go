package main

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/engine/amgo"
	"github.com/commonplace/commonplace/server/store"
)

// errNoDocument is returned when a document has no stored chunk.
var errNoDocument = errors.New("no such document")

// workspaceDocuments lists the IDs of the documents stored under {"doc", id,
// ...} that belong to workspace, sorted.
func workspaceDocuments(ctx context.Context, st store.Store, acc *access.Service, workspace string) ([]string, error) {
	entries, err := st.LoadRange(ctx, store.Key{"doc"})
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, e := range entries {
		if len(e.Key) < 2 || seen[e.Key[1]] {
			continue
		}
		id := e.Key[1]
		seen[id] = true
		ws, err := acc.DocWorkspace(ctx, id)
		if err != nil {
			if errors.Is(err, access.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("workspace of document %s: %w", id, err)
		}
		if ws == workspace {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// loadDocumentBytes loads document id the way the relay does (docsync.Load:
// snapshots, then incremental chunks, skipping empty or unreadable ones)
// and returns it saved whole, ready for automerge.Load.
func loadDocumentBytes(ctx context.Context, st store.Store, id string) ([]byte, error) {
	entries, err := st.LoadRange(ctx, docsync.Prefix(id))
	if err != nil {
		return nil, fmt.Errorf("load chunks of %s: %w", id, err)
	}
	doc, _, skipped := docsync.Load(amgo.New(), id, entries, docsync.Options{})
	if len(skipped) == len(entries) {
		return nil, fmt.Errorf("document %s (%d unreadable chunks): %w", id, len(skipped), errNoDocument)
	}
	return doc.Doc().Save(), nil
}
