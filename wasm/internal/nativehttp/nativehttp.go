//go:build !js

// Package nativehttp is HTTP sync's repo.Poster in native builds, over
// net/http: tests and tools sync with a real relay through it the way the
// browser does through fetch().
package nativehttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/commonplace/commonplace/wasm/repo"
)

// maxReply bounds a reply body read into memory.
const maxReply = 64 << 20

// Poster returns a repo.Poster that POSTs to url (…/sync/http) with token.
func Poster(url, token string) repo.Poster {
	return func(ctx context.Context, body []byte) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0, nil, fmt.Errorf("http sync request: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/cbor")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, fmt.Errorf("http sync: %w", err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
		if err != nil {
			return 0, nil, fmt.Errorf("http sync: read reply: %w", err)
		}
		if len(b) > maxReply {
			return 0, nil, fmt.Errorf("http sync: reply over %d bytes", maxReply)
		}
		return resp.StatusCode, b, nil
	}
}
