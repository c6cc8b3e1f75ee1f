package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// runBackup writes Badger's backup stream of the data directory to a
// file. While a server runs it streams the backup over the admin socket.
// The file appears only when the backup is complete: it is written to a
// temporary name, synced, then renamed.
func runBackup(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := dataFlag(fs)
	out := fs.String("out", "", "backup `file` to write")
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	op, err := connect(ctx, *data)
	if err != nil {
		return err
	}
	defer op.Close()

	n, err := writeFileAtomic(*out, func(f *os.File) error { return op.Backup(ctx, f) })
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(std.stdout, "Wrote backup of %s to %s (%d bytes).\n", *data, *out, n)
	return nil
}

// writeFileAtomic writes path through fill into a temporary file beside
// it, syncs it and renames it into place; on error nothing is left behind.
func writeFileAtomic(path string, fill func(*os.File) error) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) (int64, error) {
		f.Close()
		os.Remove(tmp)
		return 0, err
	}
	if err := fill(f); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("sync %s: %w", path, err))
	}
	st, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("stat %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("close %s: %w", path, err))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("rename into %s: %w", path, err)
	}
	return st.Size(), nil
}
