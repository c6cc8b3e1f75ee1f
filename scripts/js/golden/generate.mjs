// Writes the golden documents crdt must read: each made by
// @automerge/automerge (the version in scripts/js/package.json) from a
// fixed recipe, with fixed actors and timestamps, so reruns give the same
// bytes. For every document NAME it writes to crdt/testdata/golden/:
//   NAME.automerge  what Automerge saves (for "incremental": save() followed
//                   by saveIncremental() chunks)
//   NAME.changes    every change chunk, concatenated
//   NAME.json       the typed JSON (see typed-json.mjs)
//   NAME.heads      the heads, sorted hex, one per line
// Run from scripts/js: node golden/generate.mjs
import * as A from "@automerge/automerge";
import { deflateRawSync } from "node:zlib";
import { mkdirSync, writeFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { typedJSON, headsText } from "./typed-json.mjs";

// GOLDEN_OUT writes elsewhere (generate.test.mjs checks reruns match).
const outDir = process.env.GOLDEN_OUT ?? join(dirname(fileURLToPath(import.meta.url)), "../../../crdt/testdata/golden");

let clock = 1700000000; // change timestamps, seconds, one per change
const opts = (message) => ({ message, time: clock++ });
const init = (actor) => A.init({ actor });
const str = (s) => new A.ImmutableString(s);

// @automerge/automerge 3.5 stores an Int, Uint or Float64 wrapper that is
// inserted into a list (push, insertAt, a list literal) as a map
// {value: n}; assigning it to an existing index stores the typed number.
// pushTyped and insertTyped write typed numbers into lists that way.
function pushTyped(list, ...values) {
  for (const v of values) {
    list.push(null);
    list[list.length - 1] = v;
  }
}
function insertTyped(list, index, ...values) {
  values.forEach((v, i) => {
    A.insertAt(list, index + i, null);
    list[index + i] = v;
  });
}

// A small deterministic PRNG (mulberry32), so recipes that loop are fixed.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const recipes = {
  maps() {
    let d = A.change(init("aa01"), opts("maps"), (d) => {
      d.title = str("hello");
      d.config = { name: str("x"), enabled: true, nested: { deep: { deeper: str("yes") } } };
      d["$dollar"] = str("a key that starts with $");
      d["with space"] = null;
      d["é键😀"] = true;
      d[""] = str("empty key");
    });
    return A.change(d, opts("update"), (d) => {
      d.config.name = str("y");
      delete d.config.enabled;
      d.config.added = new A.Int(7);
    });
  },

  lists() {
    let d = A.change(init("aa01"), opts("lists"), (d) => {
      d.items = [];
      pushTyped(d.items, new A.Int(1), new A.Int(2), new A.Int(3));
      d.mixed = [str("a"), true, null, 2.5, [7, [str("deep")]]];
    });
    d = A.change(d, opts("edit"), (d) => {
      insertTyped(d.items, 0, new A.Int(0));
      insertTyped(d.items, 2, new A.Uint(15), new A.Float64(16));
      A.deleteAt(d.items, 4);
      d.items[1] = new A.Int(100);
      pushTyped(d.items, new A.Int(99));
    });
    return A.change(d, opts("empty list"), (d) => {
      d.empty = [];
    });
  },

  text_unicode() {
    let d = A.change(init("aa01"), opts("text"), (d) => {
      d.text = "héllo wörld";
      d.cjk = "漢字かなカナ한국어";
      d.empty = "";
    });
    // Splice positions are UTF-16 code units in JavaScript; the strings are
    // built so that no splice falls inside a surrogate pair.
    d = A.change(d, opts("emoji"), (d) => {
      A.splice(d, ["text"], 5, 0, " 😀👍🏼 👨‍👩‍👧");
      A.splice(d, ["cjk"], 2, 2, "字");
      A.splice(d, ["text"], 0, 0, "e\u0301");
    });
    return A.change(d, opts("delete"), (d) => {
      A.splice(d, ["text"], 2, 1, "");
      d.combining = "a\u0308o\u0308u\u0308 Å Å";
      d.rtl = "שלום مرحبا";
    });
  },

  counters_concurrent() {
    let base = A.change(init("aa01"), opts("counters"), (d) => {
      d.count = new A.Counter(0);
      d.list = [new A.Counter(10)];
      d.big = new A.Counter(1000000);
    });
    let b = A.clone(base, { actor: "bb02" });
    let c = A.clone(base, { actor: "cc03" });
    base = A.change(base, opts("a+"), (d) => { d.count.increment(5); d.list[0].increment(-3); });
    b = A.change(b, opts("b+"), (d) => { d.count.increment(2); d.big.increment(-1000001); });
    b = A.change(b, opts("b+"), (d) => { d.count.increment(2); });
    c = A.change(c, opts("c-"), (d) => { d.count.decrement(10); d.list[0].increment(7); });
    return A.merge(A.merge(base, b), c);
  },

  conflicts() {
    const base = A.change(init("aa01"), opts("base"), (d) => {
      d.list = [str("x")];
      d.text = "ab";
    });
    let a = A.change(base, opts("a"), (d) => {
      d.key = new A.Int(1);
      A.insertAt(d.list, 0, str("from a"));
      A.splice(d, ["text"], 1, 0, "A");
      d.list[1] = str("a set");
    });
    let b = A.change(A.clone(base, { actor: "bb02" }), opts("b"), (d) => {
      d.key = str("two");
      A.insertAt(d.list, 0, str("from b"));
      A.splice(d, ["text"], 1, 0, "B");
      d.list[1] = str("b set");
    });
    let c = A.change(A.clone(base, { actor: "cc03" }), opts("c"), (d) => {
      d.key = { nested: true };
      A.insertAt(d.list, 0, str("from c"));
      A.splice(d, ["text"], 1, 0, "C");
      delete d.list[1];
    });
    return A.merge(A.merge(a, b), c);
  },

  deletes() {
    let d = A.change(init("aa01"), opts("fill"), (d) => {
      for (let i = 0; i < 20; i++) d["k" + i] = new A.Int(i);
      d.list = Array.from({ length: 20 }, (_, i) => i);
      d.text = "the quick brown fox jumps over the lazy dog";
      d.obj = { inner: { x: str("gone soon") } };
    });
    d = A.change(d, opts("delete"), (d) => {
      for (let i = 0; i < 20; i += 2) delete d["k" + i];
      for (let i = 0; i < 10; i++) A.deleteAt(d.list, i);
      A.splice(d, ["text"], 4, 6, "");
      delete d.obj.inner;
    });
    return A.change(d, opts("reset"), (d) => {
      d.k0 = str("back");
      delete d.k1;
      d.obj.inner = str("replaced by a string");
      A.splice(d, ["text"], 0, d.text.length, "");
    });
  },

  nested() {
    let d = A.change(init("aa01"), opts("nested"), (d) => {
      d.a = [{ b: [{ c: { d: ["leaf", [str("deeper"), { e: new A.Counter(3) }]] } }] }];
      d.m = { l: [[[]]], t: "text in a map" };
    });
    return A.change(d, opts("edit nested"), (d) => {
      d.a[0].b[0].c.d[1][1].e.increment(4);
      A.splice(d, ["a", 0, "b", 0, "c", "d", 0], 4, 0, "!");
      d.m.l[0].push({ x: str("y") });
    });
  },

  rich_text() {
    // Marks and a block marker: what rich-text editors on
    // @automerge/automerge write. Text reads the block as U+FFFC.
    let d = A.change(init("aa01"), opts("rich text"), (d) => {
      d.text = "hello rich world";
    });
    d = A.change(d, opts("marks"), (d) => {
      A.mark(d, ["text"], { start: 0, end: 5, expand: "both" }, "bold", true);
      A.mark(d, ["text"], { start: 6, end: 10, expand: "none" }, "link", "https://example.com");
      A.splitBlock(d, ["text"], 11, { type: str("paragraph"), parents: [], attrs: {} });
    });
    return A.change(A.clone(d, { actor: "bb02" }), opts("unmark"), (d) => {
      A.unmark(d, ["text"], { start: 2, end: 4 }, "bold");
      A.splice(d, ["text"], 3, 0, "X");
    });
  },

  scalars() {
    const values = {
      null: null,
      true: true,
      false: false,
      int_zero: new A.Int(0),
      int_neg: new A.Int(-1),
      int_max_safe: new A.Int(Number.MAX_SAFE_INTEGER),
      int_min_safe: new A.Int(Number.MIN_SAFE_INTEGER),
      uint_zero: new A.Uint(0),
      uint_big: new A.Uint(Number.MAX_SAFE_INTEGER),
      float_zero: new A.Float64(0),
      float_half: 1.5,
      float_neg: -2.25,
      float_big: new A.Float64(1e300),
      float_tiny: 5e-324,
      float_whole: new A.Float64(3),
      str_empty: str(""),
      str_unicode: str("ünïcödé 😀 漢字"),
      str_escapes: str('quote " backslash \\ newline \n tab \t <>&'),
      bytes_empty: new Uint8Array([]),
      bytes: new Uint8Array([0, 1, 127, 128, 255]),
      time_epoch: new Date(0),
      time: new Date(1700000000123),
      time_before_epoch: new Date(-86400000),
      counter_zero: new A.Counter(0),
      counter_neg: new A.Counter(-5),
      counter_big: new A.Counter(2 ** 40),
    };
    return A.change(init("aa01"), opts("every scalar"), (d) => {
      for (const [k, v] of Object.entries(values)) d[k] = v;
      d.list = [];
      pushTyped(d.list, ...Object.values(values));
    });
  },

  large() {
    let d = A.change(init("aa01"), opts("large"), (d) => {
      d.text = "";
      d.list = [];
      d.map = {};
    });
    const r = rng(1);
    const words = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "ünï", "😀"];
    for (let round = 0; round < 40; round++) {
      d = A.change(d, opts("round " + round), (d) => {
        for (let i = 0; i < 50; i++) {
          const len = d.text.length;
          const pos = Math.floor(r() * (len + 1));
          // Never split a surrogate pair: move pos off a low surrogate.
          const code = pos < len ? d.text.charCodeAt(pos) : 0;
          const at = code >= 0xdc00 && code <= 0xdfff ? pos - 1 : pos;
          A.splice(d, ["text"], at, 0, words[Math.floor(r() * words.length)] + " ");
        }
        for (let i = 0; i < 40; i++) d.list.push(Math.floor(r() * 1e6));
        for (let i = 0; i < 10; i++) d.map["key" + Math.floor(r() * 1000)] = str("v" + round);
      });
    }
    return d;
  },

  multi_actor() {
    const actors = ["a1", "b2b2", "c3c3c3", "d4d4d4d4", "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"];
    const r = rng(7);
    let docs = [A.change(init(actors[0]), opts("start"), (d) => {
      d.log = [];
      d.text = "";
      d.scores = {};
    })];
    for (const actor of actors.slice(1)) docs.push(A.clone(docs[0], { actor }));
    for (let round = 0; round < 30; round++) {
      const i = Math.floor(r() * docs.length);
      docs[i] = A.change(docs[i], opts(`${actors[i]} round ${round}`), (d) => {
        d.log.push(str(`${actors[i]}:${round}`));
        A.splice(d, ["text"], Math.floor(r() * (d.text.length + 1)), 0, String.fromCharCode(97 + i));
        d.scores[actors[i]] = new A.Int(round);
        if (r() < 0.3 && d.log.length > 2) A.deleteAt(d.log, 0);
      });
      if (r() < 0.4) {
        const j = Math.floor(r() * docs.length);
        if (j !== i) docs[j] = A.merge(docs[j], docs[i]);
      }
    }
    return docs.reduce((acc, d) => A.merge(acc, d));
  },
};

// incremental: a save followed by incremental saves, concatenated.
function incremental() {
  let d = A.change(init("aa01"), opts("first"), (d) => { d.n = new A.Counter(0); d.t = "a"; });
  const chunks = [A.save(d)];
  for (let i = 0; i < 3; i++) {
    d = A.change(d, opts("inc " + i), (d) => {
      d.n.increment(1);
      A.splice(d, ["t"], d.t.length, 0, String(i));
      d["k" + i] = new A.Uint(i);
    });
    chunks.push(A.saveIncremental(d));
  }
  return { doc: d, automerge: Buffer.concat(chunks) };
}

// compressed_changes: one change big enough that its chunk is worth
// deflating, written as a compressed change chunk (type 2): the same
// header and checksum, the body deflated.
function compressedChanges() {
  const d = A.change(init("aa01"), opts("big change"), (d) => {
    d.text = "compress me ".repeat(500);
    d.list = Array.from({ length: 300 }, (_, i) => str("item " + (i % 7)));
  });
  const raw = A.getAllChanges(d).map((c) => compressChange(Buffer.from(c)));
  return { doc: d, changes: Buffer.concat(raw) };
}

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

function readUleb(buf, off) {
  let n = 0, shift = 0, b;
  do {
    b = buf[off++];
    n += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [n, off];
}

function compressChange(chunk) {
  if (chunk[8] !== 1) throw new Error("not an uncompressed change chunk");
  const [len, off] = readUleb(chunk, 9);
  const body = chunk.subarray(off, off + len);
  const deflated = deflateRawSync(body);
  return Buffer.concat([chunk.subarray(0, 8), Buffer.from([2]), uleb(deflated.length), deflated]);
}

function write(name, doc, automerge, changes) {
  const saved = automerge ?? Buffer.from(A.save(doc));
  const allChanges = changes ?? Buffer.concat(A.getAllChanges(doc).map((c) => Buffer.from(c)));
  // Both forms must load back in Automerge itself to the same document.
  const fromSave = A.load(saved);
  const fromChanges = A.loadIncremental(A.init(), allChanges);
  for (const [what, other] of [["save", fromSave], ["changes", fromChanges]]) {
    if (typedJSON(other) !== typedJSON(doc) || headsText(other) !== headsText(doc)) {
      throw new Error(`${name}: ${what} does not load back to the same document`);
    }
  }
  writeFileSync(join(outDir, name + ".automerge"), saved);
  writeFileSync(join(outDir, name + ".changes"), allChanges);
  writeFileSync(join(outDir, name + ".json"), typedJSON(doc) + "\n");
  writeFileSync(join(outDir, name + ".heads"), headsText(doc));
  console.log(`${name}: ${saved.length} bytes saved, ${allChanges.length} bytes of changes`);
}

mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) {
  if (/\.(automerge|changes|json|heads)$/.test(f)) rmSync(join(outDir, f));
}
for (const [name, recipe] of Object.entries(recipes)) write(name, recipe());
{
  const { doc, automerge } = incremental();
  write("incremental", doc, automerge);
}
{
  const { doc, changes } = compressedChanges();
  write("compressed_changes", doc, undefined, changes);
}
const amVersion = JSON.parse(readFileSync(new URL("../node_modules/@automerge/automerge/package.json", import.meta.url))).version;
writeFileSync(join(outDir, "VERSION"), `@automerge/automerge ${amVersion}\n`);
