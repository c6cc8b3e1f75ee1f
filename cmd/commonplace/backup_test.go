package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A backup taken through a running server restores into an empty data
// directory that then serves the same documents and tokens.
func TestBackupRestoreThroughServer(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "w")
	docs := writeDocs(t, s, token, 4)
	file := filepath.Join(t.TempDir(), "backup.badger")
	mustCLI(t, "backup", "--data", data, "--out", file)
	s.terminate(t)

	restored := filepath.Join(t.TempDir(), "restored")
	mustCLI(t, "restore", "--data", restored, "--in", file)
	s2 := startServer(t, restored)
	if s2.invite != "" {
		t.Errorf("restored store looked empty: an invite was printed")
	}
	checkDocs(t, s2, token, docs)
}

// Without a server the backup opens the store itself.
func TestBackupRestoreOffline(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "w")
	docs := writeDocs(t, s, token, 2)
	s.terminate(t)

	file := filepath.Join(t.TempDir(), "backup.badger")
	mustCLI(t, "backup", "--data", data, "--out", file)
	restored := t.TempDir()
	mustCLI(t, "restore", "--data", restored, "--in", file)
	checkDocs(t, startServer(t, restored), token, docs)
}

// A failed backup leaves no file that could be mistaken for a backup.
func TestBackupLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "nested", "missing", "backup.badger")
	_, _, err := cli(t, "backup", "--data", t.TempDir(), "--out", out)
	if exitCode(err) != 1 {
		t.Fatalf("backup into a missing directory: exit %d", exitCode(err))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("backup left %v", entries)
	}
}
