// The Workers build of the relay under `wrangler dev --local` on a fresh
// local D1: the relay interop scenarios with stock automerge-repo 2.5.6
// clients over WebSocket (through the WorkspaceRoom Durable Object), then
// the Go suites that need the running worker: the HTTP sync scenarios
// and the storage contract on D1. Run with `make test-worker`.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import { request } from "node:http"
import { generateAutomergeUrl } from "@automerge/automerge-repo"
import * as A from "@automerge/automerge"
import { encode as cborEncode, decode as cborDecode } from "cbor-x"
import WebSocket from "ws"
import { client, serverHas, withTimeout, waitFor, sortedJSON } from "../interop/harness.mjs"
import { startWorker, root } from "./harness.mjs"

let worker
let token
const clients = []

before(async () => {
  worker = await startWorker()
  token = await worker.token("alpha")
})

after(async () => {
  if (process.env.COMMONPLACE_WORKER_LOG) process.stderr.write(worker?.log() ?? "")
  for (const c of clients) c.close()
  await worker?.stop()
})

// each frame costs a Go runtime start under wrangler dev: slow on a busy
// machine
const settle = 30000

// newClient resolves once the client is connected: the stock adapter
// declares itself ready after 1 s even when not connected, and a find
// made then, with no peer, is unavailable at once.
async function newClient(tok = token) {
  const c = client(worker, tok)
  clients.push(c)
  await waitFor(() => c.repo.peers.length > 0, settle, "the client to connect")
  return c
}

test("worker: a document created on one client is found from another", async () => {
  const a = await newClient()
  const b = await newClient()
  const h = a.repo.create({ title: "reading list", tags: ["edge"] })
  await serverHas(a.repo, h, settle)
  const found = await withTimeout(b.repo.find(h.url), settle, "find from the second client")
  assert.equal(sortedJSON(found.doc()), sortedJSON({ title: "reading list", tags: ["edge"] }))
})

test("worker: live updates reach the other client through the Durable Object", async () => {
  const a = await newClient()
  const b = await newClient()
  const h = a.repo.create({ count: 0 })
  await serverHas(a.repo, h, settle)
  const hb = await withTimeout(b.repo.find(h.url), settle, "find from the second client")
  const seen = new Promise(resolve => hb.on("change", ({ doc }) => doc.count === 3 && resolve()))
  for (let i = 1; i <= 3; i++) h.change(d => { d.count = i })
  await withTimeout(seen, settle, "the second client to see count = 3 without polling")
  assert.equal(hb.doc().count, 3)
})

test("worker: find of a document nobody has is unavailable", async () => {
  const a = await newClient()
  await assert.rejects(withTimeout(a.repo.find(generateAutomergeUrl()), settle, "find of a missing document"), /unavailable/)
})

test("worker: another workspace's token cannot read the document", async () => {
  const a = await newClient()
  const h = a.repo.create({ secret: "only alpha" })
  await serverHas(a.repo, h, settle)
  const other = await newClient(await worker.token("beta"))
  await assert.rejects(withTimeout(other.repo.find(h.url), settle, "find across workspaces"), /unavailable/)
})

// upgradeStatus attempts a WebSocket upgrade by hand and reports the
// HTTP status (101 when accepted); fetch() cannot send Upgrade.
function upgradeStatus(path) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request(worker.base + path, {
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
      })
      req.on("upgrade", (res, socket) => { socket.destroy(); resolve(res.statusCode) })
      req.on("response", res => { res.resume(); resolve(res.statusCode) })
      req.on("error", reject)
      req.end()
    }),
    settle,
    "upgrade attempt",
  )
}

test("worker: a bad token is refused with 401", async () => {
  assert.equal(await upgradeStatus("/sync?token=not-a-token"), 401)
  assert.equal(await upgradeStatus("/sync"), 401)
  assert.equal(await upgradeStatus(`/sync?token=${encodeURIComponent(token)}`), 101)
  const internal = await fetch(worker.base + "/internal/auth", { method: "POST" })
  assert.equal(internal.status, 404, "internal routes are not reachable from outside")
})

// joined opens a raw WebSocket with tok, joins as peerId and resolves
// once the relay has answered with "peer"; closed resolves with the
// close code.
async function joined(tok, peerId) {
  const ws = new WebSocket(worker.syncURL(tok))
  ws.closed = new Promise(resolve => ws.once("close", code => resolve(code)))
  const peer = new Promise((resolve, reject) => {
    ws.once("message", data => resolve(cborDecode(new Uint8Array(data))))
    ws.once("error", reject)
    ws.once("close", code => reject(new Error(`closed (${code}) before the peer answer`)))
  })
  await withTimeout(new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject) }), settle, "websocket open")
  ws.send(cborEncode({ type: "join", senderId: peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] }))
  const m = await withTimeout(peer, settle, "the relay's peer answer")
  assert.equal(m.type, "peer")
  assert.equal(m.targetId, peerId)
  return ws
}

test("worker: revoking a token closes its open WebSockets at once, and only those", async () => {
  const revoked = await worker.newToken("gamma")
  const kept = await worker.newToken("gamma")
  const a = await joined(revoked.token, "revoked-peer-1")
  const b = await joined(revoked.token, "revoked-peer-2")
  const c = await joined(kept.token, "kept-peer")
  try {
    const answer = await worker.adminPost("revoke", { id: revoked.id })
    assert.deepEqual(answer, { id: revoked.id, workspace: "gamma" })
    // the room closes them before /admin/revoke answers; the close frame
    // only has to travel back
    assert.equal(await withTimeout(a.closed, settle, "the revoked token's first socket to close"), 1008)
    assert.equal(await withTimeout(b.closed, settle, "the revoked token's second socket to close"), 1008)
    assert.equal(await upgradeStatus(`/sync?token=${encodeURIComponent(revoked.token)}`), 401)
    assert.equal(c.readyState, WebSocket.OPEN, "another token of the workspace stays connected")
    const unknown = await fetch(worker.base + "/admin/revoke", {
      method: "POST", headers: { Authorization: `Bearer ${worker.admin}` }, body: JSON.stringify({ id: "no-such-token" }),
    })
    assert.equal(unknown.status, 404)
    const unauthorised = await fetch(worker.base + "/admin/revoke", { method: "POST", body: JSON.stringify({ id: kept.id }) })
    assert.equal(unauthorised.status, 401)
    assert.equal(c.readyState, WebSocket.OPEN, "a refused revoke closes nothing")
  } finally {
    for (const ws of [a, b, c]) ws.terminate()
  }
})

test("worker: concurrent offline edits converge after reconnect", async () => {
  const a = await newClient()
  const b = await newClient()
  const h = a.repo.create({ notes: {} })
  await serverHas(a.repo, h, settle)
  const hb = await withTimeout(b.repo.find(h.url), settle, "find from the second client")
  a.offline()
  b.offline()
  h.change(d => { d.notes.a = "from a, offline" })
  hb.change(d => { d.notes.b = "from b, offline" })
  a.online()
  b.online()
  const want = sortedJSON({ notes: { a: "from a, offline", b: "from b, offline" } })
  await waitFor(() => sortedJSON(h.doc()) === want && sortedJSON(hb.doc()) === want, 2 * settle, "both clients to hold both edits")
})

// httpSync is the HTTP sync exchange of docs/HTTP-SYNC.md in JavaScript:
// a fresh sync state, POST what it generates, apply the replies, until it
// has nothing more to send.
async function httpSync(token, documentId, doc, senderId) {
  let state = A.initSyncState()
  for (let round = 0; round < 16; round++) {
    let msg
    ;[state, msg] = A.generateSyncMessage(doc, state)
    if (!msg) return doc
    const type = A.getHeads(doc).length ? "sync" : "request"
    const res = await fetch(worker.base + "/sync/http", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/cbor" },
      body: cborEncode([cborEncode({ type, senderId, targetId: "relay", documentId, data: msg })]),
    })
    if (!res.ok) throw new Error(`http sync: ${res.status} ${await res.text()}`)
    assert.equal(res.headers.get("X-Commonplace-Room"), null, "the room header stays inside the worker")
    for (const frame of cborDecode(new Uint8Array(await res.arrayBuffer()))) {
      const m = cborDecode(frame)
      if (m.type === "doc-unavailable") throw new Error(`unavailable: ${documentId}`)
      if (m.type === "sync") [doc, state] = A.receiveSyncMessage(doc, state, m.data)
    }
  }
  throw new Error("http sync did not settle")
}

test("worker: an edit over HTTP sync reaches a WebSocket partner live", async () => {
  const a = await newClient()
  const h = a.repo.create({ notes: { ws: "from the websocket client" } })
  await serverHas(a.repo, h, settle)
  let doc = await httpSync(token, h.documentId, A.init(), "http-peer")
  assert.equal(doc.notes.ws, "from the websocket client")
  const seen = new Promise(resolve => h.on("change", ({ doc }) => doc.notes.http && resolve()))
  doc = A.change(doc, d => { d.notes.http = "from an http peer" })
  await httpSync(token, h.documentId, doc, "http-peer")
  await withTimeout(seen, settle, "the websocket client to see the http peer's edit without polling")
  assert.equal(h.doc().notes.http, "from an http peer")
  await assert.rejects(httpSync(await worker.token("beta"), h.documentId, A.init(), "intruder"), /unavailable/)
})

test("worker: Go suites against the running worker (HTTP sync scenarios, storage contract on D1)", async () => {
  const env = { ...process.env, COMMONPLACE_WORKER_URL: worker.base, COMMONPLACE_WORKER_ADMIN: worker.admin }
  const { stdout } = await new Promise((resolve, reject) =>
    execFile("go", // -p 1: one package at a time, the store contract last, since it
    // empties the worker's tables before each of its tests.
    ["test", "-count=1", "-p", "1", "-run", "Worker", "./server/httpsync/", "./server/store/sqlstore/"],
      { cwd: root, env, timeout: 900000, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => (err ? reject(new Error(`go test failed:\n${stdout}\n${stderr}`)) : resolve({ stdout }))),
  )
  process.stderr.write(stdout)
  assert.doesNotMatch(stdout, /no test files|\[no tests to run\]/)
})
