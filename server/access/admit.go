package access

import (
	"context"
	"errors"
	"fmt"
)

// Verdict is what Admit decides about one workspace and one document.
type Verdict int

const (
	// Allowed: the workspace owns the document.
	Allowed Verdict = iota
	// Claimed: nobody owned it, and this call made the workspace its owner.
	Claimed
	// Unclaimed: nobody owns it and the caller did not ask to claim it
	// (a request, not a sync). Answer it like a missing document.
	Unclaimed
	// Denied: another workspace owns it. Answer it exactly like a missing
	// document, so its existence does not leak.
	Denied
)

// Admit is the relay's access rule for the first message a peer of
// workspace ws sends about document docID, shared by every transport. A
// document another workspace owns is Denied, never distinguishable from a
// missing one. A document nobody owns is claimed for ws when claim is set
// (the message brings content), but only after check accepts the content,
// so bytes the engine cannot read never leave a claim behind.
func (s *Service) Admit(ctx context.Context, ws, docID string, claim bool, check func() error) (Verdict, error) {
	owner, err := s.DocWorkspace(ctx, docID)
	switch {
	case err == nil && owner == ws:
		return Allowed, nil
	case err == nil:
		return Denied, nil
	case !errors.Is(err, ErrNotFound):
		return Denied, err
	case !claim:
		return Unclaimed, nil
	}
	if err := check(); err != nil {
		return Denied, fmt.Errorf("new document %s: %w", docID, err)
	}
	owner, err = s.ClaimDoc(ctx, docID, ws)
	switch {
	case err != nil:
		return Denied, err
	case owner == ws:
		return Claimed, nil
	default:
		return Denied, nil // another workspace won the race
	}
}
