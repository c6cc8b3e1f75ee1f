package access

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/commonplace/commonplace/server/store"
)

// tokenRecord is a token as stored: its public fields and its secret's hash.
type tokenRecord struct {
	ID        string    `json:"id"`
	Workspace string    `json:"workspace"`
	Label     string    `json:"label,omitempty"`
	Created   time.Time `json:"created"`
	Revoked   bool      `json:"revoked,omitempty"`
	Hash      []byte    `json:"hash"`
}

func (r tokenRecord) token() Token {
	return Token{ID: r.ID, Workspace: r.Workspace, Label: r.Label, Created: r.Created, Revoked: r.Revoked}
}

// maxIDCollisions bounds CreateToken's retries on an ID already in use,
// which at 48 bits practically never happens.
const maxIDCollisions = 4

// CreateToken creates a token for workspace, creating the workspace if it
// is new. The secret is returned only here; the store keeps its hash.
func (s *Service) CreateToken(ctx context.Context, workspace, label string) (tok Token, secret string, err error) {
	if err := ValidWorkspace(workspace); err != nil {
		return Token{}, "", err
	}
	if err := validLabel(label); err != nil {
		return Token{}, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensureWorkspace(ctx, workspace); err != nil {
		return Token{}, "", err
	}
	for range maxIDCollisions {
		secret, hash, err := newSecret()
		if err != nil {
			return Token{}, "", err
		}
		rec := tokenRecord{ID: tokenID(hash), Workspace: workspace, Label: label,
			Created: s.now().UTC().Truncate(time.Millisecond), Hash: hash[:]}
		if _, err := s.loadToken(ctx, rec.ID); err == nil {
			continue
		} else if !errors.Is(err, ErrUnknownToken) {
			return Token{}, "", err
		}
		if err := s.putToken(ctx, rec); err != nil {
			return Token{}, "", err
		}
		return rec.token(), secret, nil
	}
	return Token{}, "", fmt.Errorf("create token: %d ID collisions in a row", maxIDCollisions)
}

// ListTokens returns workspace's tokens, or every token if workspace is
// "", oldest first.
func (s *Service) ListTokens(ctx context.Context, workspace string) ([]Token, error) {
	if workspace != "" {
		if err := ValidWorkspace(workspace); err != nil {
			return nil, err
		}
	}
	entries, err := s.st.LoadRange(ctx, store.Key{keyRoot, "token"})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := []Token{}
	for _, e := range entries {
		rec, err := decodeToken(e.Value)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %v: %w", e.Key, err)
		}
		if workspace == "" || rec.Workspace == workspace {
			out = append(out, rec.token())
		}
	}
	slices.SortStableFunc(out, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// RevokeToken marks the token with this ID revoked: Authenticate rejects
// its secret from now on. Revoking twice is not an error.
func (s *Service) RevokeToken(ctx context.Context, id string) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.loadToken(ctx, id)
	if err != nil {
		return Token{}, err
	}
	if !rec.Revoked {
		rec.Revoked = true
		if err := s.putToken(ctx, rec); err != nil {
			return Token{}, err
		}
	}
	return rec.token(), nil
}

// Authenticate returns the live token whose secret this is, or an error
// wrapping ErrBadToken. It costs one hash and one store read; it reads the
// store every time, so a revocation (by any Service on the store) takes
// effect on the next call.
func (s *Service) Authenticate(ctx context.Context, secret string) (Token, error) {
	hash, err := hashSecret(secret)
	if err != nil {
		return Token{}, err
	}
	rec, err := s.loadToken(ctx, tokenID(hash))
	if errors.Is(err, ErrUnknownToken) {
		return Token{}, fmt.Errorf("%w: unknown", ErrBadToken)
	}
	if err != nil {
		return Token{}, err
	}
	// The ID matched on 48 bits of the hash; the rest must match too, in
	// time that does not depend on where it differs.
	if subtle.ConstantTimeCompare(rec.Hash, hash[:]) != 1 {
		return Token{}, fmt.Errorf("%w: unknown", ErrBadToken)
	}
	if rec.Revoked {
		return Token{}, fmt.Errorf("%w: revoked", ErrBadToken)
	}
	return rec.token(), nil
}

func (s *Service) loadToken(ctx context.Context, id string) (tokenRecord, error) {
	if id == "" || strings.ContainsRune(id, 0) {
		return tokenRecord{}, fmt.Errorf("%w: %q", ErrUnknownToken, id)
	}
	b, err := s.st.Load(ctx, tokenKey(id))
	if errors.Is(err, store.ErrNotFound) {
		return tokenRecord{}, fmt.Errorf("%w: %q", ErrUnknownToken, id)
	}
	if err != nil {
		return tokenRecord{}, fmt.Errorf("load token %s: %w", id, err)
	}
	rec, err := decodeToken(b)
	if err != nil {
		return tokenRecord{}, fmt.Errorf("load token %s: %w", id, err)
	}
	return rec, nil
}

func (s *Service) putToken(ctx context.Context, rec tokenRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode token %s: %w", rec.ID, err)
	}
	if err := s.st.Put(ctx, tokenKey(rec.ID), b); err != nil {
		return fmt.Errorf("store token %s: %w", rec.ID, err)
	}
	return nil
}

func decodeToken(b []byte) (tokenRecord, error) {
	var rec tokenRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("decode token record: %w", err)
	}
	if rec.ID == "" || len(rec.Hash) != sha256.Size {
		return rec, fmt.Errorf("decode token record: missing id or hash")
	}
	return rec, nil
}
