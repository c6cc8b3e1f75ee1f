// tar writes a POSIX ustar archive in memory: the whole-workspace export
// as one download, readable by any tar (no zip library needed).

const enc = new TextEncoder()

export function tar(files, mtime = Math.floor(Date.now() / 1000)) {
  const parts = []
  for (const { path, content } of files) {
    const data = typeof content === "string" ? enc.encode(content) : content
    parts.push(header(path, data.length, mtime), data, new Uint8Array((512 - (data.length % 512)) % 512))
  }
  parts.push(new Uint8Array(1024))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

function header(path, size, mtime) {
  const b = new Uint8Array(512)
  let [prefix, name] = splitPath(path)
  put(b, 0, 100, name)
  put(b, 100, 8, "0000644\0")
  put(b, 108, 8, "0000000\0")
  put(b, 116, 8, "0000000\0")
  put(b, 124, 12, size.toString(8).padStart(11, "0") + "\0")
  put(b, 136, 12, mtime.toString(8).padStart(11, "0") + "\0")
  put(b, 148, 8, "        ")
  b[156] = 0x30 // regular file
  put(b, 257, 6, "ustar\0")
  put(b, 263, 2, "00")
  put(b, 345, 155, prefix)
  const sum = b.reduce((s, x) => s + x, 0)
  put(b, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ")
  return b
}

// splitPath fits a path into ustar's 155-byte prefix and 100-byte name.
function splitPath(path) {
  const p = enc.encode(path)
  if (p.length <= 100) return ["", path]
  const cut = path.lastIndexOf("/", 155)
  if (cut > 0 && enc.encode(path.slice(cut + 1)).length <= 100) return [path.slice(0, cut), path.slice(cut + 1)]
  throw new Error(`path too long for the export archive: ${path}`)
}

function put(b, off, len, s) {
  const x = enc.encode(s)
  b.set(x.subarray(0, len), off)
}
