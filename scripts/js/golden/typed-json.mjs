// Typed JSON of an Automerge document, byte-for-byte the encoding Go's
// crdt/internal/difftest Node.JSON writes (see docs/crdt-testing.md):
// maps as objects with keys sorted by their UTF-8 bytes ("$"-prefixed keys
// get one more "$"), lists as arrays, null/bool/str plain, and every other
// type as a one-key object: {"$int":"-5"}, {"$uint":"5"}, {"$counter":"3"},
// {"$timestamp":"<ms>"}, {"$float64":1.5}, {"$bytes":"<base64>"},
// {"$text":"..."}.
import * as A from "@automerge/automerge";

const utf8Compare = (a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

function floatJSON(f) {
  if (Number.isNaN(f)) return '"NaN"';
  if (f === Infinity) return '"+Inf"';
  if (f === -Infinity) return '"-Inf"';
  return JSON.stringify(f);
}

function valueJSON(backend, full) {
  const [type, value] = full;
  switch (type) {
    case "null": return "null";
    case "boolean": return value ? "true" : "false";
    case "str": return JSON.stringify(value);
    case "int": return `{"$int":${JSON.stringify(BigInt(value).toString())}}`;
    case "uint": return `{"$uint":${JSON.stringify(BigInt(value).toString())}}`;
    case "counter": return `{"$counter":${JSON.stringify(BigInt(value).toString())}}`;
    case "timestamp": return `{"$timestamp":${JSON.stringify(String(value.getTime()))}}`;
    case "f64": return `{"$float64":${floatJSON(value)}}`;
    case "bytes": return `{"$bytes":${JSON.stringify(Buffer.from(value).toString("base64"))}}`;
    case "text": return `{"$text":${JSON.stringify(backend.text(value))}}`;
    case "map": return objectJSON(backend, value);
    case "list": {
      const n = backend.length(value);
      const items = [];
      for (let i = 0; i < n; i++) items.push(valueJSON(backend, backend.getWithType(value, i)));
      return `[${items.join(",")}]`;
    }
    default: throw new Error(`typed JSON: unsupported value type ${type}`);
  }
}

function objectJSON(backend, obj) {
  const keys = backend.keys(obj).slice().sort(utf8Compare);
  const parts = keys.map((k) => {
    const name = k.startsWith("$") ? "$" + k : k;
    return `${JSON.stringify(name)}:${valueJSON(backend, backend.getWithType(obj, k))}`;
  });
  return `{${parts.join(",")}}`;
}

// typedJSON returns the typed JSON text of a whole document.
export function typedJSON(doc) {
  return objectJSON(A.getBackend(doc), "_root");
}

// headsText is the heads as sorted lowercase hex, one per line.
export function headsText(doc) {
  return A.getHeads(doc).slice().sort().map((h) => h + "\n").join("");
}
