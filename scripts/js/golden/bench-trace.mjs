// Applies the automerge-perf editing trace with @automerge/automerge in
// Node, as crdt's BenchmarkTrace does in Go: one splice call per edit, one
// change for the whole trace and a change every 100 edits; then save and
// load. Prints seconds (best of RUNS, default 3) and the saved size.
// Run from scripts/js: node golden/bench-trace.mjs
import * as A from "@automerge/automerge";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join } from "node:path";

function findTrace(name) {
  if (process.env.COMMONPLACE_SHARED_DATA) return join(process.env.COMMONPLACE_SHARED_DATA, name);
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const p = join(dir, "shared", "data", name);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return null;
  }
}

const path = findTrace("paper-edits.json.gz");
if (!path || !existsSync(path)) {
  console.log("bench-trace: skipped, paper-edits.json.gz not found (set COMMONPLACE_SHARED_DATA)");
  process.exit(0);
}
const { edits, finalText } = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8"));
const runs = Number(process.env.RUNS ?? 3);
const time = { message: undefined, time: 1700000000 };

function apply(every) {
  let doc = A.change(A.init({ actor: "aa" }), time, (d) => { d.text = ""; });
  const step = every || edits.length;
  for (let i = 0; i < edits.length; i += step) {
    doc = A.change(doc, time, (d) => {
      for (const [pos, del, text] of edits.slice(i, i + step)) A.splice(d, ["text"], pos, del, text);
    });
  }
  if (doc.text !== finalText) throw new Error("the trace ends in the wrong text");
  return doc;
}

function best(f) {
  let min = Infinity, out;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    out = f();
    min = Math.min(min, performance.now() - t0);
  }
  return [min / 1000, out];
}

const [once, doc] = best(() => apply(0));
const [every100] = best(() => apply(100));
const [save, saved] = best(() => A.save(doc));
const [load] = best(() => A.load(saved));
console.log(`automerge-js apply-commit-once             ${once.toFixed(3)} s`);
console.log(`automerge-js apply-commit-every-100-edits   ${every100.toFixed(3)} s`);
console.log(`automerge-js save                          ${save.toFixed(3)} s ${saved.length} bytes`);
console.log(`automerge-js load                          ${load.toFixed(3)} s`);
