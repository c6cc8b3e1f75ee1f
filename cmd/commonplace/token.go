package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

// runToken dispatches token create, list and revoke. Each works whether
// or not a server runs on the data directory (see connect).
func runToken(ctx context.Context, std stdio, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: token needs a subcommand: create, list or revoke", errUsage)
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, std, args[1:])
	case "list":
		return runTokenList(ctx, std, args[1:])
	case "revoke":
		return runTokenRevoke(ctx, std, args[1:])
	default:
		return fmt.Errorf("%w: unknown token subcommand %q (create, list, revoke)", errUsage, args[0])
	}
}

// runTokenCreate prints the new token's secret as the last line of
// stdout, so scripts can take it with `tail -n 1`.
func runTokenCreate(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	data := dataFlag(fs)
	workspace := fs.String("workspace", "", "workspace `name` (created if it does not exist)")
	label := fs.String("label", "", "a note saying who the token is for")
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	if *workspace == "" {
		return fmt.Errorf("%w: --workspace is required", errUsage)
	}
	op, err := connect(ctx, *data)
	if err != nil {
		return err
	}
	defer op.Close()
	tok, secret, err := op.CreateToken(ctx, *workspace, *label)
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	fmt.Fprintf(std.stdout, "Created token %s for workspace %q.\n", tok.ID, tok.Workspace)
	fmt.Fprintln(std.stdout, "Its secret is shown once; the token ID is what you revoke.")
	fmt.Fprintln(std.stdout, secret)
	return nil
}

func runTokenList(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("token list", flag.ContinueOnError)
	data := dataFlag(fs)
	workspace := fs.String("workspace", "", "only this workspace's tokens")
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	op, err := connect(ctx, *data)
	if err != nil {
		return err
	}
	defer op.Close()
	toks, err := op.ListTokens(ctx, *workspace)
	if err != nil {
		return fmt.Errorf("list tokens: %w", err)
	}
	tw := tabwriter.NewWriter(std.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWORKSPACE\tCREATED\tSTATUS\tLABEL")
	for _, t := range toks {
		status := "active"
		if t.Revoked {
			status = "revoked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%q\n", t.ID, t.Workspace, t.Created.UTC().Format(timeLayout), status, t.Label)
	}
	return tw.Flush()
}

const timeLayout = "2006-01-02 15:04:05Z"

func runTokenRevoke(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	data := dataFlag(fs)
	rest, err := parseFlags(fs, std, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: token revoke takes one token ID", errUsage)
	}
	op, err := connect(ctx, *data)
	if err != nil {
		return err
	}
	defer op.Close()
	tok, err := op.RevokeToken(ctx, rest[0])
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	fmt.Fprintf(std.stdout, "Revoked token %s of workspace %q; its connections are closed.\n", tok.ID, tok.Workspace)
	return nil
}
