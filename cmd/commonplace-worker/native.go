//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself when the command is built for the host: the relay
// runs only as GOOS=js GOARCH=wasm inside Cloudflare Workers (see
// docs/DEPLOY-WORKERS.md).
func main() {
	fmt.Fprintln(os.Stderr, "commonplace-worker runs inside Cloudflare Workers: build it with GOOS=js GOARCH=wasm (see docs/DEPLOY-WORKERS.md)")
	os.Exit(2)
}
