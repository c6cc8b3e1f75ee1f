// The splice the editor sends for an edit: property checks of diff over
// random edits, surrogate pairs included (runs in Node; the module is the
// one the app loads).
import { test } from "node:test"
import assert from "node:assert/strict"
import { diff, applySplice, textPatches } from "../../../web/static/textsync.js"

// A small deterministic generator, so a failure replays.
function rng(seed) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}
const ALPHABET = ["a", "b", " ", "\n", "é", "😀", "𝄞", "ab"]

function randomText(r, n) {
  let t = ""
  for (let i = 0; i < n; i++) t += ALPHABET[Math.floor(r() * ALPHABET.length)]
  return t
}
// randomEdit replaces a random range, on code point boundaries, as a person would.
function randomEdit(r, t) {
  const cps = [...t]
  const i = Math.floor(r() * (cps.length + 1))
  const d = Math.floor(r() * Math.min(4, cps.length - i + 1))
  return [...cps.slice(0, i), randomText(r, Math.floor(r() * 4)), ...cps.slice(i + d)].join("")
}
const isLone = s => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)

test("diff gives the splice that turns one text into the other, never splitting a surrogate pair", () => {
  const r = rng(7)
  for (let round = 0; round < 3000; round++) {
    const a = randomText(r, Math.floor(r() * 20))
    const b = randomEdit(r, a)
    const d = diff(a, b)
    if (a === b) {
      assert.equal(d, null)
      continue
    }
    assert.equal(applySplice(a, d), b, JSON.stringify({ a, b, d }))
    assert.ok(!isLone(d.insert), `insert splits a pair: ${JSON.stringify({ a, b, d })}`)
    assert.ok(!isLone(a.slice(d.index, d.index + d.delete)), `delete splits a pair: ${JSON.stringify({ a, b, d })}`)
  }
})

test("diff is minimal for typing and deleting at one place", () => {
  for (const [a, b, want] of [
    ["hello", "hello!", { index: 5, delete: 0, insert: "!" }],
    ["hello", "hllo", { index: 1, delete: 1, insert: "" }],
    ["aaa", "aaaa", { index: 3, delete: 0, insert: "a" }],
    ["x😀y", "x😁y", { index: 1, delete: 2, insert: "😁" }],
    ["", "new", { index: 0, delete: 0, insert: "new" }],
  ]) {
    assert.deepEqual(diff(a, b), want, `${a} → ${b}`)
  }
})

test("textPatches picks one field's splices and deletions", () => {
  const patches = [
    { path: ["body"], action: "splice", index: 2, insert: "hi" },
    { path: ["title"], action: "splice", index: 0, insert: "T" },
    { path: ["body"], action: "del", index: 0, length: 1 },
    { path: ["tags", 0], action: "put", value: "x" },
  ]
  assert.deepEqual(textPatches(patches, "body"), [
    { index: 2, delete: 0, insert: "hi" },
    { index: 0, delete: 1, insert: "" },
  ])
  assert.deepEqual(textPatches(undefined, "body"), [])
})
