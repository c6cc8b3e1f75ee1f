// Test harness for running stock automerge-repo clients against a real
// `commonplace serve` process. The binary comes from COMMONPLACE_BIN; each
// server gets a fresh temporary data directory and is killed (by its own
// PID) when the test ends.

import { spawn, execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { createInterface } from "node:readline"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import * as A from "@automerge/automerge"

const execFileP = promisify(execFile)

// The Repo logs "Websocket not ready" and similar with console.log, which
// would mix into the test runner's stdout (wire doc trap 6).
console.log = (...args) => process.stderr.write(args.map(String).join(" ") + "\n")

export function binary() {
  const bin = process.env.COMMONPLACE_BIN
  if (!bin) {
    throw new Error("set COMMONPLACE_BIN to a built commonplace binary (go build -o bin/commonplace ./cmd/commonplace)")
  }
  return bin
}

// withTimeout rejects when p does not settle within ms: no test may hang.
export function withTimeout(p, ms, what) {
  let timer
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

// waitFor polls cond until it returns true, for at most ms.
export async function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

// startServer runs `commonplace serve` on a free port of 127.0.0.1 and
// resolves when it prints the URL it serves at.
export async function startServer() {
  const dataDir = await mkdtemp(join(tmpdir(), "commonplace-interop-"))
  const proc = spawn(binary(), ["serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  })
  let stderr = ""
  proc.stderr.on("data", d => {
    stderr += d
  })
  const exited = new Promise(resolve => proc.once("exit", (code, signal) => resolve({ code, signal })))
  const lines = createInterface({ input: proc.stdout })
  const url = await withTimeout(
    new Promise((resolve, reject) => {
      lines.on("line", line => {
        const m = /^Commonplace is serving at (http:\/\/\S+)$/.exec(line)
        if (m) resolve(m[1])
      })
      exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}): ${stderr}`)))
    }),
    20000,
    "commonplace serve to print its URL",
  )
  const base = new URL(url)
  return {
    url: base,
    dataDir,
    syncURL: token => `ws://${base.host}/sync?token=${encodeURIComponent(token)}`,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM")
        await withTimeout(exited, 15000, "commonplace serve to exit on SIGTERM")
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

// cli runs the commonplace binary with args and returns its stdout.
export async function cli(...args) {
  const { stdout } = await execFileP(binary(), args, { timeout: 30000 })
  return stdout
}

// createToken runs `commonplace token create` and returns the last line
// of its output, the token.
export async function createToken(dataDir, workspace) {
  const stdout = await cli("token", "create", "--data", dataDir, "--workspace", workspace)
  const lines = stdout.trim().split("\n")
  return lines[lines.length - 1]
}

// client is a Repo with no storage whose one network adapter connects to
// the server with token. online/offline swap the adapter the way a browser
// going offline would (wire doc trap 14): same peerId, fresh adapter.
export function client(server, token) {
  const mk = () => new WebSocketClientAdapter(server.syncURL(token), 250)
  let adapter = mk()
  const repo = new Repo({ network: [adapter] })
  // Closing a socket that is still connecting makes ws emit an 'error'
  // after the adapter removed its listeners (wire doc trap 6); a no-op
  // listener keeps that from becoming an uncaught exception.
  const detach = () => {
    if (!adapter) return
    adapter.socket?.on?.("error", () => {})
    repo.networkSubsystem.removeNetworkAdapter(adapter)
    adapter = undefined
  }
  return {
    repo,
    offline: detach,
    online() {
      adapter = mk()
      repo.networkSubsystem.addNetworkAdapter(adapter)
    },
    // close only disconnects: there is no storage to flush, and flush
    // throws on handles that are not ready (wire doc trap 3).
    close: detach,
  }
}

// serverHas resolves once the server's sync state with repo covers the
// handle's current heads: only then can another client find the change
// (wire doc trap 12). Call it before the change is sent, i.e. right after
// create() or change().
export function serverHas(repo, handle, ms = 10000) {
  const want = A.getHeads(handle.doc())
  return withTimeout(
    new Promise(resolve => {
      const onState = ({ documentId, syncState }) => {
        if (documentId !== handle.documentId) return
        const shared = new Set(syncState.sharedHeads)
        if (want.every(h => shared.has(h))) {
          repo.synchronizer.off("sync-state", onState)
          // Resolve outside DocHandle.update (wire doc trap 7).
          setImmediate(resolve)
        }
      }
      repo.synchronizer.on("sync-state", onState)
    }),
    ms,
    `server to acknowledge heads ${want.join(",")} of ${handle.documentId}`,
  )
}

// sortedJSON renders a value with sorted map keys: Automerge maps do not
// enumerate keys in a stable order (wire doc trap 5).
export function sortedJSON(v) {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x).sort().map(k => [k, x[k]]))
      : x,
  )
}
