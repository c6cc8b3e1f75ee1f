package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace/commonplace/server/wire"
	"github.com/commonplace/commonplace/wasm/repo"
)

// TestAgainstCommonplace runs the generator against a child `commonplace
// serve` built from this checkout. It checks what the load did (every
// document fetched, every edit acknowledged and on the server, every edit
// seen by the reader), never how fast.
func TestAgainstCommonplace(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and runs a load")
	}
	bin := filepath.Join(t.TempDir(), "commonplace")
	build := exec.Command("go", "build", "-o", bin, "./cmd/commonplace")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cmd/commonplace does not build yet: %v\n%s", err, out)
	}
	l := commonplaceLauncher{bin: bin}
	t.Run("quick load", func(t *testing.T) { runQuick(t, l) })
	t.Run("unknown document", func(t *testing.T) { checkUnavailable(t, l) })
}

// TestAgainstReference runs the same checks against the reference Node
// server, which keeps the generator honest about the protocol.
func TestAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and runs a load")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	js := filepath.Join("..", "js")
	if _, err := os.Stat(filepath.Join(js, "node_modules", "@automerge", "automerge-repo")); err != nil {
		t.Skip("scripts/js/node_modules not installed (npm ci in scripts/js)")
	}
	script, err := filepath.Abs(filepath.Join(js, "bench", "ref-server.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	l := referenceLauncher{node: node, script: script}
	t.Run("quick load", func(t *testing.T) { runQuick(t, l) })
	t.Run("unknown document", func(t *testing.T) { checkUnavailable(t, l) })
}

// checkUnavailable: fetching a document nobody created fails with
// errUnavailable instead of waiting for the phase timeout.
func checkUnavailable(t *testing.T, l launcher) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := startServer(ctx, l, false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	codec, err := wire.NewCodec(wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	c, err := dial(ctx, srv.url, codec, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	id, err := repo.NewDocumentID()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fetchDocs(ctx, c, []string{id}, false, caughtUp); !errors.Is(err, errUnavailable) {
		t.Fatalf("fetch of an unknown document: %v, want errUnavailable", err)
	}
}

func runQuick(t *testing.T, l launcher) {
	t.Helper()
	o := options{servers: []string{l.name()}, cfg: quickConfig(), repeat: 1}
	switch l := l.(type) {
	case commonplaceLauncher:
		o.cpBin = l.bin
	case referenceLauncher:
		o.node, o.refScript = l.node, l.script
	}
	o.jsonPath = filepath.Join(t.TempDir(), "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var table bytes.Buffer
	rep, err := run(ctx, o, &table)
	if err != nil {
		t.Fatal(err)
	}
	name := o.servers[0]
	if len(rep.Servers[name]) != 1 {
		t.Fatalf("%d runs of %s, want 1", len(rep.Servers[name]), name)
	}
	f := rep.Servers[name][0]
	cfg := o.cfg
	checks := []struct {
		what      string
		got, want int
	}{
		{"cold docs", f.Cold.Docs, cfg.ColdDocs},
		{"shared edits", f.Shared.Edits, cfg.Clients * cfg.EditsPerClient},
		{"acked edits", f.Shared.Acked, cfg.Clients * cfg.EditsPerClient},
		{"ack samples", f.Shared.Ack.N, cfg.Clients * cfg.EditsPerClient},
		{"acked in window", f.Shared.AckedInWindow, cfg.Clients * cfg.EditsPerClient},
		{"unacked edits", f.Shared.Unacked, 0},
		{"acked edits missing on server", f.Shared.LostAcked, 0},
		{"visible samples", f.Visible.Latency.N, cfg.VisibleEdits},
		{"edits never seen", f.Visible.Missing, 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
		}
	}
	if f.Cold.DocsPerSec <= 0 || f.Shared.EditsPerSec <= 0 || f.PeakRSSMiB <= 0 {
		t.Errorf("figures not measured: %+v", f)
	}
	if !strings.Contains(table.String(), "edit-to-visible p99") {
		t.Errorf("table lacks rows:\n%s", table.String())
	}
	raw, err := os.ReadFile(o.jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if len(back.Servers[name]) != 1 || back.Servers[name][0].Shared.Acked != f.Shared.Acked || len(back.Rows) != len(metrics) {
		t.Errorf("JSON report differs from the run: %s", raw)
	}
}
