package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The commonplace binary is built once per test process, the first time a
// test needs it (go test -list and fuzz workers never do), into a
// directory TestMain removes at the end.
var (
	binDir  string
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "commonplace-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary returns the path of the built commonplace binary.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		path := filepath.Join(binDir, "commonplace")
		out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("build commonplace: %v\n%s", err, out)
			return
		}
		binPath = path
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// cli runs the binary with args and returns its stdout and stderr; err is
// the *exec.ExitError of a non-zero exit.
func cli(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = cleanEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// mustCLI runs the binary and fails the test on a non-zero exit.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := cli(t, args...)
	if err != nil {
		t.Fatalf("commonplace %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// cleanEnv is the test process's environment without COMMONPLACE_*
// variables, so a developer's settings cannot change what a test runs.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COMMONPLACE_") {
			env = append(env, kv)
		}
	}
	return env
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// createToken runs `token create` and returns the token (its last line).
func createToken(t *testing.T, data, workspace string) string {
	t.Helper()
	return lastLine(mustCLI(t, "token", "create", "--data", data, "--workspace", workspace, "--label", t.Name()))
}

// server is a `commonplace serve` process started by a test.
type server struct {
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:PORT/
	invite string // the first-start invite link, if one was printed
	data   string

	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan struct{}
	err    error // the process's exit error, valid once exited is closed
}

var servingRE = regexp.MustCompile(`^Commonplace is serving at (http://\S+)$`)
var inviteRE = regexp.MustCompile(`Invite link \(keep it secret\): (\S+)$`)

// startServer runs `serve` on a free port of 127.0.0.1 with data as its
// data directory and waits for it to print its URL. The server is stopped
// (SIGTERM, then SIGKILL) when the test ends if it still runs.
func startServer(t *testing.T, data string, args ...string) *server {
	t.Helper()
	s := &server{data: data, exited: make(chan struct{})}
	s.cmd = exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "debug"}, args...)...)
	s.cmd.Env = cleanEnv()
	s.cmd.Stderr = &lockedWriter{mu: &s.mu, w: &s.stderr}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() { s.stop(t, false) })

	deadline := time.After(30 * time.Second)
	for s.url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				<-s.exited
				t.Fatalf("serve exited before printing its URL: %v\n%s", s.err, s.logs())
			}
			if m := servingRE.FindStringSubmatch(line); m != nil {
				s.url = m[1]
			}
		case <-deadline:
			t.Fatalf("serve printed no URL within 30s\n%s", s.logs())
		}
	}
	// The invite, when there is one, is printed right after the URL.
	select {
	case line := <-lines:
		if m := inviteRE.FindStringSubmatch(line); m != nil {
			s.invite = m[1]
		}
	case <-time.After(200 * time.Millisecond):
	}
	go func() {
		for range lines {
		}
	}()
	return s
}

// logs returns what the server wrote to stderr so far.
func (s *server) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// wsURL is the sync endpoint for token.
func (s *server) wsURL(token string) string {
	return "ws" + strings.TrimPrefix(s.url, "http") + "sync?token=" + token
}

// terminate sends SIGTERM and waits for the process; it fails the test if
// the server does not exit cleanly within 30 s.
func (s *server) terminate(t *testing.T) {
	t.Helper()
	if err := s.stop(t, true); err != nil {
		t.Fatalf("serve did not shut down cleanly: %v\n%s", err, s.logs())
	}
}

// kill sends SIGKILL to the server process (only this PID) and waits.
func (s *server) kill(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
		return
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("kill serve: %v", err)
	}
	<-s.exited
}

// stop ends the process if it still runs: SIGTERM, then SIGKILL after 30s.
// It returns the exit error when graceful is set and the exit was not clean.
func (s *server) stop(t *testing.T, graceful bool) error {
	select {
	case <-s.exited:
		if graceful {
			return fmt.Errorf("already exited: %v", s.err)
		}
		return nil
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.exited
		return errors.New("no exit within 30s of SIGTERM; killed")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRunDispatch(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{nil, 2, "", "Usage: commonplace"},
		{[]string{"help"}, 0, "", "Commands:"},
		{[]string{"bogus"}, 2, "", `unknown command "bogus"`},
		{[]string{"version"}, 0, "commonplace ", ""},
		{[]string{"version", "-h"}, 0, "", "Usage of version"},
		{[]string{"version", "extra"}, 2, "", "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), stdio{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, tc.args)
		if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.err) {
			t.Errorf("run %v: exit %d, stdout %q, stderr %q; want exit %d, %q, %q", tc.args, code, out.String(), errb.String(), tc.code, tc.out, tc.err)
		}
	}
}

// Every flag has an environment variable; the command line wins over it.
func TestParseFlagsEnvironment(t *testing.T) {
	env := map[string]string{
		"COMMONPLACE_ADDR":              "0.0.0.0:9999",
		"COMMONPLACE_MAX_MESSAGE_BYTES": "1024",
		"COMMONPLACE_DATA":              "/from/env",
	}
	std := stdio{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return env[k] }}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := serveFlags(fs)
	if _, err := parseFlags(fs, std, []string{"--data", "/from/flag"}); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "0.0.0.0:9999" || cfg.maxMessageBytes != 1024 || cfg.data != "/from/flag" {
		t.Fatalf("got addr %q, max %d, data %q", cfg.addr, cfg.maxMessageBytes, cfg.data)
	}
	env["COMMONPLACE_MAX_MESSAGE_BYTES"] = "many"
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	serveFlags(fs)
	if _, err := parseFlags(fs, std, nil); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "COMMONPLACE_MAX_MESSAGE_BYTES") {
		t.Fatalf("bad env value: %v", err)
	}
}

// The data directory can come from the environment of a real process.
func TestDataFromEnvironment(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(binary(t), "token", "create", "--workspace", "env")
	cmd.Env = append(cleanEnv(), "COMMONPLACE_DATA="+data)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("token create with COMMONPLACE_DATA: %v\n%s", err, out)
	}
	if list := mustCLI(t, "token", "list", "--data", data); !strings.Contains(list, "env") {
		t.Fatalf("token created via COMMONPLACE_DATA not in %s:\n%s", data, list)
	}
}
