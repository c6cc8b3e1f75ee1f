// loadCore runs the field app's wasm core (./wasm/cmd/app) in Node, the way
// web/static/core.js runs it in a browser: wasm_exec.js from the Go root,
// the commonplaceReady handshake, globalThis.commonplace as the API. Node
// has no IndexedDB, so the core keeps documents in memory
// (commonplaceOptions.storage = "memory"), and Node 20 has no global
// WebSocket, so the `ws` package (a dependency of automerge-repo's
// WebSocket adapter) stands in for the browser's.

import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { WebSocket } from "ws"

const execFileP = promisify(execFile)
const repoRoot = resolve(import.meta.dirname, "../../..")

// buildCore compiles the wasm core unless COMMONPLACE_WASM names a built one.
export async function buildCore() {
  if (process.env.COMMONPLACE_WASM) return { path: process.env.COMMONPLACE_WASM, cleanup: async () => {} }
  const dir = await mkdtemp(join(tmpdir(), "commonplace-core-"))
  const out = join(dir, "app.wasm")
  await execFileP("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "./wasm/cmd/app"], {
    cwd: repoRoot,
    env: { ...process.env, GOOS: "js", GOARCH: "wasm" },
    timeout: 300000,
  })
  return { path: out, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

// loadCore starts the core from wasmPath and resolves with its API.
export async function loadCore(wasmPath) {
  if (!globalThis.Go) {
    const { stdout } = await execFileP("go", ["env", "GOROOT"])
    await import(join(stdout.trim(), "lib", "wasm", "wasm_exec.js"))
  }
  globalThis.WebSocket ??= WebSocket
  globalThis.commonplaceOptions = { storage: "memory" }
  const go = new globalThis.Go()
  const ready = new Promise((res, rej) => {
    globalThis.commonplaceReady = err => (err ? rej(new Error(String(err))) : res(globalThis.commonplace))
  })
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), go.importObject)
  const exited = go.run(instance).then(() => {
    throw new Error("the core exited")
  })
  return Promise.race([ready, exited])
}
