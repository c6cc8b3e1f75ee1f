package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/commonplace/commonplace/crdt"
)

// runExport writes every document of a workspace as <id>.automerge (the
// document saved whole, loadable by any Automerge) and <id>.json (its
// current value), so a workspace's content outlives this software.
func runExport(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	data := dataFlag(fs)
	workspace := fs.String("workspace", "", "workspace `name` to export")
	out := fs.String("out", "", "`directory` to write the files into (created if missing)")
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	if *workspace == "" || *out == "" {
		return fmt.Errorf("%w: --workspace and --out are required", errUsage)
	}
	op, err := connect(ctx, *data)
	if err != nil {
		return err
	}
	defer op.Close()
	ids, err := op.DocumentIDs(ctx, *workspace)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	bar := progressbar.NewOptions(len(ids),
		progressbar.OptionSetWriter(std.stderr),
		progressbar.OptionSetDescription("exporting "+*workspace),
		progressbar.OptionShowCount(),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(std.stderr) }),
	)
	var failed []string
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := op.Document(ctx, id)
		if err == nil {
			err = exportDocument(*out, id, raw)
		}
		if err != nil {
			// One unreadable document must not keep the others from
			// leaving: report it and go on.
			failed = append(failed, id)
			fmt.Fprintf(std.stderr, "\nexport %s: %v\n", id, err)
		}
		bar.Add(1)
	}
	bar.Finish()
	fmt.Fprintf(std.stdout, "Exported %d documents of workspace %q to %s.\n", len(ids)-len(failed), *workspace, *out)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d documents could not be exported: %s", len(failed), len(ids), strings.Join(failed, ", "))
	}
	return nil
}

// exportDocument loads a document's stored chunks and writes its two files.
func exportDocument(dir, id string, raw []byte) error {
	if !filepath.IsLocal(id) || filepath.Base(id) != id {
		return fmt.Errorf("document ID %q is not a safe file name", id)
	}
	doc, err := crdt.Load(raw)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	value, err := documentValue(doc)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(value, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	if _, err := writeFileAtomic(filepath.Join(dir, id+".automerge"), func(f *os.File) error {
		_, err := f.Write(doc.Save())
		return err
	}); err != nil {
		return err
	}
	_, err = writeFileAtomic(filepath.Join(dir, id+".json"), func(f *os.File) error {
		_, err := f.Write(append(js, '\n'))
		return err
	})
	return err
}

// documentValue is the document's root as plain Go values. A panic while
// walking a damaged document becomes an error for that document alone.
func documentValue(doc *crdt.Doc) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read document value: %v", r)
		}
	}()
	return doc.Root().Interface(), nil
}
