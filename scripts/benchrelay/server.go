package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Server lifecycle bounds.
const (
	readyTimeout = 30 * time.Second
	stopGrace    = 3 * time.Second
	tokenTimeout = 30 * time.Second
)

// errServerExited reports a server that died under load.
var errServerExited = errors.New("server exited")

// launcher knows how to start one kind of server on addr with its data in
// dataDir, and how clients authenticate to it.
type launcher interface {
	name() string
	// command prepares dataDir (e.g. creates a token) and returns the
	// server command and the token clients must present ("" for none).
	command(ctx context.Context, dataDir, addr string) (*exec.Cmd, string, error)
}

// commonplaceLauncher runs `commonplace serve` with a fresh workspace token.
type commonplaceLauncher struct {
	bin   string
	extra []string // more `serve` flags, e.g. --engine crdt
}

func (commonplaceLauncher) name() string { return "commonplace" }

func (l commonplaceLauncher) command(ctx context.Context, dataDir, addr string) (*exec.Cmd, string, error) {
	tctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	var stderr bytes.Buffer
	tok := exec.CommandContext(tctx, l.bin, "token", "create", "--data", dataDir, "--workspace", "bench")
	tok.Stderr = &stderr
	out, err := tok.Output()
	if err != nil {
		return nil, "", fmt.Errorf("commonplace token create: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) == 0 {
		return nil, "", fmt.Errorf("commonplace token create printed no token")
	}
	token := lines[len(lines)-1]
	args := append([]string{"serve", "--addr", addr, "--data", dataDir}, l.extra...)
	return exec.Command(l.bin, args...), token, nil
}

// referenceLauncher runs scripts/js/bench/ref-server.mjs under node.
type referenceLauncher struct{ node, script string }

func (referenceLauncher) name() string { return "reference" }

func (l referenceLauncher) command(_ context.Context, dataDir, addr string) (*exec.Cmd, string, error) {
	cmd := exec.Command(l.node, l.script, "--addr", addr, "--data", dataDir)
	cmd.Dir = filepath.Dir(l.script)
	return cmd, "", nil
}

// serverProc is one server child process in a temporary directory of its
// own. Only this process is ever signalled, by its PID.
type serverProc struct {
	name string
	url  string
	dir  string
	keep bool // leave dir (data and server.log) behind for inspection
	cmd  *exec.Cmd
	log  *os.File

	exited  chan struct{}
	waitErr error
}

// startServer launches l in a fresh temporary directory on a free
// 127.0.0.1 port and waits until it accepts connections.
func startServer(ctx context.Context, l launcher, keep bool) (*serverProc, error) {
	dir, err := os.MkdirTemp("", "bench-relay-"+l.name()+"-")
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name(), err)
	}
	s := &serverProc{name: l.name(), dir: dir, keep: keep, exited: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			s.stop()
		}
	}()
	// Port 0: the server binds a free port and prints it, so no other
	// process can take the port between choosing and binding it.
	cmd, token, err := l.command(ctx, filepath.Join(dir, "data"), "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name(), err)
	}
	if s.log, err = os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name(), err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name(), err)
	}
	cmd.Stderr = s.log
	// If the generator dies, the kernel kills the server too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name(), err)
	}
	s.cmd = cmd
	addrs := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		s.copyStdout(stdout, addrs)
	}()
	go func() {
		<-copied // Wait must not close the pipe before it is drained
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	addr, err := s.awaitAddr(ctx, addrs)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w\n%s", l.name(), err, s.logTail())
	}
	if err := s.awaitListening(ctx, addr); err != nil {
		return nil, fmt.Errorf("start %s: %w\n%s", l.name(), err, s.logTail())
	}
	s.url = "ws://" + addr + "/sync"
	if token != "" {
		s.url += "?token=" + token
	}
	ok = true
	return s, nil
}

// listenURL finds the address in the line a server prints once it listens
// ("listening ws://127.0.0.1:PORT", "serving at http://127.0.0.1:PORT/").
var listenURL = regexp.MustCompile(`(?:ws|http)://(127\.0\.0\.1:[0-9]+)`)

// copyStdout copies the server's stdout to its log and sends the first
// listening address it sees.
func (s *serverProc) copyStdout(r io.Reader, addrs chan<- string) {
	sc := bufio.NewScanner(r)
	found := false
	for sc.Scan() {
		fmt.Fprintln(s.log, sc.Text())
		if m := listenURL.FindStringSubmatch(sc.Text()); m != nil && !found {
			found = true
			addrs <- m[1]
		}
	}
	io.Copy(s.log, r) // a line too long for the scanner: keep draining
}

func (s *serverProc) awaitAddr(ctx context.Context, addrs <-chan string) (string, error) {
	t := time.NewTimer(readyTimeout)
	defer t.Stop()
	select {
	case a := <-addrs:
		return a, nil
	case <-s.exited:
		return "", fmt.Errorf("%w before listening: %v", errServerExited, s.waitErr)
	case <-t.C:
		return "", fmt.Errorf("no listening address on stdout after %s", readyTimeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (s *serverProc) awaitListening(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%w before listening: %v", errServerExited, s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("not listening on %s: %w", addr, ctx.Err())
		case <-tick.C:
		}
	}
}

func (s *serverProc) pid() int { return s.cmd.Process.Pid }

// alive returns an error if the server has exited.
func (s *serverProc) alive() error {
	select {
	case <-s.exited:
		return fmt.Errorf("%s: %w: %v\n%s", s.name, errServerExited, s.waitErr, s.logTail())
	default:
		return nil
	}
}

func (s *serverProc) cpu() (time.Duration, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	return cpuTime(s.pid())
}

func (s *serverProc) peakRSS() (int64, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	return peakRSS(s.pid())
}

// logTail returns the last lines the server wrote, for error reports.
func (s *serverProc) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return ""
	}
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// stop terminates the server (SIGTERM, then SIGKILL after a grace period)
// and removes its directory unless asked to keep it.
func (s *serverProc) stop() {
	if s.cmd != nil {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.exited:
			case <-time.After(stopGrace):
				s.cmd.Process.Kill()
				<-s.exited
			}
		}
	}
	if s.log != nil {
		s.log.Close()
	}
	if s.keep {
		slog.Info("kept server directory", "server", s.name, "dir", s.dir)
		return
	}
	os.RemoveAll(s.dir)
}
