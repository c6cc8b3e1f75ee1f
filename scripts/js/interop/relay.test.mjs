// Interop tests: stock automerge-repo 2.5.6 clients (npm packages) against
// a real `commonplace serve`. Run from scripts/js:
//
//	COMMONPLACE_BIN=/path/to/commonplace node --test interop/
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { request } from "node:http"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { generateAutomergeUrl } from "@automerge/automerge-repo"
import * as A from "@automerge/automerge"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startServer, createToken, cli, client, serverHas, withTimeout, waitFor, sortedJSON } from "./harness.mjs"

let server
let token
const clients = []

before(async () => {
  server = await startServer()
  token = await createToken(server.dataDir, "alpha")
})

after(async () => {
  for (const c of clients) c.close()
  await server?.stop()
})

function newClient(tok = token) {
  const c = client(server, tok)
  clients.push(c)
  return c
}

test("a document created on one client is found from another", async () => {
  const a = newClient()
  const b = newClient()
  const h = a.repo.create({ title: "reading list", items: ["Gödel, Escher, Bach"] })
  await serverHas(a.repo, h)
  const found = await withTimeout(b.repo.find(h.url), 10000, "find from the second client")
  assert.equal(sortedJSON(found.doc()), sortedJSON({ title: "reading list", items: ["Gödel, Escher, Bach"] }))
})

test("live updates reach the other client", async () => {
  const a = newClient()
  const b = newClient()
  const h = a.repo.create({ count: 0 })
  await serverHas(a.repo, h)
  const hb = await withTimeout(b.repo.find(h.url), 10000, "find from the second client")
  const changed = new Promise(resolve => {
    hb.on("change", ({ doc }) => {
      if (doc.count === 3) resolve()
    })
  })
  for (let i = 1; i <= 3; i++) h.change(d => { d.count = i })
  await withTimeout(changed, 10000, "the second client to see count = 3")
  assert.equal(hb.doc().count, 3)
})

test("find of a document nobody has is unavailable promptly", async () => {
  const a = newClient()
  const url = generateAutomergeUrl()
  await assert.rejects(withTimeout(a.repo.find(url), 10000, "find of a missing document"), /unavailable/)
})

test("a token of another workspace cannot read the first workspace's document", async () => {
  const a = newClient()
  const h = a.repo.create({ secret: "only alpha" })
  await serverHas(a.repo, h)
  const otherToken = await createToken(server.dataDir, "beta")
  const other = newClient(otherToken)
  await assert.rejects(withTimeout(other.repo.find(h.url), 10000, "find across workspaces"), /unavailable/)
})

// upgradeStatus attempts a WebSocket upgrade by hand and reports the HTTP
// status the server answered with (101 when it accepted).
function upgradeStatus(path) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request({
        host: server.url.hostname,
        port: server.url.port,
        path,
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
      })
      req.on("upgrade", (res, socket) => {
        socket.destroy()
        resolve(res.statusCode)
      })
      req.on("response", res => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on("error", reject)
      req.end()
    }),
    10000,
    "upgrade attempt",
  )
}

test("a bad token is refused with 401", async () => {
  assert.equal(await upgradeStatus("/sync?token=not-a-token"), 401)
  assert.equal(await upgradeStatus("/sync"), 401)
  assert.equal(await upgradeStatus(`/sync?token=${encodeURIComponent(token)}`), 101)
})

test("a stock client with a bad token fails to connect", async () => {
  // The Node client adapter re-throws a refused handshake as an uncaught
  // exception (wire doc trap 6), so it runs in a process of its own.
  const script = `
    import { Repo } from "@automerge/automerge-repo"
    import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
    new Repo({ network: [new WebSocketClientAdapter(${JSON.stringify(server.syncURL("not-a-token"))})] })
    setTimeout(() => { console.error("still connected"); process.exit(0) }, 5000)
  `
  const result = await new Promise(resolve => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 20000, cwd: fileURLToPath(new URL("..", import.meta.url)) }, (err, stdout, stderr) =>
      resolve({ code: err?.code ?? 0, stderr }),
    )
  })
  assert.notEqual(result.code, 0, "the client should fail")
  assert.match(result.stderr, /401/)
})

test("concurrent offline edits converge after reconnect", async () => {
  const a = newClient()
  const b = newClient()
  const h = a.repo.create({ notes: {} })
  await serverHas(a.repo, h)
  const hb = await withTimeout(b.repo.find(h.url), 10000, "find from the second client")

  a.offline()
  b.offline()
  h.change(d => { d.notes.a = "written on a while offline" })
  hb.change(d => { d.notes.b = "written on b while offline" })
  assert.equal(h.doc().notes.b, undefined)

  a.online()
  b.online()
  const want = sortedJSON({ notes: { a: "written on a while offline", b: "written on b while offline" } })
  await waitFor(
    () => sortedJSON(h.doc()) === want && sortedJSON(hb.doc()) === want,
    15000,
    "both clients to hold both offline edits",
  )
})

test("export writes files the npm Automerge loads to the same document", async () => {
  const tok = await createToken(server.dataDir, "exported")
  const a = newClient(tok)
  const h = a.repo.create({ title: "to take away", list: [1, 2, 3] })
  h.change(d => { d.body = "written in Node" })
  await serverHas(a.repo, h)
  const out = await mkdtemp(join(tmpdir(), "commonplace-export-"))
  try {
    await cli("export", "--data", server.dataDir, "--workspace", "exported", "--out", out)
    const doc = A.load(await readFile(join(out, `${h.documentId}.automerge`)))
    assert.deepEqual(A.getHeads(doc).sort(), A.getHeads(h.doc()).sort())
    assert.equal(sortedJSON(doc), sortedJSON(h.doc()))
    const json = JSON.parse(await readFile(join(out, `${h.documentId}.json`), "utf8"))
    assert.equal(sortedJSON(json), sortedJSON({ title: "to take away", list: [1, 2, 3], body: "written in Node" }))
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})
