package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Fetch performs one HTTP request against the relay's API with a bearer
// token. The browser implements it with fetch(), native tests with
// net/http. err is only for a request that got no answer.
type Fetch func(ctx context.Context, method, url, token string, body []byte) (status int, resp []byte, err error)

// APIVersion is the relay API major version this core speaks.
const APIVersion = 1

// sessionInfo is GET /api/session's answer (server/api.Session).
type sessionInfo struct {
	Workspace       string  `json:"workspace"`
	ProtocolVersion string  `json:"protocolVersion"`
	APIVersion      int     `json:"apiVersion"`
	WorkspaceDoc    *string `json:"workspaceDoc"`
	Personal        bool    `json:"personal"`
}

type apiClient struct{ fetch Fetch }

// call does one request; a 401 wraps ErrRevoked, no answer ErrOffline.
func (c apiClient) call(ctx context.Context, method, server, path, token string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	status, resp, err := c.fetch(ctx, method, server+path, token, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w: %w", method, path, err, ErrOffline)
	}
	switch {
	case status == 401:
		return fmt.Errorf("%s %s: %w", method, path, ErrRevoked)
	case status == 404:
		return fmt.Errorf("%s %s: no app API on this relay: %w", method, path, ErrWrongVersion)
	case status >= 300:
		return fmt.Errorf("%s %s: status %d: %s", method, path, status, strings.TrimSpace(string(resp)))
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return fmt.Errorf("%s %s: bad answer: %w", method, path, err)
	}
	return nil
}

func (c apiClient) session(ctx context.Context, server, token string) (sessionInfo, error) {
	var s sessionInfo
	if err := c.call(ctx, "GET", server, "/api/session", token, nil, &s); err != nil {
		return s, err
	}
	if s.ProtocolVersion != "1" || s.APIVersion != APIVersion {
		return s, fmt.Errorf("relay protocol %q API %d, want \"1\" and %d: %w", s.ProtocolVersion, s.APIVersion, APIVersion, ErrWrongVersion)
	}
	return s, nil
}

func (c apiClient) putWorkspaceDoc(ctx context.Context, server, token, id string) (string, error) {
	var out struct {
		WorkspaceDoc string `json:"workspaceDoc"`
	}
	in := map[string]string{"workspaceDoc": id}
	if err := c.call(ctx, "PUT", server, "/api/workspace-doc", token, in, &out); err != nil {
		return "", err
	}
	return out.WorkspaceDoc, nil
}

type personalInfo struct {
	Workspace string `json:"workspace"`
	Token     string `json:"token"`
}

func (c apiClient) createPersonal(ctx context.Context, server, token string) (personalInfo, error) {
	var out personalInfo
	err := c.call(ctx, "POST", server, "/api/personal", token, nil, &out)
	return out, err
}

// ParseInvite splits an invite link <origin>/#join=<token> (or ?join=)
// into the server origin and the token. It parses by hand: net/url would
// cost the wasm build more than this function.
func ParseInvite(link string) (server, token string, err error) {
	link = strings.TrimSpace(link)
	scheme, rest, ok := strings.Cut(link, "://")
	if !ok || (scheme != "http" && scheme != "https") {
		return "", "", fmt.Errorf("invite %q is not an http(s) link: %w", link, ErrInvalidInvite)
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if host == "" || strings.ContainsAny(host, "@ ") {
		return "", "", fmt.Errorf("invite %q has no plain host: %w", link, ErrInvalidInvite)
	}
	rest, frag, _ := strings.Cut(rest, "#")
	if t, ok := strings.CutPrefix(frag, "join="); ok {
		token = t
	} else if _, query, ok := strings.Cut(rest, "?"); ok {
		for _, kv := range strings.Split(query, "&") {
			if t, ok := strings.CutPrefix(kv, "join="); ok {
				token = t
			}
		}
	}
	if token == "" || strings.ContainsAny(token, " /?#&%+") {
		return "", "", fmt.Errorf("invite has no join token: %w", ErrInvalidInvite)
	}
	return scheme + "://" + host, token, nil
}

// SyncURL is the relay's WebSocket URL for token (ParseInvite admits only
// tokens that need no escaping).
func SyncURL(server, token string) string {
	return "ws" + strings.TrimPrefix(server, "http") + "/sync?token=" + token
}

// SyncHTTPURL is the relay's HTTP sync endpoint (docs/HTTP-SYNC.md).
func SyncHTTPURL(server string) string { return server + "/sync/http" }

// InviteLink is the link that joins token's workspace on server.
func InviteLink(server, token string) string { return server + "/#join=" + token }
