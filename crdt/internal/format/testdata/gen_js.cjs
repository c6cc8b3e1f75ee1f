// Writes golden files from @automerge/automerge (the npm package in
// scripts/js): a document with marks, counters and text, its changes, and
// an unsaved-then-saved incremental stream. Run from the repository root:
//   node crdt/internal/format/testdata/gen_js.cjs
const path = require("path");
const fs = require("fs");
const { createRequire } = require("module");
const req = createRequire(path.resolve("scripts/js/package.json"));
const A = req("@automerge/automerge");

const out = path.resolve("crdt/internal/format/testdata");
let doc = A.from({ title: "notes", tags: ["a", "b"], n: new A.Counter(1) }, { actor: "0123456789abcdef0123456789abcdef" });
doc = A.change(doc, { message: "text", time: 1700000000 }, (d) => {
  d.text = "hello marked world";
});
doc = A.change(doc, { time: 1700000001 }, (d) => {
  A.mark(d, ["text"], { start: 6, end: 12, expand: "both" }, "bold", true);
  A.mark(d, ["text"], { start: 0, end: 5, expand: "none" }, "link", "https://example.com");
  d.n.increment(4);
  d.tags.splice(0, 1);
});
let other = A.clone(doc, { actor: "fedcba9876543210fedcba9876543210" });
other = A.change(other, { time: 1700000002 }, (d) => {
  A.unmark(d, ["text"], { start: 7, end: 9, expand: "after" }, "bold");
  A.splice(d, ["text"], 0, 0, "oh ");
  d.title = "merged";
});
doc = A.change(doc, { time: 1700000003 }, (d) => {
  d.tags.push("c");
  delete d.n;
});
doc = A.merge(doc, other);
fs.writeFileSync(path.join(out, "js_doc_marks.bin"), A.save(doc));
const changes = A.getAllChanges(doc);
fs.writeFileSync(path.join(out, "js_changes_marks.bin"), Buffer.concat(changes.map((c) => Buffer.from(c))));
fs.writeFileSync(path.join(out, "js_heads.txt"), A.getHeads(doc).join("\n") + "\n");
