package main

import (
	"regexp"
	"testing"
)

func TestVersion(t *testing.T) {
	out := mustCLI(t, "version")
	if !regexp.MustCompile(`^commonplace \S+( \S+)? go1\.\d+\S* \w+/\w+\n$`).MatchString(out) {
		t.Fatalf("version output %q", out)
	}
}
