// Remote-heads gossip against a real `commonplace serve`: stock
// automerge-repo 2.5.6 Repos with storage and enableRemoteHeadsGossiping
// subscribe to storage IDs and must learn, through the relay, the heads of
// peers they are not connected to, for the documents they have open, and
// nothing of another workspace. Run from scripts/js:
//
//	COMMONPLACE_BIN=/path/to/commonplace node --test relay/
import { test } from "node:test"
import assert from "node:assert/strict"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { startServer, createToken, serverHas, waitFor, withTimeout } from "../interop/harness.mjs"

const sameHeads = (a, b) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort())

// gossipClient is a Repo with Node filesystem storage (so it has a
// storageId) and remote-heads gossip on. received collects the
// remote-heads-changed frames the relay sends it. close disconnects it;
// call it before the server stops, or the adapter's reconnect timer keeps
// the process alive. The client is added to clients before anything can
// fail, so the caller can always close it.
async function gossipClient(server, token, clients) {
  const dir = await mkdtemp(join(tmpdir(), "commonplace-gossip-"))
  const adapter = new WebSocketClientAdapter(server.syncURL(token), 250)
  const received = []
  adapter.on("message", m => {
    if (m.type === "remote-heads-changed") received.push(m)
  })
  const repo = new Repo({ network: [adapter], storage: new NodeFSStorageAdapter(dir), enableRemoteHeadsGossiping: true })
  const close = async () => {
    adapter.socket?.on?.("error", () => {}) // wire doc trap 6
    await repo.shutdown()
    // shutdown's flush races the Repo's own throttled saves (wire doc
    // trap 2): let those finish before the directory goes.
    await new Promise(r => setTimeout(r, 300))
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })
  }
  const cl = { repo, received, close }
  clients.push(cl)
  await waitFor(() => relayStorageId(repo) !== undefined, 10000, "the relay's peer message")
  cl.storageId = await repo.storageId()
  return cl
}

// relayStorageId is the storageId the relay announced in its peer message.
function relayStorageId(repo) {
  return Object.values(repo.peerMetadataByPeerId).find(m => m?.storageId)?.storageId
}

test("clients with remote-heads gossip learn heads through the relay and nothing across workspaces", async t => {
  const crashes = []
  const onCrash = err => crashes.push(err)
  process.on("uncaughtException", onCrash)
  t.after(() => process.off("uncaughtException", onCrash))

  const server = await startServer()
  const clients = []
  t.after(async () => {
    try {
      for (const cl of clients) await cl.close()
    } finally {
      await server.stop()
    }
  })
  const [tok1, tok2] = [await createToken(server.dataDir, "w1"), await createToken(server.dataDir, "w2")]
  const a = await gossipClient(server, tok1, clients)
  const b = await gossipClient(server, tok1, clients)
  const c = await gossipClient(server, tok2, clients) // another workspace
  const relay = relayStorageId(a.repo)
  assert.ok(a.storageId && b.storageId && a.storageId !== b.storageId, "clients with storage have storage IDs")

  // a writes a document; a second one stays a's alone.
  const ha = a.repo.create({ title: "one" })
  await serverHas(a.repo, ha)
  const private_ = a.repo.create({ title: "a's alone" })
  await serverHas(a.repo, private_)

  // b and c subscribe to the relay and to a.
  b.repo.subscribeToRemotes([relay, a.storageId])
  c.repo.subscribeToRemotes([relay, a.storageId])
  const hb = await withTimeout(b.repo.find(ha.url), 10000, "b to find a's document")
  const events = []
  hb.on("remote-heads", e => events.push(e))
  const hc = c.repo.create({ title: "c's" })
  await serverHas(c.repo, hc)

  // a edits: b, which is never connected to a, learns a's heads from the
  // relay, and is sent the relay's own heads once they are stored.
  ha.change(d => { d.title = "two" })
  private_.change(d => { d.title = "still a's alone" })
  const want = ha.heads()
  await waitFor(() => sameHeads(hb.getSyncInfo(a.storageId)?.lastHeads, want), 10000, "b to learn a's heads")
  assert.ok(events.some(e => e.storageId === a.storageId && sameHeads(e.heads, want)), "b's handle emitted remote-heads for a")
  await waitFor(
    () => b.received.some(m => m.documentId === ha.documentId && sameHeads(m.newHeads[relay]?.heads, want)),
    10000,
    "b to be sent the relay's heads",
  )
  await waitFor(() => hb.doc().title === "two", 10000, "b to get the change itself")
  assert.ok(
    b.received.every(m => m.documentId === ha.documentId),
    `b was told about a document it does not have open: ${JSON.stringify(b.received.map(m => m.documentId))}`,
  )

  // c hears the relay's heads of its own document only.
  hc.change(d => { d.title = "c's, edited" })
  await waitFor(
    () => c.received.some(m => m.documentId === hc.documentId && sameHeads(m.newHeads[relay]?.heads, hc.heads())),
    10000,
    "c to be sent the relay's heads of its own document",
  )
  for (const m of c.received) {
    assert.equal(m.documentId, hc.documentId, "c was told about another workspace's document")
    assert.deepEqual(Object.keys(m.newHeads), [relay], "c was told another storage peer's heads")
  }
  assert.equal(hc.getSyncInfo(a.storageId), undefined)
  assert.deepEqual(crashes, [], "a client crashed")
})
