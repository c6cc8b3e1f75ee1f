package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// restore refuses a data directory a server runs on, one that already
// holds data, and a missing backup file.
func TestRestoreRefuses(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "w")
	writeDocs(t, s, token, 1)
	file := filepath.Join(t.TempDir(), "backup.badger")
	mustCLI(t, "backup", "--data", data, "--out", file)

	_, errOut, err := cli(t, "restore", "--data", data, "--in", file)
	if exitCode(err) != 1 || !strings.Contains(errOut, "server is running") {
		t.Fatalf("restore while serving: exit %d, stderr %q", exitCode(err), errOut)
	}
	s.terminate(t)
	_, errOut, err = cli(t, "restore", "--data", data, "--in", file)
	if exitCode(err) != 1 || !strings.Contains(errOut, "already holds data") {
		t.Fatalf("restore into a used data dir: exit %d, stderr %q", exitCode(err), errOut)
	}
	_, errOut, err = cli(t, "restore", "--data", t.TempDir(), "--in", filepath.Join(t.TempDir(), "missing"))
	if exitCode(err) != 1 || !strings.Contains(errOut, "open backup") {
		t.Fatalf("restore of a missing file: exit %d, stderr %q", exitCode(err), errOut)
	}
}
