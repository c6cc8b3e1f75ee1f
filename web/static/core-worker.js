// core-worker.js runs the Go/wasm core off the main thread, so the core's
// work on a change never delays a keystroke on screen. core.js talks to it
// with messages: {call}, {subscribe}, {unsubscribe} in; {ready}, {result},
// {event} out. IndexedDB, fetch and WebSocket are all available here.
/* global Go */
importScripts("/wasm_exec.js")

let core = null
const subs = new Map()
const post = m => self.postMessage(m)
const plainError = e => ({ message: e?.message ?? String(e), code: e?.code ?? "internal" })

self.commonplaceReady = err => {
  if (err) return post({ type: "ready", error: String(err) })
  core = self.commonplace
  post({ type: "ready" })
}

async function start() {
  const go = new Go()
  let inst
  try {
    inst = await WebAssembly.instantiateStreaming(fetch("/app.wasm"), go.importObject)
  } catch {
    const resp = await fetch("/app.wasm")
    if (!resp.ok) throw new Error(`could not load the app core (/app.wasm: HTTP ${resp.status})`)
    inst = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject)
  }
  await go.run(inst.instance)
  post({ type: "exit" })
}
start().catch(e => post({ type: "ready", error: e?.message ?? String(e) }))

self.onmessage = async ({ data: m }) => {
  switch (m.type) {
    case "call":
      try {
        post({ type: "result", id: m.id, value: await core[m.method](...m.args) })
      } catch (e) {
        post({ type: "result", id: m.id, error: plainError(e) })
      }
      break
    case "subscribe": {
      const deliver = v => post(v instanceof Error ? { type: "event", sub: m.sub, error: plainError(v) } : { type: "event", sub: m.sub, value: v })
      subs.set(m.sub, core[m.method](...m.args, deliver))
      break
    }
    case "unsubscribe":
      subs.get(m.sub)?.()
      subs.delete(m.sub)
      break
  }
}
