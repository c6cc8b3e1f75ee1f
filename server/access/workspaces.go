package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/commonplace/commonplace/server/store"
)

type workspaceRecord struct {
	Created time.Time `json:"created"`
}

// ensureWorkspace creates the workspace record if missing; s.mu is held.
func (s *Service) ensureWorkspace(ctx context.Context, name string) error {
	_, err := s.st.Load(ctx, workspaceKey(name))
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("load workspace %s: %w", name, err)
	}
	b, err := json.Marshal(workspaceRecord{Created: s.now().UTC().Truncate(time.Millisecond)})
	if err != nil {
		return fmt.Errorf("encode workspace %s: %w", name, err)
	}
	if err := s.st.Put(ctx, workspaceKey(name), b); err != nil {
		return fmt.Errorf("create workspace %s: %w", name, err)
	}
	return nil
}

// Workspaces returns every workspace's name, sorted.
func (s *Service) Workspaces(ctx context.Context) ([]string, error) {
	entries, err := s.st.LoadRange(ctx, store.Key{keyRoot, "workspace"})
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if len(e.Key) == 3 {
			names = append(names, e.Key[2])
		}
	}
	return names, nil
}

// DocWorkspace returns the workspace that owns document docID, or an error
// wrapping ErrNotFound if none has claimed it.
func (s *Service) DocWorkspace(ctx context.Context, docID string) (string, error) {
	if err := validDocID(docID); err != nil {
		return "", err
	}
	if owner, ok := s.cachedOwner(docID); ok {
		return owner, nil
	}
	b, err := s.st.Load(ctx, docKey(docID))
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: document %s", ErrNotFound, docID)
	}
	if err != nil {
		return "", fmt.Errorf("owner of %s: %w", docID, err)
	}
	s.cacheOwner(docID, string(b))
	return string(b), nil
}

func (s *Service) cachedOwner(docID string) (string, bool) {
	s.ownersMu.Lock()
	defer s.ownersMu.Unlock()
	owner, ok := s.owners[docID]
	return owner, ok
}

func (s *Service) cacheOwner(docID, owner string) {
	s.ownersMu.Lock()
	defer s.ownersMu.Unlock()
	if _, ok := s.owners[docID]; !ok && len(s.owners) >= maxCachedOwners {
		for k := range s.owners {
			delete(s.owners, k)
			break
		}
	}
	s.owners[docID] = owner
}

// ClaimDoc makes workspace the owner of docID unless another workspace
// already is, and returns the owner either way: the first claim wins.
// Claims through one Service are serialised, so of two racing claims
// exactly one wins.
func (s *Service) ClaimDoc(ctx context.Context, docID, workspace string) (owner string, err error) {
	if err := ValidWorkspace(workspace); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, err = s.DocWorkspace(ctx, docID)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return owner, err
	}
	if err := s.ensureWorkspace(ctx, workspace); err != nil {
		return "", err
	}
	if err := s.st.Put(ctx, docKey(docID), []byte(workspace)); err != nil {
		return "", fmt.Errorf("claim %s for %s: %w", docID, workspace, err)
	}
	s.cacheOwner(docID, workspace)
	return workspace, nil
}

// Documents returns the IDs of the documents workspace owns, sorted. It
// reads only the ownership records, never document content, so listing a
// workspace costs memory in proportion to the number of documents.
func (s *Service) Documents(ctx context.Context, workspace string) ([]string, error) {
	if err := ValidWorkspace(workspace); err != nil {
		return nil, err
	}
	entries, err := s.st.LoadRange(ctx, store.Key{keyRoot, "doc"})
	if err != nil {
		return nil, fmt.Errorf("list documents of %s: %w", workspace, err)
	}
	var ids []string
	for _, e := range entries {
		if len(e.Key) == 3 && string(e.Value) == workspace {
			ids = append(ids, e.Key[2])
		}
	}
	return ids, nil
}
