// Interop check: stock automerge-repo 2.x clients against the Commonplace
// relay. Run by server/relay's TestJSInterop, which starts the relay and
// passes: the URL for workspace 1 (twice usable), the URL for workspace 2,
// and the relay's storageId. Prints one JSON line of results; exits 1 on
// failure.
import * as Automerge from "@automerge/automerge";
import { Repo, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const [urlW1, urlW2, relayStorageId] = process.argv.slice(2);
if (!relayStorageId) throw new Error("usage: interop.mjs URL_W1 URL_W2 STORAGE_ID");
// The adapter logs send failures with console.log (trap 6): keep stdout for results.
const out = console.log;
console.log = (...a) => console.error(...a);

const sleep = ms => new Promise(r => setTimeout(r, ms));
const repos = [];
function repo(url, opts = {}) {
  const r = new Repo({ network: [new WebSocketClientAdapter(url, 200)], sharePolicy: async () => true, ...opts });
  repos.push(r);
  return r;
}
async function until(what, cond, ms = 10000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
    if (await cond()) return;
  }
  throw new Error(`timed out: ${what}`);
}
const sameHeads = (a, b) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());
const results = {};

try {
  // A writer creates a document and waits until the relay has it (trap 12).
  const a = repo(urlW1);
  const ha = a.create({ title: "from js" });
  ha.change(d => { d.count = 1; });
  await until("relay to confirm the writer's heads",
    () => sameHeads(ha.getSyncInfo(relayStorageId)?.lastHeads, ha.heads()));
  results.created = true;

  // A second client of the same workspace finds it.
  const b = repo(urlW1);
  const hb = await b.find(ha.url);
  results.found = hb.doc().title;

  // Live changes reach it without asking.
  ha.change(d => { d.count = 2; });
  await until("reader to get the live change", () => hb.doc().count === 2);
  results.live = hb.doc().count;

  // Ephemeral messages go from one open handle to the other.
  let got;
  ha.on("ephemeral-message", e => { got = e.message; });
  await sleep(300); // both peers have the doc open on the relay by now
  hb.broadcast({ cursor: 7 });
  await until("ephemeral message", () => got !== undefined);
  results.ephemeral = got.cursor;

  // Another workspace cannot find it, nor a document that does not exist.
  const c = repo(urlW2);
  const t0 = Date.now();
  for (const [name, url] of [["otherWorkspace", ha.url], ["missing", generateAutomergeUrl()]]) {
    try {
      await c.find(url);
      results[name] = "found";
    } catch (e) {
      results[name] = "unavailable";
    }
  }
  results.unavailableMs = Date.now() - t0;

  // A reader that asks before the document exists gets it once its
  // workspace creates it (the relay remembers who asked).
  const lateUrl = generateAutomergeUrl();
  try { await b.find(lateUrl); results.lateBefore = "found"; } catch { results.lateBefore = "unavailable"; }
  a.import(Automerge.save(Automerge.from({ late: "arrived" })), { docId: parseAutomergeUrl(lateUrl).documentId });
  await until("the early reader to receive the document created later",
    () => b.find(lateUrl).then(h => h.doc()?.late === "arrived", () => false));
  results.lateAfter = "arrived";

  // A client with remote-heads gossip on (it sends remote-subscription-
  // change and remote-heads-changed) still syncs normally.
  const g = repo(urlW1, { enableRemoteHeadsGossiping: true });
  g.subscribeToRemotes([relayStorageId]);
  const hg = await g.find(ha.url);
  hg.change(d => { d.gossip = true; });
  await until("gossiping client's change to reach the writer", () => ha.doc().gossip === true);
  results.gossip = true;
  out(JSON.stringify(results));
} catch (e) {
  out(JSON.stringify({ ...results, error: String(e) }));
  process.exitCode = 1;
} finally {
  for (const r of repos) await r.shutdown().catch(() => {});
  setTimeout(() => process.exit(), 100).unref();
}
