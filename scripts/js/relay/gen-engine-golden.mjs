// Writes the Automerge golden files of server/docsync/enginetest/testdata:
// documents and sync messages made by @automerge/automerge (the JS
// reference), which every Go engine must read. Run from scripts/js:
//   node relay/gen-engine-golden.mjs ../../server/docsync/enginetest/testdata
import * as A from "@automerge/automerge";
import fs from "node:fs";
import path from "node:path";

const out = process.argv[2];
if (!out) throw new Error("usage: gen-engine-golden.mjs OUTDIR");
const write = (name, bytes) => fs.writeFileSync(path.join(out, name), bytes);
const heads = doc => A.getHeads(doc).slice().sort();

// A fixed actor and timestamps keep the output reproducible.
const actor = "0123456789abcdef0123456789abcdef";
let doc = A.init({ actor });
doc = A.change(doc, { time: 0 }, d => { d.title = "golden"; });
doc = A.change(doc, { time: 0 }, d => { d.count = 3; });
write("doc.automerge", A.save(doc));

// First sync message a JS peer sends for a doc it has (carries flags).
const [, first] = A.generateSyncMessage(doc, A.initSyncState());
write("sync-first.bin", first);
// First message from a peer that has nothing: a `request` payload.
const [, empty] = A.generateSyncMessage(A.init(), A.initSyncState());
write("sync-request.bin", empty);

fs.writeFileSync(path.join(out, "golden.json"), JSON.stringify({
  docHeads: heads(doc),
  title: "golden",
}, null, 2) + "\n");
