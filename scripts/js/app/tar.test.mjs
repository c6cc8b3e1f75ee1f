// The export archive is a real ustar file: GNU tar lists and extracts it
// byte for byte, long paths included.
import { test } from "node:test"
import assert from "node:assert/strict"
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { tar } from "../../../web/static/tar.js"

test("tar writes an archive GNU tar extracts exactly", () => {
  const long = `ws/${"deep/".repeat(25)}note-with-a-rather-long-file-name.md`
  const files = [
    { path: "ws/notes/a.md", content: "---\ntitle: A\n---\nbody\n" },
    { path: "ws/notes/empty.md", content: "" },
    { path: "ws/notes/unicode-é.md", content: "café 😀 ".repeat(300) },
    { path: long, content: "x" },
  ]
  const dir = mkdtempSync(join(tmpdir(), "cp-tar-"))
  try {
    writeFileSync(join(dir, "out.tar"), tar(files, 1700000000))
    const listed = execFileSync("tar", ["-tf", join(dir, "out.tar")], { encoding: "utf8" }).trim().split("\n")
    assert.deepEqual(listed, files.map(f => f.path))
    execFileSync("tar", ["-xf", join(dir, "out.tar"), "-C", dir])
    for (const f of files) assert.equal(readFileSync(join(dir, f.path), "utf8"), f.content, f.path)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test("tar refuses a path it cannot represent", () => {
  assert.throws(() => tar([{ path: "x".repeat(300), content: "" }]), /too long/)
})
