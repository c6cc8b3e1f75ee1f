package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store"
)

// errNotEmpty is returned when restore would mix a backup into a store
// that already holds data.
var errNotEmpty = errors.New("data directory already holds data")

// runRestore loads a backup into a data directory that holds no data yet.
// It refuses while a server runs (Badger admits one process, and a live
// relay must not see its store change under it) and refuses a store that
// already holds documents or tokens, since Badger's load merges rather
// than replaces.
func runRestore(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	data := dataFlag(fs)
	in := fs.String("in", "", "backup `file` to read")
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("%w: --in is required", errUsage)
	}
	if c, ok := dialAdmin(ctx, *data); ok {
		c.Close()
		return fmt.Errorf("restore into %s: %w; stop it first", *data, errServerRunning)
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	st, err := openStore(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkEmpty(ctx, st); err != nil {
		return fmt.Errorf("restore into %s: %w", *data, err)
	}
	if err := st.Restore(f); err != nil {
		return fmt.Errorf("restore %s: %w", *in, err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close store after restore: %w", err)
	}
	fmt.Fprintf(std.stdout, "Restored %s into %s.\n", *in, *data)
	return nil
}

// checkEmpty fails when st holds any workspace. Every stored document
// belongs to one (the relay claims a document before storing it), so this
// asks without loading documents.
func checkEmpty(ctx context.Context, st store.Store) error {
	ws, err := access.New(st).Workspaces(ctx)
	if err != nil {
		return fmt.Errorf("check for workspaces: %w", err)
	}
	if len(ws) > 0 {
		return fmt.Errorf("%w (workspaces %v)", errNotEmpty, ws)
	}
	return nil
}
