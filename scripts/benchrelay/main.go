// Command benchrelay measures an automerge-repo sync server under load: it
// starts each server under test as a child process in a fresh temporary
// directory on 127.0.0.1, drives it with the same Go load generator (peers
// speaking automerge-repo's WebSocket protocol v1 with documents of the
// pure-Go crdt engine, which is cheap enough that the generator does not
// starve the server of the cores they share), and prints one table
// comparing commonplace's relay with the reference Node server. docs/BENCHMARKS.md explains every figure; the
// scripts/bench-relay wrapper builds what it needs and runs this.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/commonplace/commonplace/server/wire"
)

// options is the parsed command line.
type options struct {
	cfg       config
	quick     bool
	servers   []string
	cpBin     string
	node      string
	refScript string
	jsonPath  string
	keep      bool
	repeat    int
	revision  string
	profile   string
	cpFlags   []string
	command   string
}

// generatorGCPercent is the generator's GOGC unless the environment sets
// one: garbage collection was about a tenth of its CPU at the default 100.
const generatorGCPercent = 400

func main() { os.Exit(mainCode()) }

// mainCode runs the command and returns its exit status, so deferred
// cleanup (servers, profile) runs before the process exits.
func mainCode() int {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrelay:", err)
		return 2
	}
	opts.command = strings.Join(os.Args, " ")
	if os.Getenv("GOGC") == "" {
		// The generator's heap is small and the machine's memory is not
		// what is measured; collecting less often leaves the shared cores
		// to the server under test.
		debug.SetGCPercent(generatorGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if opts.profile != "" {
		stopProfile, err := startProfile(opts.profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrelay:", err)
			return 1
		}
		defer stopProfile()
	}
	if _, err := run(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchrelay:", err)
		return 1
	}
	return 0
}

// startProfile writes the generator's CPU profile to path until the
// returned function is called.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func parseOptions(args []string) (options, error) {
	var o options
	full := fullConfig()
	fs := flag.NewFlagSet("benchrelay", flag.ContinueOnError)
	fs.BoolVar(&o.quick, "quick", false, "small smoke run bounded by counts (overrides the full preset; explicit size flags still apply)")
	servers := fs.String("servers", "reference,commonplace", "comma-separated servers to run: reference, commonplace")
	fs.StringVar(&o.cpBin, "commonplace", "", "path to the commonplace binary")
	fs.StringVar(&o.node, "node", "node", "node executable for the reference server")
	fs.StringVar(&o.refScript, "ref-script", "scripts/js/bench/ref-server.mjs", "reference server script")
	fs.StringVar(&o.jsonPath, "json", "", "also write the report as JSON to this path")
	fs.StringVar(&o.profile, "cpuprofile", "", "write the generator's own CPU profile to this path")
	fs.StringVar(&o.revision, "revision", "", "source revision measured, recorded in the JSON report (bench-relay passes git describe)")
	fs.IntVar(&o.repeat, "repeat", 1, "measure every server this many times, alternating, and report medians")
	fs.BoolVar(&o.keep, "keep", false, "keep each server's temporary directory (data, server.log) and print its path")
	cpFlags := fs.String("commonplace-flags", "", "extra space-separated flags for `commonplace serve`, e.g. \"--engine crdt\"")
	full.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.cfg = full
	o.cpFlags = strings.Fields(*cpFlags)
	if o.quick {
		// Start from the quick preset and re-apply the flags given.
		o.cfg = quickConfig()
		qs := flag.NewFlagSet("quick", flag.ContinueOnError)
		o.cfg.register(qs)
		var err error
		fs.Visit(func(f *flag.Flag) {
			if qs.Lookup(f.Name) != nil && err == nil {
				err = qs.Set(f.Name, f.Value.String())
			}
		})
		if err != nil {
			return o, err
		}
	}
	for _, s := range strings.Split(*servers, ",") {
		switch s = strings.TrimSpace(s); s {
		case "reference", "commonplace":
			o.servers = append(o.servers, s)
		case "":
		default:
			return o, fmt.Errorf("unknown server %q (want reference or commonplace)", s)
		}
	}
	if o.repeat < 1 || o.repeat > 20 {
		return o, fmt.Errorf("-repeat must be between 1 and 20")
	}
	if len(o.servers) == 0 {
		return o, fmt.Errorf("-servers names no server")
	}
	if err := o.cfg.validate(); err != nil {
		return o, err
	}
	return o, nil
}

func (o options) launcher(name string) (launcher, error) {
	switch name {
	case "commonplace":
		if o.cpBin == "" {
			return nil, fmt.Errorf("-commonplace BINARY is required to run commonplace")
		}
		return commonplaceLauncher{bin: o.cpBin, extra: o.cpFlags}, nil
	default:
		script, err := filepath.Abs(o.refScript)
		if err != nil {
			return nil, fmt.Errorf("reference script: %w", err)
		}
		return referenceLauncher{node: o.node, script: script}, nil
	}
}

// run measures every selected server in turn (never two at once, so they
// do not compete for CPU), -repeat times, prints the table of medians to
// out and writes the JSON report if asked.
func run(ctx context.Context, o options, out io.Writer) (report, error) {
	rep := report{
		Command: o.command,
		Started: time.Now().UTC().Format(time.RFC3339),
		Host:    hostInfo(o),
		Config:  o.cfg.summary(),
		Servers: map[string][]serverFigures{},
	}
	slog.Info("building cold-sync fixture", "docs", o.cfg.ColdDocs, "changes", o.cfg.ColdChanges)
	fx, err := newColdFixture(o.cfg.ColdDocs, o.cfg.ColdChanges)
	if err != nil {
		return rep, err
	}
	codec, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		return rep, err
	}
	for round := range o.repeat {
		for _, name := range o.servers {
			l, err := o.launcher(name)
			if err != nil {
				return rep, err
			}
			slog.Info("measuring", "server", name, "round", round+1, "of", o.repeat)
			fig, err := runServer(ctx, l, o.cfg, o.keep, fx, codec)
			if err != nil {
				return rep, fmt.Errorf("%s: %w", name, err)
			}
			rep.Servers[name] = append(rep.Servers[name], fig)
			slog.Info("done", "server", name, "seconds", fig.Seconds, "load1", fig.Load1)
		}
	}
	rep.Rows = compare(rep.Servers)
	printTable(out, rep.Rows)
	printRuns(out, rep.Servers)
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// hostInfo describes where and from what the figures were measured.
func hostInfo(o options) map[string]any {
	h := map[string]any{"cpus": runtime.NumCPU(), "go": runtime.Version(), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if o.revision != "" {
		h["revision"] = o.revision
	}
	if slices.Contains(o.servers, "reference") {
		if out, err := exec.Command(o.node, "--version").Output(); err == nil {
			h["node"] = strings.TrimSpace(string(out))
		}
	}
	return h
}
