// Turns a value decoded by cbor-x into plain JSON the Go tests can compare:
// byte strings become {"$bytes": "<hex>"} and undefined becomes
// {"$undefined": true}, so neither is lost by JSON.stringify.
export function toJSONValue(v) {
  if (v === undefined) return { $undefined: true };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("hex") };
  if (Array.isArray(v)) return v.map(toJSONValue);
  if (v !== null && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = toJSONValue(v[k]);
    return out;
  }
  return v;
}
