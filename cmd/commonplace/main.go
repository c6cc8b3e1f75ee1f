// Command commonplace runs the Commonplace relay and the maintenance an
// operator needs around it: invite tokens, backups, restores and exports.
//
// Every subcommand lives in a file of its own (serve.go, token.go,
// backup.go, ...) with its test beside it. Badger admits one process per
// data directory, so while `serve` runs it answers the maintenance
// commands on a unix socket inside the data directory (admin.go); when no
// server answers there, the commands open the store themselves
// (operator.go). Either way an operator types the same command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// errUsage marks an error the user fixes by reading the usage text; main
// exits 2 for it, as the flag package does.
var errUsage = errors.New("usage")

// stdio is where a command reads and writes; tests pass buffers.
type stdio struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, std stdio, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"run the relay", runServe},
		"token":   {"create, list and revoke invite tokens", runToken},
		"backup":  {"write a backup of the data directory", runBackup},
		"restore": {"load a backup into an empty data directory", runRestore},
		"export":  {"write a workspace's documents as .automerge and .json files", runExport},
		"version": {"print the version", runVersion},
	}
}

func main() {
	ctx := context.Background()
	std := stdio{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(ctx, std, os.Args[1:]))
}

// run dispatches to a subcommand and turns its error into an exit code.
func run(ctx context.Context, std stdio, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(std.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(std.stderr, "commonplace: unknown command %q\n\n", args[0])
		usage(std.stderr)
		return 2
	}
	err := cmd.run(ctx, std, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(std.stderr, "commonplace %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(std.stderr, "commonplace %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: commonplace <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every flag can also be set in the environment: --max-message-bytes is")
	fmt.Fprintln(w, "COMMONPLACE_MAX_MESSAGE_BYTES. A flag on the command line wins.")
	fmt.Fprintln(w, "Run 'commonplace <command> -h' for a command's flags.")
}

// envName is the environment variable that sets a flag.
func envName(flagName string) string {
	return "COMMONPLACE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then fills every flag the command line
// did not set from its environment variable. Positional arguments are
// returned.
func parseFlags(fs *flag.FlagSet, std stdio, args []string) ([]string, error) {
	fs.SetOutput(std.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || envErr != nil || std.getenv == nil {
			return
		}
		v := std.getenv(envName(f.Name))
		if v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			envErr = fmt.Errorf("%w: %s=%q: %v", errUsage, envName(f.Name), v, err)
		}
	})
	return fs.Args(), envErr
}

// dataFlag adds the --data flag every command that touches a data
// directory shares.
func dataFlag(fs *flag.FlagSet) *string {
	p := new(string)
	dataFlagVar(fs, p)
	return p
}

func dataFlagVar(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "data", "./data", "data `directory` (Badger store and admin socket)")
}

// parseOnlyFlags is parseFlags for a command that takes no positional
// arguments.
func parseOnlyFlags(fs *flag.FlagSet, std stdio, args []string) error {
	rest, err := parseFlags(fs, std, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	return nil
}
