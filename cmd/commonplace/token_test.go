package main

import (
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/wire"
)

// tokenID finds the ID of the token created with label in `token list`.
func tokenID(t *testing.T, data, label string) string {
	t.Helper()
	return strings.Fields(listLine(t, data, `"`+label+`"`))[0]
}

// listLine is the line of `token list` that contains s.
func listLine(t *testing.T, data, s string) string {
	t.Helper()
	for _, line := range strings.Split(mustCLI(t, "token", "list", "--data", data), "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	t.Fatalf("no token list line contains %q", s)
	return ""
}

// exercise creates, lists and revokes tokens on data; the same checks run
// with and without a server holding the data directory.
func exerciseTokens(t *testing.T, data string) {
	out := mustCLI(t, "token", "create", "--data", data, "--workspace", "reading-group", "--label", "for ada")
	secret := lastLine(out)
	if secret == "" || strings.Contains(secret, " ") {
		t.Fatalf("last line of token create is %q, want the token\n%s", secret, out)
	}
	list := mustCLI(t, "token", "list", "--data", data, "--workspace", "reading-group")
	if !strings.Contains(list, "for ada") || !strings.Contains(list, "reading-group") {
		t.Fatalf("token list lacks the new token:\n%s", list)
	}
	if strings.Contains(list, secret) {
		t.Fatalf("token list shows the secret:\n%s", list)
	}
	other := mustCLI(t, "token", "list", "--data", data, "--workspace", "someone-else")
	if strings.Contains(other, "for ada") {
		t.Fatalf("token list --workspace someone-else shows reading-group's token:\n%s", other)
	}

	id := tokenID(t, data, "for ada")
	mustCLI(t, "token", "revoke", "--data", data, id)
	if line := listLine(t, data, id); !strings.Contains(line, " revoked ") {
		t.Fatalf("revoked token listed as %q", line)
	}
	_, errOut, err := cli(t, "token", "revoke", "--data", data, "no-such-token")
	if exitCode(err) != 1 || !strings.Contains(errOut, "revoke token") {
		t.Fatalf("revoke of an unknown token: exit %d, stderr %q", exitCode(err), errOut)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestTokenWithoutServer(t *testing.T) {
	exerciseTokens(t, t.TempDir())
}

func TestTokenThroughServer(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	exerciseTokens(t, data)
	if !strings.Contains(s.logs(), "over admin socket") {
		t.Errorf("server logs show no admin socket use:\n%s", s.logs())
	}
}

func TestTokenUsageErrors(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token"}, "needs a subcommand"},
		{[]string{"token", "frobnicate"}, "unknown token subcommand"},
		{[]string{"token", "create", "--data", data}, "--workspace is required"},
		{[]string{"token", "revoke", "--data", data}, "one token ID"},
		{[]string{"token", "list", "--data", data, "extra"}, "unexpected argument"},
	} {
		_, errOut, err := cli(t, tc.args...)
		if exitCode(err) != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, exitCode(err), errOut, tc.want)
		}
	}
}

// A revoked token's open WebSocket is closed by the server, and the token
// can no longer connect.
func TestRevokeClosesOpenConnections(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := lastLine(mustCLI(t, "token", "create", "--data", data, "--workspace", "w", "--label", "doomed"))
	c, _, err := dialSync(s.wsURL(token), "peer-doomed")
	if err != nil {
		t.Fatalf("dial with a fresh token: %v", err)
	}
	defer c.Close()
	keep := createToken(t, data, "w")
	kept, _, err := dialSync(s.wsURL(keep), "peer-kept")
	if err != nil {
		t.Fatalf("dial with a second token: %v", err)
	}
	defer kept.Close()

	mustCLI(t, "token", "revoke", "--data", data, tokenID(t, data, "doomed"))

	// The revoked socket must end; at most an error message comes first.
	if err := awaitClose(c, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, resp, err := dialSync(s.wsURL(token), "peer-doomed-again")
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial with a revoked token: err %v, response %v; want 401", err, resp)
	}
	// The other token's connection is untouched.
	if _, err := kept.fetch(newDocumentID(), 5*time.Second); !errors.Is(err, errUnavailable) {
		t.Fatalf("other token's connection: %v, want a doc-unavailable answer", err)
	}
}

// awaitClose reads until the server closes the connection, accepting
// only protocol error messages before that.
func awaitClose(c *syncClient, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for range 16 {
		m, err := c.recv(time.Until(deadline))
		if isTimeout(err) {
			return fmt.Errorf("connection still open after %v", timeout)
		}
		if err != nil {
			return nil
		}
		if m.Type != wire.TypeError {
			return fmt.Errorf("got a %s message instead of the close", m.Type)
		}
	}
	return errors.New("connection kept sending error messages")
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}
