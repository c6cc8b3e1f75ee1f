// core.js loads the Go/wasm core and resolves with globalThis.commonplace.
//
// By default the core runs in a dedicated worker (core-worker.js) and
// globalThis.commonplace is a proxy with the same methods: a change costs
// the core tens of milliseconds on a long note, which must not land
// between a keystroke and its frame. `?core=main` in the page URL, or a
// browser without workers, runs it on the page itself.
//
// Handshake (see docs/APP-API.md): before running the wasm this module
// defines globalThis.commonplaceReady(err?). The core installs
// globalThis.commonplace and then calls commonplaceReady() (or passes an
// error message if it cannot start). If the core exits first, loading fails.

const READY_TIMEOUT_MS = 20000

let loading = null

export function loadCore({ wasmURL = "/app.wasm", execURL = "/wasm_exec.js", worker = defaultWorker() } = {}) {
  loading ??= (worker ? startWorker() : start(wasmURL, execURL)).catch(err => {
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

function defaultWorker() {
  return typeof Worker === "function" && new URLSearchParams(location.search).get("core") !== "main"
}

// The API's methods and its subscriptions (with the callback's position).
const METHODS = ["join", "session", "setProfile", "status", "members", "listNotes", "createNote", "getNote", "editText",
  "setField", "resolveConflict", "history", "noteAt", "shareNote", "exportMarkdown", "personalLink"]
const EVENTS = { onStatus: 0, onError: 0, onNoteChange: 1 }

function startWorker() {
  const w = new Worker("/core-worker.js")
  const calls = new Map()
  const subs = new Map()
  let next = 0
  const fail = e => Object.assign(new Error(e.message), { code: e.code })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(coreError("the app core did not start in time")), READY_TIMEOUT_MS)
    w.onerror = e => reject(coreError(`the app core failed: ${e.message}`))
    w.onmessage = ({ data: m }) => {
      switch (m.type) {
        case "ready":
          clearTimeout(timer)
          if (m.error) return reject(coreError(m.error))
          resolve((globalThis.commonplace = proxy()))
          break
        case "result": {
          const c = calls.get(m.id)
          calls.delete(m.id)
          if (m.error) c?.reject(fail(m.error))
          else c?.resolve(m.value)
          break
        }
        case "event":
          subs.get(m.sub)?.(m.error ? fail(m.error) : m.value)
          break
        case "exit":
          for (const c of calls.values()) c.reject(coreError("the app core stopped"))
          calls.clear()
          break
      }
    }
  })

  function proxy() {
    const api = {}
    for (const name of METHODS) {
      api[name] = (...args) =>
        new Promise((resolve, reject) => {
          const id = ++next
          calls.set(id, { resolve, reject })
          w.postMessage({ type: "call", id, method: name, args })
        })
    }
    for (const [name, at] of Object.entries(EVENTS)) {
      api[name] = (...args) => {
        const cb = args[at]
        const sub = ++next
        subs.set(sub, cb)
        w.postMessage({ type: "subscribe", sub, method: name, args: args.slice(0, at) })
        return () => {
          subs.delete(sub)
          w.postMessage({ type: "unsubscribe", sub })
        }
      }
    }
    return api
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
