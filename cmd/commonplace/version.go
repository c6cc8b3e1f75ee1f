package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// versionString describes this build from what the Go toolchain stamped
// into the binary, so no release step has to set a variable.
func versionString() string {
	version, revision, modified := "(devel)", "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	s := "commonplace " + version
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		s += " " + revision
		if modified {
			s += "+dirty"
		}
	}
	return s + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}

func runVersion(_ context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseOnlyFlags(fs, std, args); err != nil {
		return err
	}
	fmt.Fprintln(std.stdout, versionString())
	return nil
}
