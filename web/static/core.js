// core.js loads the Go/wasm core and resolves with globalThis.commonplace.
//
// Handshake (see docs/APP-API.md): before running the wasm this module
// defines globalThis.commonplaceReady(err?). The core installs
// globalThis.commonplace and then calls commonplaceReady() (or passes an
// error message if it cannot start). If the core exits first, loading fails.

const READY_TIMEOUT_MS = 20000

let loading = null

export function loadCore({ wasmURL = "/app.wasm", execURL = "/wasm_exec.js" } = {}) {
  loading ??= start(wasmURL, execURL).catch(err => {
    loading = null
    throw err
  })
  return loading
}

async function start(wasmURL, execURL) {
  if (globalThis.commonplace) return globalThis.commonplace
  if (!globalThis.Go) await loadScript(execURL)
  const go = new globalThis.Go()
  let ready, failed
  const done = new Promise((res, rej) => {
    ready = res
    failed = rej
  })
  globalThis.commonplaceReady = err => (err ? failed(coreError(String(err))) : ready(globalThis.commonplace))
  const resp = await fetch(wasmURL)
  if (!resp.ok) throw coreError(`could not load the app core (${wasmURL}: HTTP ${resp.status})`)
  let inst
  try {
    inst = await WebAssembly.instantiateStreaming(resp, go.importObject)
  } catch {
    // Some servers or caches lose the wasm media type: compile from bytes.
    const again = await fetch(wasmURL)
    inst = await WebAssembly.instantiate(await again.arrayBuffer(), go.importObject)
  }
  const exited = go.run(inst.instance).then(() => {
    throw coreError("the app core stopped")
  })
  let timer
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(coreError("the app core did not start in time")), READY_TIMEOUT_MS)
  })
  try {
    const core = await Promise.race([done, exited, timeout])
    if (!core) throw coreError("the app core started without an API")
    return core
  } finally {
    clearTimeout(timer)
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script")
    s.src = src
    s.onload = resolve
    s.onerror = () => reject(coreError(`could not load ${src}`))
    document.head.append(s)
  })
}

function coreError(message) {
  const e = new Error(message)
  e.code = "internal"
  return e
}
