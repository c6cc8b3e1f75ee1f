// Reference sync server for scripts/bench-relay: automerge-repo's own
// WebSocket server adapter with Node filesystem storage, configured like the
// upstream automerge-repo-sync-server (sharePolicy answers what is asked and
// announces nothing). It exists so the Go relay can be measured against the
// real thing under the same load; it ignores the ?token= query.
//
// Usage: node bench/ref-server.mjs --addr 127.0.0.1:PORT --data DIR
// Prints "listening ws://ADDR" on stdout once the socket is bound.
import fs from "node:fs"
import http from "node:http"
import { setTimeout as sleep } from "node:timers/promises"
import { parseArgs } from "node:util"
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const { values } = parseArgs({
  options: {
    addr: { type: "string", default: "127.0.0.1:0" },
    data: { type: "string" },
  },
})
if (!values.data) {
  console.error("ref-server: --data DIR is required")
  process.exit(2)
}
const sep = values.addr.lastIndexOf(":")
const host = values.addr.slice(0, sep)
const port = Number(values.addr.slice(sep + 1))
if (host !== "127.0.0.1" || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ref-server: --addr must be 127.0.0.1:PORT, got ${values.addr}`)
  process.exit(2)
}
fs.mkdirSync(values.data, { recursive: true })

// The Repo logs sends on closing sockets with console.log; keep stdout for
// the one line the benchmark reads.
console.log = (...args) => console.error(...args)

const httpServer = http.createServer()
const wss = new WebSocketServer({ server: httpServer })
const adapter = new WebSocketServerAdapter(wss)
new Repo({
  network: [adapter],
  storage: new NodeFSStorageAdapter(values.data),
  peerId: "storage-server-bench",
  sharePolicy: async () => false,
})

// The Repo connects its network adapter only after loading its storage id;
// a socket accepted before that gets no message handler and is dropped at
// the first keepalive. Listen once the adapter has its peer id.
for (let i = 0; adapter.peerId === undefined; i++) {
  if (i > 1000) {
    console.error("ref-server: network adapter never connected")
    process.exit(1)
  }
  await sleep(10)
}
httpServer.on("error", err => {
  console.error(`ref-server: ${err.message}`)
  process.exit(1)
})
httpServer.listen(port, host, () => {
  const a = httpServer.address()
  process.stdout.write(`listening ws://${a.address}:${a.port}\n`)
})

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => process.exit(0))
}
