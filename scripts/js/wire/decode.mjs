// Decodes every <name>.cbor in a directory with automerge-repo's own CBOR
// helper (what a stock 2.5.6 client runs on each WebSocket frame) and prints
// {name: decoded} as JSON (see cborjson.mjs). server/wire's tests run it on
// frames Go encoded, to show a real client reads them.
//
// Run from scripts/js:  node wire/decode.mjs DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cbor } from "@automerge/automerge-repo";
import { toJSONValue } from "./cborjson.mjs";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: node wire/decode.mjs DIR\n");
  process.exit(2);
}
const out = {};
for (const f of readdirSync(dir).sort()) {
  if (!f.endsWith(".cbor")) continue;
  out[f.slice(0, -5)] = toJSONValue(cbor.decode(readFileSync(join(dir, f))));
}
process.stdout.write(JSON.stringify(out) + "\n");
