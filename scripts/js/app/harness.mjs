// Harness for the field app's browser tests: a real `commonplace serve`
// (binary from COMMONPLACE_BIN, fresh data directory, 127.0.0.1), and real
// headless Chromium (/usr/bin/chromium) driven by playwright-core, one
// browser profile per partner. Every wait is bounded; only processes this
// harness started are stopped, by their own handle.

import { spawn, execFile } from "node:child_process"
import { mkdtemp, mkdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { createInterface } from "node:readline"
import { chromium } from "playwright-core"

const execFileP = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))

export const TABLET = { width: 1024, height: 768 }
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export function binary() {
  const bin = process.env.COMMONPLACE_BIN
  if (!bin) throw new Error("set COMMONPLACE_BIN to a commonplace binary built after `make web` (the app is embedded)")
  return bin
}

export const screenshotDir = () => process.env.COMMONPLACE_SCREENSHOTS || join(here, "..", ".cache", "screenshots")

// Server runs `commonplace serve` on one data directory. stop() and
// start() again keep the port, so clients can come back to the same URL.
export class Server {
  static async start() {
    const s = new Server(await mkdtemp(join(tmpdir(), "commonplace-app-")))
    await s.start("127.0.0.1:0")
    return s
  }
  constructor(dataDir) {
    this.dataDir = dataDir
    this.proc = null
  }
  async start(addr = this.addr) {
    const proc = spawn(binary(), ["serve", "--addr", addr, "--data", this.dataDir, "--log-level", "warn", "--ping-interval", "2s"], {
      stdio: ["ignore", "pipe", "pipe"],
    })
    this.proc = proc
    let stderr = ""
    proc.stderr.on("data", d => (stderr = (stderr + d).slice(-4000)))
    this.exited = new Promise(r => proc.once("exit", (code, sig) => r(code ?? sig)))
    const lines = createInterface({ input: proc.stdout })
    const url = await bounded(
      new Promise((resolve, reject) => {
        lines.on("line", l => {
          const m = /^Commonplace is serving at (http:\/\/\S+)$/.exec(l)
          if (m) resolve(m[1])
        })
        this.exited.then(c => reject(new Error(`serve exited (${c}): ${stderr}`)))
      }),
      20000,
      "commonplace serve to start",
    )
    this.url = new URL(url).origin
    this.addr = new URL(url).host
    const page = await (await fetch(this.url + "/")).text()
    if (page.includes("App not built")) {
      await this.stop()
      throw new Error(`${binary()} was built without the field app: run \`make web\` before building it (see docs/APP.md)`)
    }
  }
  async stop() {
    const p = this.proc
    this.proc = null
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill("SIGTERM")
      await bounded(this.exited, 15000, "commonplace serve to exit")
    }
  }
  async close() {
    await this.stop()
    await rm(this.dataDir, { recursive: true, force: true })
  }
  // token creates a workspace token with the CLI (which reaches the
  // running server) and returns {id, secret}.
  async token(workspace = "field-test") {
    const { stdout } = await this.cli("token", "create", "--data", this.dataDir, "--workspace", workspace)
    const id = /Created token (\S+) /.exec(stdout)?.[1]
    return { id, secret: stdout.trim().split("\n").pop() }
  }
  async revoke(id) {
    await this.cli("token", "revoke", "--data", this.dataDir, id)
  }
  cli(...args) {
    return execFileP(binary(), args, { timeout: 20000 })
  }
  invite(token) {
    return `${this.url}/#join=${encodeURIComponent(token)}`
  }
}

// Partner is one person's browser: its own Chromium profile (so its own
// IndexedDB and service worker), a tablet-sized page.
export class Partner {
  static async open(name) {
    return Partner.launch(name, await mkdtemp(join(tmpdir(), "commonplace-profile-")))
  }
  // reopen starts the same device again (same profile directory) after
  // its browser was closed with ctx.close().
  static reopen(p) {
    return Partner.launch(p.name, p.dir)
  }
  static async launch(name, dir) {
    const ctx = await chromium.launchPersistentContext(dir, {
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: TABLET,
      timeout: 30000,
    })
    const p = new Partner(name, dir, ctx)
    p.page = ctx.pages()[0] ?? (await ctx.newPage())
    p.page.setDefaultTimeout(15000)
    p.page.on("pageerror", e => p.errors.push(e.message))
    return p
  }
  constructor(name, dir, ctx) {
    Object.assign(this, { name, dir, ctx, errors: [] })
  }
  async close() {
    await this.ctx.close().catch(() => {})
    await rm(this.dir, { recursive: true, force: true })
  }
  // join opens the invite link and sets this device's name and role.
  async join(invite, role = "academic") {
    await this.page.goto(invite)
    await this.page.locator("#name").waitFor()
    await this.page.fill("#name", this.name)
    await this.page.selectOption("#role", role)
    await this.page.click("form button[type=submit]")
    await this.page.locator("#notes").waitFor()
  }
  async ready() {
    await this.page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 })
  }
  // newNote creates a note with the kind picker and types its title.
  async newNote(kind, title) {
    await this.page.click("#new-note")
    await this.page.click(`#kind-picker button[data-kind="${kind}"]`)
    await this.page.locator("#title").waitFor()
    await this.page.locator("#title").pressSequentially(title)
    await this.saved()
    return decodeURIComponent(new URL(this.page.url()).hash.replace("#/note/", ""))
  }
  async saved() {
    await this.page.waitForFunction(() => document.getElementById("save-state")?.dataset.state === "saved", null, { timeout: 15000 })
  }
  async syncState(state) {
    await this.page.waitForFunction(s => document.getElementById("sync")?.dataset.state === s, state, { timeout: 20000 })
  }
  async upToDate() {
    await this.page.waitForFunction(
      () => {
        const el = document.getElementById("sync")
        return el?.dataset.state === "up-to-date" && el.dataset.unconfirmed === "0"
      },
      null,
      { timeout: 30000 },
    )
  }
  // unsent waits until the sync pill counts changes the relay has not confirmed.
  async unsent() {
    await this.page.waitForFunction(() => Number(document.getElementById("sync")?.dataset.unconfirmed) > 0, null, { timeout: 15000 })
  }
  async offline(on) {
    await this.ctx.setOffline(on)
  }
  async shot(name) {
    const dir = screenshotDir()
    await mkdir(dir, { recursive: true })
    await this.page.screenshot({ path: join(dir, `${name}.png`) })
  }
}

export function bounded(p, ms, what) {
  let t
  return Promise.race([p, new Promise((_, rej) => (t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() =>
    clearTimeout(t),
  )
}

// eventually polls fn until it returns a truthy value, for at most ms.
export async function eventually(fn, ms, what) {
  const end = Date.now() + ms
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return last
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what} (last: ${last})`)
    await new Promise(r => setTimeout(r, 100))
  }
}
