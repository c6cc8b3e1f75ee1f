//go:build !js && !wasip1

package syncproto

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestNodeWasmInterop runs scripts/js/sync/wasm-sync.mjs: crdt compiled to
// WebAssembly syncing with @automerge/automerge 3.x in Node, over lossy and
// duplicating links. It needs node and scripts/js/node_modules; -short
// skips it (building the wasm peer takes a while).
func TestNodeWasmInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm binary and runs node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	jsDir, err := filepath.Abs("../../../scripts/js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "@automerge", "automerge")); err != nil {
		t.Skip("scripts/js/node_modules not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sync/wasm-sync.mjs")
	cmd.Dir = jsDir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("wasm-sync.mjs: %v", err)
	}
}
