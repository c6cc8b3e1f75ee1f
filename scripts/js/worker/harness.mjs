// Runs the Workers build of the relay under `wrangler dev --local` for a
// test or the benchmark: a fresh local D1 in a temporary persist
// directory (migrations applied), 127.0.0.1 on a free port, an admin
// token for creating workspace tokens. wrangler and workerd run in a
// process group of their own, and stop() ends that whole group, or
// workerd would keep the port.
import { spawn, execFile } from "node:child_process"
import { mkdtemp, rm, access } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const execFileP = promisify(execFile)
export const root = fileURLToPath(new URL("../../..", import.meta.url))
export const workerDir = join(root, "cmd", "commonplace-worker")
const wrangler = fileURLToPath(new URL("node_modules/.bin/wrangler", import.meta.url))

// Offline and quiet: no telemetry, no request.cf lookup.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" }

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitHealthy(base, proc, log, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`wrangler dev exited (${proc.exitCode}):\n${log()}`)
    try {
      const r = await fetch(base + "/healthz", { signal: AbortSignal.timeout(2000) })
      if (r.ok) return
    } catch {}
    await new Promise(r => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev not healthy after ${ms} ms:\n${log()}`)
}

export async function startWorker() {
  await access(join(workerDir, "build", "app.wasm")).catch(() => {
    throw new Error("build the worker first (make worker): cmd/commonplace-worker/build/app.wasm is missing")
  })
  const persist = await mkdtemp(join(tmpdir(), "commonplace-worker-"))
  const migrate = execFileP(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    cwd: workerDir, env, timeout: 120000,
  })
  migrate.child.stdin.end() // no one answers prompts: wrangler must not wait for input
  await migrate
  const port = await freePort()
  const admin = "admin-" + Math.random().toString(36).slice(2)
  const proc = spawn(wrangler, [
    "dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist,
    "--var", `ADMIN_TOKEN:${admin}`, "--var", "TEST_SQL:1", "--show-interactive-dev-session=false",
  ], { cwd: workerDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  const keep = d => { out = (out + d).slice(-20000) }
  proc.stdout.on("data", keep)
  proc.stderr.on("data", keep)
  const exited = new Promise(resolve => proc.once("exit", resolve))
  const base = `http://127.0.0.1:${port}`
  const w = {
    base, admin, persist,
    log: () => out,
    syncURL: token => `ws://127.0.0.1:${port}/sync?token=${encodeURIComponent(token)}`,
    // admin POSTs body to an /admin/ route and returns the JSON answer.
    async adminPost(route, body) {
      const r = await fetch(base + "/admin/" + route, {
        method: "POST",
        headers: { Authorization: `Bearer ${admin}` },
        body: JSON.stringify(body),
      })
      if (!r.ok) throw new Error(`admin ${route}: ${r.status} ${await r.text()}`)
      return r.json()
    },
    // newToken creates a token in workspace: {id, workspace, token}.
    newToken(workspace) {
      return w.adminPost("tokens", { workspace, label: "test" })
    },
    async token(workspace) {
      return (await w.newToken(workspace)).token
    },
    async stop() {
      try {
        process.kill(-proc.pid, "SIGTERM") // the group we started
      } catch {}
      const t = setTimeout(() => { try { process.kill(-proc.pid, "SIGKILL") } catch {} }, 5000)
      await exited
      clearTimeout(t)
      await rm(persist, { recursive: true, force: true })
    },
  }
  try {
    await waitHealthy(base, proc, w.log, 60000)
  } catch (e) {
    await w.stop()
    throw e
  }
  return w
}
