package relay_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scenarioJSInterop runs stock automerge-repo 2.x clients (scripts/js)
// against the relay: create, find, live change, ephemeral, doc-unavailable
// for another workspace's document and a missing one, a reader that asked
// before the document existed, and a client with remote-heads gossip on. TestEveryEngine runs it per engine.
func scenarioJSInterop(t *testing.T, e *env) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	jsDir, _ := filepath.Abs("../../scripts/js")
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "@automerge", "automerge-repo")); err != nil {
		t.Skip("scripts/js/node_modules not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "relay/interop.mjs", e.url(e.token("w1")), e.url(e.token("w2")), e.srv.StorageID())
	cmd.Dir = jsDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("interop script: %v\nstdout: %s\nstderr: %s", err, outb, stderr.String())
	}
	var got struct {
		Found          string `json:"found"`
		Live           int    `json:"live"`
		Ephemeral      int    `json:"ephemeral"`
		OtherWorkspace string `json:"otherWorkspace"`
		Missing        string `json:"missing"`
		UnavailableMs  int    `json:"unavailableMs"`
		Gossip         bool   `json:"gossip"`
		LateBefore     string `json:"lateBefore"`
		LateAfter      string `json:"lateAfter"`
	}
	if err := json.Unmarshal(outb, &got); err != nil {
		t.Fatalf("script output %q: %v", outb, err)
	}
	if got.Found != "from js" || got.Live != 2 || got.Ephemeral != 7 || !got.Gossip {
		t.Errorf("sync results = %+v", got)
	}
	if got.LateBefore != "unavailable" || got.LateAfter != "arrived" {
		t.Errorf("document created after a request = %+v", got)
	}
	if got.OtherWorkspace != "unavailable" || got.Missing != "unavailable" {
		t.Errorf("access results = %+v, want both unavailable", got)
	}
	t.Logf("two doc-unavailable answers took %d ms", got.UnavailableMs)
}
