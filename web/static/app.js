// app.js starts the field app: service worker, core, routing, sync status.
// Routes live in the URL fragment: #/ (notes), #/note/ID, #/note/ID/history,
// #/note/ID/at/HASH, #/settings; #join=TOKEN joins a workspace.

import { loadCore } from "./core.js"
import { h, replace, banner, toast } from "./dom.js"
import { explain } from "./errors.js"
import { joinView, profileView } from "./views/join.js"
import { listView, openKindPicker } from "./views/list.js"
import { noteView } from "./views/note.js"
import { historyView } from "./views/history.js"
import { settingsView } from "./views/settings.js"

const main = document.getElementById("main")
const app = { core: null, session: null, cleanup: null, route }
globalThis.commonplaceApp = app // for tests and benchmarks: timing marks live here
app.marks = { start: performance.now() }

registerWorker()
boot().catch(err => fatal(err))

async function boot() {
  let core
  try {
    core = await loadCore()
  } catch (err) {
    fatal(err)
    return
  }
  app.core = core
  app.marks.core = performance.now()
  core.onError?.(err => {
    const e = typeof err === "string" ? { message: err } : err
    if (e?.code === "quota") banner("quota", explain(e))
    else if (e?.code === "revoked" || e?.code === "wrong-version") banner("sync", explain(e))
    else toast(explain(e))
  })
  core.onStatus?.(showStatus)
  showStatus(await core.status().catch(() => ({ state: "offline", unconfirmed: 0 })))
  addEventListener("hashchange", route)
  addEventListener("keydown", shortcuts)
  document.getElementById("new-note").addEventListener("click", () => openKindPicker(app))
  await route()
  app.marks.interactive = performance.now()
  document.documentElement.dataset.ready = "true"
}

async function route() {
  app.cleanup?.()
  app.cleanup = null
  const hash = location.hash
  const join = inviteToken(hash)
  try {
    if (join) {
      await joinView(app, main, location.href)
      return
    }
    app.session = await app.core.session()
    const joined = app.session.joined
    document.getElementById("new-note").hidden = !joined || !app.session.profile
    document.getElementById("settings-link").hidden = !joined
    document.getElementById("workspace").textContent = joined ? app.session.workspace : ""
    if (!joined) return await joinView(app, main, null)
    if (!app.session.profile) return await profileView(app, main)
    let m
    if ((m = /^#\/note\/([^/]+)\/history$/.exec(hash))) return await historyView(app, main, decodeURIComponent(m[1]), null)
    if ((m = /^#\/note\/([^/]+)\/at\/([^/]+)$/.exec(hash)))
      return await historyView(app, main, decodeURIComponent(m[1]), decodeURIComponent(m[2]))
    if ((m = /^#\/note\/([^/]+)$/.exec(hash))) return await noteView(app, main, decodeURIComponent(m[1]))
    if (hash === "#/settings") return await settingsView(app, main)
    return await listView(app, main)
  } catch (err) {
    replace(main, h("div.panel.narrow", {}, h("h1", {}, "Cannot show this page"), h("p.error", {}, explain(err)), h("a.button", { href: "#/" }, "Back to notes")))
  }
}

function inviteToken(hash) {
  const m = /[#&?]join=([^&]+)/.exec(hash) || /[?&]join=([^&]+)/.exec(location.search)
  return m ? decodeURIComponent(m[1]) : null
}

const STATE_TEXT = {
  offline: "Offline",
  connecting: "Connecting…",
  syncing: "Syncing…",
  "up-to-date": "Up to date",
}

// Errors the person must act on; anything else (a relay that cannot be
// reached) is what "Offline" and "Connecting…" already say.
const SERIOUS = new Set(["revoked", "wrong-version", "quota", "invalid-invite"])
let lastStatus = null

function showStatus(st) {
  lastStatus = st
  const el = document.getElementById("sync")
  const n = st?.unconfirmed ?? 0
  // The browser knows first when the device has no network at all.
  const state = navigator.onLine === false ? "offline" : (st?.state ?? "offline")
  const serious = st?.error && SERIOUS.has(st.error)
  let text = STATE_TEXT[state] ?? state
  if (n > 0) text += ` · ${n} unsent change${n === 1 ? "" : "s"}`
  el.dataset.state = state
  el.dataset.unconfirmed = String(n)
  el.dataset.problem = serious ? st.error : ""
  el.title = st?.error ? `${text} (last problem: ${st.error})` : text
  replace(el, h("span.dot", { "aria-hidden": "true" }), h("span.label", {}, serious ? `${text} · not syncing` : text))
  banner("sync", serious ? explain({ code: st.error }) : null)
  app.onStatusChange?.(st)
}
addEventListener("online", () => lastStatus && showStatus(lastStatus))
addEventListener("offline", () => lastStatus && showStatus(lastStatus))

function shortcuts(e) {
  const t = e.target
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t?.isContentEditable
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return
  if (e.key === "n" && app.session?.profile) {
    e.preventDefault()
    openKindPicker(app)
  } else if (e.key === "/" && !location.hash.startsWith("#/note")) {
    const q = document.getElementById("q")
    if (q) {
      e.preventDefault()
      q.focus()
    }
  }
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return
  const hadController = !!navigator.serviceWorker.controller
  navigator.serviceWorker.register("/sw.js").catch(err => console.warn("service worker:", err))
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!hadController) return
    banner("update", "A new version of Commonplace is ready.", h("button", { type: "button", onclick: () => location.reload() }, "Reload"))
  })
}

function fatal(err) {
  replace(
    main,
    h("div.panel.narrow", {}, h("h1", {}, "Commonplace could not start"), h("p.error", {}, explain(err)), h("button.primary", { type: "button", onclick: () => location.reload() }, "Try again")),
  )
}
