// The wasm core behind a network that refuses WebSocket upgrades (every
// socket errors and closes with 1006 before opening, as a browser reports
// a proxy's refusal) falls back to HTTP sync (POST /sync/http) on the same
// `commonplace serve`: its note reaches a stock automerge-repo client that
// syncs over the WebSocket, and the stock client's edit reaches the core.
// Needs COMMONPLACE_BIN (a built commonplace binary).

import { test, after, before } from "node:test"
import assert from "node:assert/strict"
import * as A from "@automerge/automerge"
import { startServer, createToken, client, withTimeout, waitFor } from "../interop/harness.mjs"
import { buildCore, loadCore } from "./loadcore.mjs"

// RefusedWebSocket is the browser's WebSocket on a network that refuses
// upgrades: it never opens; an error and a close (1006) follow at once.
let socketsTried = 0
class RefusedWebSocket {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSING = 2
  static CLOSED = 3
  constructor(url) {
    socketsTried++
    this.url = url
    this.readyState = RefusedWebSocket.CONNECTING
    this.binaryType = "blob"
    setTimeout(() => {
      this.readyState = RefusedWebSocket.CLOSED
      this.onerror?.({ type: "error" })
      this.onclose?.({ type: "close", code: 1006, reason: "", wasClean: false })
    }, 0)
  }
  send() {
    throw new Error("InvalidStateError: the socket is not open")
  }
  close() {}
}

let server, core, built, hasHTTPSync

before(async () => {
  built = await buildCore()
  server = await startServer()
  // The HTTP sync endpoint answers a request without a token with 401; a
  // relay built before it existed answers otherwise (the static files' 405).
  const probe = await fetch(`${server.url.origin}/sync/http`, { method: "POST" })
  hasHTTPSync = probe.status === 401
  globalThis.WebSocket = RefusedWebSocket // before loadCore, which keeps a global WebSocket
  core = await loadCore(built.path)
})

after(async () => {
  await server?.stop()
  await built?.cleanup()
  // The Go runtime keeps the event loop alive with its timers.
  setImmediate(() => process.exit(process.exitCode ?? 0))
})

const settledOverHTTP = async () => {
  const s = await core.status()
  return s.state === "up-to-date" && s.unconfirmed === 0 && s.transport === "http"
}

test("without WebSockets the core syncs over HTTP with a stock client on the same relay", { timeout: 90000 }, async t => {
  if (!hasHTTPSync) {
    t.skip("this commonplace serve has no /sync/http")
    return
  }
  const token = await createToken(server.dataDir, "riverside")
  await core.join(`${server.url.origin}/#join=${token}`)
  await core.setProfile({ name: "Ana", role: "practitioner" })
  const id = await core.createNote({ kind: "story", title: "Bridge" })
  await core.editText(id, "body", 0, 0, "The bridge 🌉 opened.")
  await waitFor(settledOverHTTP, 30000, "the core up to date over HTTP")
  assert.ok(socketsTried >= 2, `the core tried the WebSocket first (${socketsTried} attempts)`)
  assert.equal((await core.status()).error, null)

  const stock = client(server, token)
  try {
    const handle = await withTimeout(stock.repo.find(`automerge:${id}`), 15000, "the stock client to find the note")
    const note = await core.getNote(id)
    assert.equal(handle.doc().body, "The bridge 🌉 opened.")
    assert.deepEqual(A.getHeads(handle.doc()).sort(), [...note.heads].sort())

    // The note is on screen (a subscription): the core polls it and
    // hears the stock client's edit, though the relay cannot push it.
    const changes = []
    const unsubscribe = core.onNoteChange(id, c => changes.push(c))
    handle.change(d => A.splice(d, ["body"], 0, 0, "At last: "))
    await waitFor(async () => (await core.getNote(id)).body === "At last: The bridge 🌉 opened.", 30000, "the core to poll in the stock edit")
    await waitFor(() => changes.some(c => c.origin === "remote"), 5000, "a remote change event")
    unsubscribe()
    await waitFor(settledOverHTTP, 30000, "the core up to date over HTTP after the stock edit")
  } finally {
    stock.close()
  }
})
