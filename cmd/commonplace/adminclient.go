package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/commonplace/commonplace/server/access"
)

// adminClient is an operator that asks a running server over its admin
// socket.
type adminClient struct {
	http *http.Client
}

// dialAdmin connects to the admin socket in dataDir. ok is false when no
// server answers there (no socket file, or a stale one).
func dialAdmin(ctx context.Context, dataDir string) (*adminClient, bool) {
	path := adminSocketPath(dataDir)
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := dial(ctx, "", "")
	if err != nil {
		return nil, false
	}
	conn.Close()
	return &adminClient{http: &http.Client{Transport: &http.Transport{DialContext: dial}}}, true
}

// adminURL builds a URL on the socket; the host is a placeholder.
func adminURL(path string, query url.Values) string {
	u := url.URL{Scheme: "http", Host: "commonplace", Path: path, RawQuery: query.Encode()}
	return u.String()
}

// do sends a request and returns the response when its status is 2xx;
// otherwise it decodes the server's error, mapped to its sentinel.
func (c *adminClient) do(ctx context.Context, method, path string, query url.Values, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, adminURL(path, query), rd)
	if err != nil {
		return nil, fmt.Errorf("admin request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var e adminError
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e); err != nil {
		return nil, fmt.Errorf("admin socket: %s", resp.Status)
	}
	if sentinel, ok := sentinels()[e.Code]; ok {
		return nil, fmt.Errorf("%s: %w", e.Error, sentinel)
	}
	return nil, errors.New(e.Error)
}

// call sends a request and decodes its JSON reply into out.
func (c *adminClient) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	resp, err := c.do(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("decode admin reply: %w", err)
	}
	return nil
}

func (c *adminClient) CreateToken(ctx context.Context, workspace, label string) (access.Token, string, error) {
	var r createTokenReply
	err := c.call(ctx, http.MethodPost, "/v1/tokens", nil, map[string]string{"workspace": workspace, "label": label}, &r)
	return r.Token, r.Secret, err
}

func (c *adminClient) ListTokens(ctx context.Context, workspace string) ([]access.Token, error) {
	var r listTokensReply
	q := url.Values{}
	if workspace != "" {
		q.Set("workspace", workspace)
	}
	err := c.call(ctx, http.MethodGet, "/v1/tokens", q, nil, &r)
	return r.Tokens, err
}

func (c *adminClient) RevokeToken(ctx context.Context, id string) (access.Token, error) {
	var r revokeTokenReply
	err := c.call(ctx, http.MethodPost, "/v1/tokens/"+url.PathEscape(id)+"/revoke", nil, nil, &r)
	return r.Token, err
}

func (c *adminClient) Backup(ctx context.Context, w io.Writer) error {
	resp, err := c.do(ctx, http.MethodGet, "/v1/backup", nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("backup stream: %w", err)
	}
	if msg := resp.Trailer.Get(errorTrailer); msg != "" {
		return fmt.Errorf("server backup: %s", msg)
	}
	return nil
}

func (c *adminClient) DocumentIDs(ctx context.Context, workspace string) ([]string, error) {
	var r documentsReply
	err := c.call(ctx, http.MethodGet, "/v1/workspaces/"+url.PathEscape(workspace)+"/documents", nil, nil, &r)
	return r.Documents, err
}

func (c *adminClient) Document(ctx context.Context, id string) ([]byte, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v1/documents/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read document %s: %w", id, err)
	}
	return b, nil
}

func (c *adminClient) Close() error {
	c.http.CloseIdleConnections()
	return nil
}
