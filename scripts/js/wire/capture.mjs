// Captures real automerge-repo 2.5.6 WebSocket frames as golden files for
// server/wire. It runs the reference WebSocketServerAdapter and
// WebSocketClientAdapter (real Repos, remote-heads gossiping on) on
// 127.0.0.1, records every raw binary frame at the server's sockets in both
// directions, and writes the first frame of each (direction, type, shape) to
// server/wire/testdata/<name>.cbor plus manifest.json holding what cbor-x
// decodes each frame to.
//
// Run from scripts/js:  node wire/capture.mjs [outdir]
import { mkdirSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer, WebSocket } from "ws";
import { Repo, cbor } from "@automerge/automerge-repo";
import {
  WebSocketServerAdapter,
  WebSocketClientAdapter,
} from "@automerge/automerge-repo-network-websocket";
import { toJSONValue } from "./cborjson.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? join(here, "../../../server/wire/testdata");
const sleep = ms => new Promise(r => setTimeout(r, ms));
// The Repo logs socket noise with console.log; keep stdout for our report.
console.log = () => {};

// A minimal in-memory storage adapter, so each repo has a storageId.
class MemoryStorage {
  data = new Map();
  k = key => JSON.stringify(key);
  async load(key) { return this.data.get(this.k(key)); }
  async save(key, v) { this.data.set(this.k(key), v); }
  async remove(key) { this.data.delete(this.k(key)); }
  async loadRange(prefix) {
    const p = JSON.stringify(prefix).slice(0, -1);
    return [...this.data].filter(([k]) => k.startsWith(p))
      .map(([k, data]) => ({ key: JSON.parse(k), data }));
  }
  async removeRange(prefix) {
    for (const { key } of await this.loadRange(prefix)) this.data.delete(this.k(key));
  }
}

const frames = []; // {dir, bytes}
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
await new Promise(r => wss.on("listening", r));
const url = `ws://127.0.0.1:${wss.address().port}`;
const server = new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new MemoryStorage(),
  peerId: "storage-server-golden",
  enableRemoteHeadsGossiping: true,
});
wss.on("connection", sock => {
  sock.on("message", data => frames.push({ dir: "c2s", bytes: new Uint8Array(data) }));
  const send = sock.send.bind(sock);
  sock.send = (data, ...rest) => {
    frames.push({ dir: "s2c", bytes: new Uint8Array(data) });
    return send(data, ...rest);
  };
});

function client(peerId, withStorage) {
  return new Repo({
    network: [new WebSocketClientAdapter(url, 200)],
    storage: withStorage ? new MemoryStorage() : undefined,
    peerId,
    enableRemoteHeadsGossiping: true,
  });
}
const a = client("peer-golden-a", true);
const b = client("peer-golden-b", true);
const c = client("peer-golden-c", false); // no storage: storageId undefined
await sleep(1500);

// request + sync: a creates a doc, b finds it through the server.
const h = a.create({ text: "hello" });
await sleep(500);
const hb = await b.find(h.url);
// remote heads gossip: a subscribes to b's storage, b edits.
const bStorage = await b.storageId();
a.subscribeToRemotes([bStorage]);
await sleep(300);
hb.change(d => { d.text = "hello golden"; });
await sleep(800);
// ephemeral: a broadcasts on the doc, the server forwards it to b.
h.broadcast({ cursor: 3 });
await sleep(300);
// doc-unavailable: c asks for a doc nobody has.
try {
  await c.find("automerge:2v3rkia9QeE2R9cBqPSwB1RjJmDw", { signal: AbortSignal.timeout(3000) });
} catch {}
await sleep(300);
// error: a raw socket joins with an unsupported protocol version.
const raw = new WebSocket(url);
await new Promise(r => raw.on("open", r));
raw.send(cbor.encode({ type: "join", senderId: "peer-golden-old",
  peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["99"] }));
await sleep(300);
raw.close();

for (const r of [a, b, c]) await r.shutdown().catch(() => {});
await server.shutdown().catch(() => {});
wss.close();

// Keep the first frame of each (direction, type, field shape).
const manifest = {};
const seen = new Set();
for (const f of frames) {
  const msg = cbor.decode(f.bytes);
  const shape = Object.keys(msg).sort().map(k => `${k}${msg[k] === undefined ? "?" : ""}`).join(",")
    + (msg.peerMetadata ? `|sid:${msg.peerMetadata.storageId === undefined ? "undef" : "set"}` : "")
    + (Array.isArray(msg.remove) ? `|remove:${msg.remove.length}` : "");
  const sig = `${f.dir} ${msg.type} ${shape}`;
  if (seen.has(sig)) continue;
  seen.add(sig);
  let name = `${f.dir}-${msg.type}`;
  for (let i = 2; manifest[name]; i++) name = `${f.dir}-${msg.type}-${i}`;
  manifest[name] = toJSONValue(msg);
}
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith(".cbor")) rmSync(join(outDir, f));
const byName = {};
for (const f of frames) {
  const msg = cbor.decode(f.bytes);
  for (const [name, want] of Object.entries(manifest)) {
    if (!byName[name] && JSON.stringify(want) === JSON.stringify(toJSONValue(msg)) && name.startsWith(f.dir)) {
      byName[name] = f.bytes;
    }
  }
}
for (const [name, bytes] of Object.entries(byName)) writeFileSync(join(outDir, `${name}.cbor`), bytes);
writeFileSync(join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
process.stdout.write(`${Object.keys(manifest).length} golden frames in ${outDir}: ${Object.keys(manifest).join(" ")}\n`);
process.exit(0);
