package app

import (
	"errors"

	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// Sentinel errors; Code maps them to the JS API's error codes.
var (
	ErrInvalidInvite = errors.New("app: invite link or token is not valid")
	ErrRevoked       = errors.New("app: the relay refused this device's token")
	ErrWrongVersion  = errors.New("app: the relay speaks another protocol or API version")
	ErrOffline       = errors.New("app: the relay cannot be reached")
	ErrNotJoined     = errors.New("app: not joined to a workspace yet")
	ErrNotFound      = errors.New("app: not found")
)

// Error codes of the JS API.
const (
	CodeInvalidInvite = "invalid-invite"
	CodeRevoked       = "revoked"
	CodeWrongVersion  = "wrong-version"
	CodeQuota         = "quota"
	CodeNotFound      = "not-found"
	CodeOffline       = "offline"
	CodeInvalid       = "invalid-argument"
	CodeInternal      = "internal"
)

// Code returns the JS API error code for err.
func Code(err error) string {
	switch {
	case errors.Is(err, ErrInvalidInvite):
		return CodeInvalidInvite
	case errors.Is(err, ErrRevoked), errors.Is(err, repo.ErrUnauthorized):
		return CodeRevoked
	case errors.Is(err, ErrWrongVersion), errors.Is(err, repo.ErrWrongVersion):
		return CodeWrongVersion
	case errors.Is(err, repo.ErrStorage):
		return CodeQuota
	case errors.Is(err, ErrNotFound), errors.Is(err, repo.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, ErrOffline), errors.Is(err, ErrNotJoined):
		return CodeOffline
	case errors.Is(err, notes.ErrInvalid), errors.Is(err, repo.ErrBadDocumentID):
		return CodeInvalid
	}
	return CodeInternal
}
