// node --test: @automerge/automerge reads what crdt writes (verify.mjs), and
// generate.mjs rewrites the committed golden files byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportFromGo, verifyDir } from "./verify.mjs";

const here = dirname(fileURLToPath(import.meta.url));

test("@automerge/automerge loads crdt's saves and changes", () => {
  const dir = exportFromGo();
  try {
    const { checked, failures } = verifyDir(dir);
    assert.deepEqual(failures, []);
    assert.ok(checked > 0, "crdt exported no documents");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("generate.mjs reproduces crdt/testdata/golden", () => {
  const dir = mkdtempSync(join(tmpdir(), "golden-regen-"));
  try {
    execFileSync(process.execPath, [join(here, "generate.mjs")], { env: { ...process.env, GOLDEN_OUT: dir }, stdio: "ignore" });
    const committed = join(here, "../../../crdt/testdata/golden");
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, readdirSync(committed).sort());
    for (const f of files) {
      assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(committed, f))), `${f} differs from a fresh run of generate.mjs`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
