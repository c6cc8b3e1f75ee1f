package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --public-url is what the first invite link starts with.
func TestServePublicURL(t *testing.T) {
	s := startServer(t, t.TempDir(), "--public-url", "https://notes.example.org/team")
	if !strings.HasPrefix(s.invite, "https://notes.example.org/team/#join=") {
		t.Fatalf("invite %q does not use --public-url", s.invite)
	}
}

func TestServeFirstStartInvite(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	if s.invite == "" {
		t.Fatalf("first start printed no invite link\n%s", s.logs())
	}
	prefix := s.url + "#join="
	if !strings.HasPrefix(s.invite, prefix) {
		t.Fatalf("invite %q does not start with %q", s.invite, prefix)
	}
	token := strings.TrimPrefix(s.invite, prefix)
	c, _, err := dialSync(s.wsURL(token), "peer-invited")
	if err != nil {
		t.Fatalf("the invite's token does not connect: %v", err)
	}
	c.Close()
	list := mustCLI(t, "token", "list", "--data", data)
	if !strings.Contains(list, firstWorkspace) {
		t.Fatalf("token list lacks the first workspace %q:\n%s", firstWorkspace, list)
	}
	s.terminate(t)

	again := startServer(t, data)
	if again.invite != "" {
		t.Fatalf("second start printed an invite again: %s", again.invite)
	}
}

// SIGTERM stops the server cleanly (exit 0, admin socket removed) and
// every acknowledged document is there after a restart.
func TestServeSIGTERMKeepsData(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "w")
	docs := writeDocs(t, s, token, 5)
	s.terminate(t)
	if _, err := os.Stat(adminSocketPath(data)); !os.IsNotExist(err) {
		t.Errorf("admin socket left after shutdown: %v", err)
	}
	if !strings.Contains(s.logs(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", s.logs())
	}
	s2 := startServer(t, data)
	checkDocs(t, s2, token, docs)
}

func TestServeHTTPEndpoints(t *testing.T) {
	s := startServer(t, t.TempDir())
	for _, tc := range []struct {
		path, want string
	}{
		{"", "Commonplace"},
		{"healthz", ""},
		{"metrics", ""},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("GET /%s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		cancel()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET /%s: %s, body %.200q", tc.path, resp.Status, body)
		}
	}
}

func TestServeWebDirectory(t *testing.T) {
	web := t.TempDir()
	for name, body := range map[string]string{
		"index.html":   "<p>the real app</p>",
		"app.wasm":     "\x00asm\x01\x00\x00\x00",
		"wasm_exec.js": "// go wasm support",
	} {
		if err := os.WriteFile(filepath.Join(web, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := startServer(t, t.TempDir(), "--web", web)
	resp, err := http.Get(s.url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if !strings.Contains(string(body), "the real app") {
		t.Fatalf("GET / with --web: %q", body)
	}
}

// A second server on the same data directory is refused with a clear
// error instead of corrupting the first one's store.
func TestServeRefusesSecondServer(t *testing.T) {
	data := t.TempDir()
	startServer(t, data)
	_, errOut, err := cli(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	if exitCode(err) != 1 || !strings.Contains(errOut, "running") {
		t.Fatalf("second serve: exit %d, stderr %q", exitCode(err), errOut)
	}
}

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--log-format", "xml"},
		{"--log-level", "loud"},
		{"--engine", "no-such-engine"},
		{"--max-message-bytes", "lots"},
		{"stray"},
		{"--public-url", "notes.example.org"},
		{"--public-url", "ftp://notes.example.org/"},
	} {
		_, errOut, err := cli(t, append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, args...)...)
		if exitCode(err) != 2 {
			t.Errorf("serve %v: exit %d, want 2; stderr %q", args, exitCode(err), errOut)
		}
	}
}

// serve reclaims value-log space on its own, every --gc-interval.
func TestServeCollectsGarbage(t *testing.T) {
	s := startServer(t, t.TempDir(), "--gc-interval", "20ms")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.logs(), "value log gc") {
		if time.Now().After(deadline) {
			t.Fatalf("no value log gc within 10s:\n%s", s.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.terminate(t)
}

// --log-format json writes one JSON object per line.
func TestServeJSONLogs(t *testing.T) {
	s := startServer(t, t.TempDir(), "--log-format", "json")
	s.terminate(t)
	lines := strings.Split(strings.TrimSpace(s.logs()), "\n")
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["msg"] == nil {
			t.Fatalf("log line is not a JSON record: %q (%v)", line, err)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("only %d log lines", len(lines))
	}
}
