// Small DOM helpers: build elements, banners and toasts. No framework.

// h builds an element: h("a.card", {href}, child, "text", [more]).
// Attributes starting with "on" become listeners; false/null skip.
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".")
  const el = document.createElement(tag || "div")
  if (classes.length) el.className = classes.join(" ")
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v == null) continue
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v)
    else if (k === "dataset") Object.assign(el.dataset, v)
    else if (k in el && typeof v !== "string") el[k] = v
    else el.setAttribute(k, v === true ? "" : v)
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue
    el.append(c instanceof Node ? c : String(c))
  }
}

export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

// banner shows a persistent message (keyed, so one per cause) until cleared.
export function banner(key, message, action) {
  const box = document.getElementById("banners")
  let el = box.querySelector(`[data-key="${key}"]`)
  if (!message) {
    el?.remove()
    return
  }
  if (!el) {
    el = h("div.banner", { dataset: { key } })
    box.append(el)
  }
  replace(el, h("p", {}, message), action ?? null)
}

export function toast(message, ms = 4000) {
  const el = h("div.toast", { role: "status" }, message)
  document.getElementById("toasts").append(el)
  setTimeout(() => el.remove(), ms)
}

// One formatter for the whole app: building one per call (toLocaleString)
// costs more than the rest of a keystroke's work.
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" })

export function fmtTime(t) {
  if (!t) return ""
  const d = new Date(typeof t === "number" && t < 1e12 ? t * 1000 : t)
  if (Number.isNaN(d.getTime())) return ""
  return timeFormat.format(d)
}

export const KINDS = [
  ["interview", "Interview"],
  ["story", "Story"],
  ["boundary-object", "Boundary object"],
  ["reflection", "Reflection"],
  ["session", "Session notes"],
  ["pattern", "Pattern"],
]
export const kindLabel = k => KINDS.find(([v]) => v === k)?.[1] ?? k

export const ROLES = [
  ["practitioner", "Practitioner (e.g. council manager)"],
  ["consultant", "Consultant"],
  ["academic", "Academic / researcher"],
  ["other", "Other"],
]

// download saves bytes or text as a file.
export function download(name, data, type = "text/markdown;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([data], { type }))
  const a = h("a", { href: url, download: name })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}
