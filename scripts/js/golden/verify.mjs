// Checks that @automerge/automerge reads what crdt writes. It runs the Go
// test TestGoldenExportForNode with CRDT_GOLDEN_OUT set to a fresh temporary
// directory (or uses the directory given as the first argument), then for
// every NAME.automerge there loads it, and the NAME.changes chunks, and
// compares the typed JSON and heads with NAME.json and NAME.heads as crdt
// wrote them. Exits non-zero on any difference.
// Run from scripts/js: node golden/verify.mjs [dir]; verify.test.mjs runs it
// under node --test.
import * as A from "@automerge/automerge";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { typedJSON, headsText } from "./typed-json.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");

// exportFromGo runs the Go test that writes crdt's documents into a fresh
// temporary directory and returns it.
export function exportFromGo() {
  const dir = mkdtempSync(join(tmpdir(), "crdt-golden-"));
  execFileSync("go", ["test", "./crdt", "-run", "^TestGoldenExportForNode$", "-count=1"], {
    cwd: repo,
    env: { ...process.env, CRDT_GOLDEN_OUT: dir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return dir;
}

// Parse and print again, so escaping choices (Go escapes U+2028, JS does
// not) do not count as differences; key order is the same on both sides.
const canonical = (text) => JSON.stringify(JSON.parse(text));

export const goldenDir = join(repo, "crdt/testdata/golden");

// sortedJSON prints a value with object keys sorted: the order in which
// @automerge/automerge materializes a block's keys is not part of the
// document.
const sortedJSON = (v) => JSON.stringify(v, (_, x) =>
  x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);

// richText is the marks and spans of every text at the document's root:
// what typed JSON does not show, which crdt must carry through unchanged.
function richText(doc) {
  const out = {};
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === "string") out[k] = { marks: A.marks(doc, [k]), spans: A.spans(doc, [k]) };
  }
  return sortedJSON(out);
}

// verifyDir loads every NAME.automerge and NAME.changes in dir and returns
// how many loads agreed with NAME.json and NAME.heads, and the failures.
// For NAME_crdt_edit (a golden document crdt loaded, edited and saved), the
// marks and spans of its texts must also be the golden document's.
export function verifyDir(dir) {
  const failures = [];
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".automerge")).sort()) {
    const name = file.slice(0, -".automerge".length);
    const read = (ext) => readFileSync(join(dir, name + ext));
    const wantJSON = read(".json").toString("utf8").trimEnd();
    const wantHeads = read(".heads").toString("utf8");
    const check = (what, load) => {
      let doc;
      try {
        doc = load();
      } catch (err) {
        failures.push(`${name}: ${what}: ${err.message}`);
        return;
      }
      const json = typedJSON(doc);
      if (canonical(json) !== canonical(wantJSON)) {
        failures.push(`${name}: ${what}: documents differ\n  automerge: ${json}\n  crdt:      ${wantJSON}`);
      } else if (headsText(doc) !== wantHeads) {
        failures.push(`${name}: ${what}: heads differ\n  automerge: ${headsText(doc)}  crdt:      ${wantHeads}`);
      } else {
        checked++;
      }
    };
    check("load", () => A.load(read(".automerge")));
    const source = join(goldenDir, name.replace(/_crdt_edit$/, "") + ".automerge");
    if (name.endsWith("_crdt_edit") && existsSync(source)) {
      try {
        const want = richText(A.load(readFileSync(source)));
        const got = richText(A.load(read(".automerge")));
        if (got !== want) failures.push(`${name}: marks or spans changed\n  golden: ${want}\n  crdt:   ${got}`);
      } catch (err) {
        failures.push(`${name}: marks: ${err.message}`);
      }
    }
    check("loadIncremental(changes)", () => A.loadIncremental(A.init(), read(".changes")));
  }
  return { checked, failures };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? exportFromGo();
  const { checked, failures } = verifyDir(dir);
  if (!process.argv[2]) rmSync(dir, { recursive: true, force: true });
  for (const f of failures) console.error("FAIL " + f);
  console.log(`verify: ${checked} loads agreed, ${failures.length} failed`);
  process.exit(failures.length || checked === 0 ? 1 : 0);
}
