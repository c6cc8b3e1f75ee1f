package badgerstore

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/store"
)

// crashChildEnv names the directory a re-executed test binary writes to
// until it is killed; see TestMain.
const crashChildEnv = "BADGERSTORE_CRASH_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(crashChild(dir, os.Getenv("BADGERSTORE_CRASH_CHILD_ROUND")))
	}
	os.Exit(m.Run())
}

// crashValue is the value the child writes under {"crash", round, w, i}:
// mostly small, every fifth one big enough for the value log.
func crashValue(round string, w, i int) []byte {
	size := 100
	if i%5 == 0 {
		size = valueThreshold * 2
	}
	return bytes.Repeat(fmt.Appendf(nil, "%s/%d/%d;", round, w, i), size/8)
}

// crashChild puts values from several goroutines and prints "w i" after
// each Put returns, until the parent kills it (or a minute passes).
func crashChild(dir, round string) int {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				if err := s.Put(context.Background(), store.Key{"crash", round, strconv.Itoa(w), strconv.Itoa(i)}, crashValue(round, w, i)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				mu.Lock()
				fmt.Fprintf(out, "%d %d\n", w, i)
				out.Flush() // the ack must reach the pipe before the next Put
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return 2
}

// TestKillDuringWrites kills (SIGKILL) a process in the middle of synced
// Puts, twice on the same directory, and checks that every Put that
// returned before the kill is there after reopening.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	dir := t.TempDir()
	acked := map[string][]byte{}
	for round := range 2 {
		r := strconv.Itoa(round)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "BADGERSTORE_CRASH_CHILD_ROUND="+r)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		const killAfter = 150
		n := 0
		killed := false
		timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
		for lines.Scan() {
			var w, i int
			if _, err := fmt.Sscanf(lines.Text(), "%d %d", &w, &i); err != nil {
				continue // a line cut short by the kill
			}
			acked[strings.Join([]string{r, strconv.Itoa(w), strconv.Itoa(i)}, "/")] = crashValue(r, w, i)
			if n++; n == killAfter && !killed {
				killed = true
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
			}
		}
		timer.Stop()
		werr := cmd.Wait()
		if !killed {
			t.Fatalf("round %d: child stopped after %d acks: %v\n%s", round, n, werr, stderr.String())
		}
		t.Logf("round %d: %d acknowledged Puts before SIGKILL", round, n)

		s, err := Open(dir, Options{Logger: quiet(t)})
		if err != nil {
			t.Fatalf("reopen after kill: %v", err)
		}
		for k, want := range acked {
			got, err := s.Load(t.Context(), append(store.Key{"crash"}, strings.Split(k, "/")...))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("acknowledged Put %s lost after kill: %d bytes, %v", k, len(got), err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
