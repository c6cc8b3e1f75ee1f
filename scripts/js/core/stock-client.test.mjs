// A document the wasm core creates is read, with the same content, by a
// stock automerge-repo client on the same relay, and the stock client's
// edit reaches the core: the app and other automerge-repo tools see the
// same documents. Needs COMMONPLACE_BIN (a built commonplace binary).

import { test, after, before } from "node:test"
import assert from "node:assert/strict"
import * as A from "@automerge/automerge"
import { startServer, createToken, client, withTimeout, waitFor } from "../interop/harness.mjs"
import { buildCore, loadCore } from "./loadcore.mjs"

let server, core, built

before(async () => {
  built = await buildCore()
  server = await startServer()
  core = await loadCore(built.path)
})

after(async () => {
  await server?.stop()
  await built?.cleanup()
  // The Go runtime keeps the event loop alive with its timers; the tests
  // are done, so end the process.
  setImmediate(() => process.exit(process.exitCode ?? 0))
})

test("a note made by the core reads the same in a stock automerge-repo client", async () => {
  const token = await createToken(server.dataDir, "riverside")
  const joined = await core.join(`${server.url.origin}/#join=${token}`)
  assert.equal(joined.workspace, "riverside")
  await core.setProfile({ name: "Ana", role: "practitioner" })

  const id = await core.createNote({ kind: "story", title: "Ferry" })
  await core.editText(id, "body", 0, 0, "The ferry 😀 broke down.")
  await core.setField(id, "tags", ["transport", "river"])
  await core.setField(id, "place", "Kafue")
  await waitFor(async () => {
    const s = await core.status()
    return s.state === "up-to-date" && s.unconfirmed === 0
  }, 15000, "the core to be up to date")

  const session = await (await fetch(`${server.url.origin}/api/session`, { headers: { Authorization: `Bearer ${token}` } })).json()
  assert.ok(session.workspaceDoc, "the relay knows the workspace document")

  const stock = client(server, token)
  try {
    const ws = await withTimeout(stock.repo.find(`automerge:${session.workspaceDoc}`), 10000, "find workspace doc")
    const wsDoc = ws.doc()
    // The core writes non-collaborative strings as Automerge scalar
    // strings, which @automerge/automerge 3 shows as ImmutableString.
    assert.equal(String(wsDoc.type), "commonplace/workspace")
    assert.ok(wsDoc.notes[id], "the workspace index lists the note")
    assert.deepEqual(Object.values(wsDoc.members).map(m => [String(m.name), String(m.role)]), [["Ana", "practitioner"]])

    const handle = await withTimeout(stock.repo.find(`automerge:${id}`), 10000, "find note")
    const doc = handle.doc()
    const note = await core.getNote(id)
    assert.equal(String(doc.type), "commonplace/note")
    assert.equal(String(doc.kind), "story")
    assert.equal(doc.title, note.title)
    assert.equal(doc.body, "The ferry 😀 broke down.")
    assert.equal(doc.body, note.body)
    assert.deepEqual([...doc.tags].map(String), note.tags)
    assert.equal(String(doc.place), "Kafue")
    assert.deepEqual(A.getHeads(doc).sort(), [...note.heads].sort())

    // The stock client edits the body; the core sees it as a remote change
    // whose patch carries a UTF-16 index.
    const changes = []
    const unsubscribe = core.onNoteChange(id, c => changes.push(c))
    handle.change(d => A.splice(d, ["body"], 13, 0, "(again) "))
    await waitFor(async () => (await core.getNote(id)).body === "The ferry 😀 (again) broke down.", 10000, "the core to get the stock edit")
    await waitFor(() => changes.some(c => c.origin === "remote"), 5000, "a remote change event")
    unsubscribe()
    const splice = changes.flatMap(c => c.patches).find(p => p.action === "splice" && p.path[0] === "body")
    assert.deepEqual({ index: splice.index, insert: splice.insert }, { index: 13, insert: "(again) " })
  } finally {
    stock.close()
  }
})

test("the core reports a bad invite with its error code", async () => {
  await assert.rejects(core.join(`${server.url.origin}/#join=nope`), e => e.code === "invalid-invite")
  await assert.rejects(core.getNote("2v3rkia9QeE2R9cBqPSwB1RjJmDw"), e => e.code === "not-found")
})
