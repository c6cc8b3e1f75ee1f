// The wasm core in headless Chromium with its real IndexedDB storage and
// browser WebSocket: an edit that resolved is on disk, so the core started
// again in the same profile (a reload) finds the device joined and the
// note there, even with the network off. The test page, wasm and
// wasm_exec.js are routed by Playwright onto the relay's origin, so the
// core's fetch of /api/ is same-origin as in the real app. Needs
// COMMONPLACE_BIN and /usr/bin/chromium.

import { test, after, before } from "node:test"
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { chromium } from "playwright-core"
import { startServer, createToken, withTimeout } from "../interop/harness.mjs"
import { CHROMIUM_ARGS } from "../app/harness.mjs"
import { buildCore } from "./loadcore.mjs"

const PAGE = `<!doctype html><meta charset="utf-8"><script src="/core-test/wasm_exec.js"></script>
<script>
window.startCore = () => new Promise((resolve, reject) => {
  const go = new Go()
  window.commonplaceReady = err => err ? reject(new Error(err)) : resolve(true)
  WebAssembly.instantiateStreaming(fetch("/core-test/app.wasm"), go.importObject)
    .then(r => go.run(r.instance)).catch(reject)
})
</script>`

let server, built, profile, wasm, execJS

before(async () => {
  built = await buildCore()
  server = await startServer()
  profile = await mkdtemp(join(tmpdir(), "commonplace-core-idb-"))
  wasm = await readFile(built.path)
  const { stdout } = await promisify(execFile)("go", ["env", "GOROOT"])
  execJS = await readFile(join(stdout.trim(), "lib", "wasm", "wasm_exec.js"))
})

after(async () => {
  await server?.stop()
  await built?.cleanup()
  if (profile) await rm(profile, { recursive: true, force: true })
})

async function openBrowser() {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    // The routed test page is not served by the relay, and Chromium then
    // applies its local-network checks to the WebSocket to 127.0.0.1.
    args: [...CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"],
    headless: true,
    timeout: 30000,
  })
  await ctx.route(`${server.url.origin}/core-test/**`, route => {
    const path = new URL(route.request().url()).pathname
    if (path.endsWith("/app.wasm")) return route.fulfill({ body: wasm, contentType: "application/wasm" })
    if (path.endsWith("/wasm_exec.js")) return route.fulfill({ body: execJS, contentType: "text/javascript" })
    return route.fulfill({ body: PAGE, contentType: "text/html" })
  })
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.setDefaultTimeout(20000)
  const errors = []
  page.on("pageerror", e => errors.push(e.message))
  page.on("console", m => process.stderr.write(`[page] ${m.text()}\n`))
  await page.goto(`${server.url.origin}/core-test/`)
  await withTimeout(page.evaluate(() => window.startCore()), 30000, "the core to start in Chromium")
  return { ctx, page, errors }
}

test("edits are in IndexedDB when they resolve and survive a restart offline", { timeout: 120000 }, async () => {
  const token = await createToken(server.dataDir, "riverside")
  const invite = `${server.url.origin}/#join=${token}`

  const first = await openBrowser()
  const id = await withTimeout(first.page.evaluate(async invite => {
    const core = globalThis.commonplace
    await core.join(invite)
    await core.setProfile({ name: "Ana", role: "academic" })
    const id = await core.createNote({ kind: "interview", title: "Market day", private: false })
    await core.editText(id, "body", 0, 0, "Prices rose. ✓")
    return id
  }, invite), 30000, "join, create and edit")
  // Close at once: no waiting for sync, only for the promise above.
  await first.ctx.close()
  assert.deepEqual(first.errors, [])

  const second = await openBrowser()
  await second.ctx.setOffline(true)
  const seen = await withTimeout(second.page.evaluate(async id => {
    const core = globalThis.commonplace
    const session = await core.session()
    const note = await core.getNote(id)
    const list = await core.listNotes({ query: "prices" })
    return { joined: session.joined, name: session.profile?.name, body: note.body, title: note.title, listed: list.map(n => n.id) }
  }, id), 30000, "reading back offline")
  assert.deepEqual(seen, { joined: true, name: "Ana", body: "Prices rose. ✓", title: "Market day", listed: [id] })

  // Back online, the relay confirms everything written before the restart.
  await second.ctx.setOffline(false)
  await second.page.waitForFunction(
    async () => {
      const s = await globalThis.commonplace.status()
      return s.state === "up-to-date" && s.unconfirmed === 0
    },
    null,
    { timeout: 30000, polling: 200 },
  )
  await second.ctx.close()
  assert.deepEqual(second.errors, [])
})
