// The notes list: filters by kind, tag and person, offline full-text
// search, and the kind picker that creates a note in two taps.

import { h, replace, KINDS, kindLabel, fmtTime } from "../dom.js"
import { explain } from "../errors.js"

const REFRESH_MS = 3000

export async function listView(app, main) {
  const saved = JSON.parse(sessionStorage.getItem("filters") || "{}")
  const q = h("input", { id: "q", type: "search", placeholder: "Search notes (works offline)", value: saved.query ?? "", "aria-label": "Search notes" })
  const kind = h("select", { id: "f-kind" }, h("option", { value: "" }, "All kinds"), KINDS.map(([v, l]) => h("option", { value: v }, l)))
  const tag = h("select", { id: "f-tag" }, h("option", { value: "" }, "All tags"))
  const person = h("select", { id: "f-person" }, h("option", { value: "" }, "Everyone"))
  kind.value = saved.kind ?? ""
  const list = h("ul.notes", { id: "notes", "aria-live": "polite" })
  const count = h("p.meta", { id: "count" })
  replace(
    main,
    h("h1", {}, "Notes"),
    h(
      "div.filters",
      {},
      h("div.search", {}, h("label", { for: "q" }, "Search"), q),
      h("div", {}, h("label", { for: "f-kind" }, "Kind"), kind),
      h("div", {}, h("label", { for: "f-tag" }, "Tag"), tag),
      h("div", {}, h("label", { for: "f-person" }, "Person"), person),
    ),
    count,
    list,
  )

  let seq = 0
  let last = ""
  async function refresh() {
    const filter = { query: q.value.trim() || undefined, kind: kind.value || undefined, tag: tag.value || undefined, person: person.value || undefined }
    sessionStorage.setItem("filters", JSON.stringify({ query: filter.query, kind: filter.kind }))
    const mine = ++seq
    let notes, all, members
    try {
      ;[notes, all, members] = await Promise.all([app.core.listNotes(filter), app.core.listNotes({}), app.core.members().catch(() => [])])
    } catch (err) {
      if (mine === seq) replace(list, h("li.empty.error", {}, explain(err)))
      return
    }
    if (mine !== seq) return
    fillOptions(tag, "All tags", [...new Set(all.flatMap(n => n.tags ?? []))].sort(), saved.tag)
    const people = new Set([...members.map(m => m.name), ...all.flatMap(n => n.participants ?? [])].filter(Boolean))
    fillOptions(person, "Everyone", [...people].sort(), saved.person)
    const key = JSON.stringify(notes)
    if (key === last) return
    last = key
    count.textContent = `${notes.length} note${notes.length === 1 ? "" : "s"}${filter.query || filter.kind || filter.tag || filter.person ? " match" : ""}`
    if (!notes.length) {
      replace(list, h("li.empty", {}, all.length ? "No notes match these filters." : "No notes yet. Tap “+ New note” (or press N) to write the first one."))
      return
    }
    replace(list, notes.map(n => h("li", {}, card(n, members))))
  }
  const nameOf = (members, actor) => members.find(m => m.actors?.includes(actor))?.name
  function card(n, members) {
    const by = n.changed?.by ?? nameOf(members, n.changed?.actor) ?? ""
    return h(
      "a.note-card",
      { href: `#/note/${encodeURIComponent(n.id)}`, dataset: { id: n.id } },
      h("div.row", {}, h("span.badge", {}, kindLabel(n.kind)), n.private ? h("span.badge.private", {}, "Private") : null),
      h("h3", {}, n.title || "Untitled"),
      h("div.meta", {}, [by && `${by} · `, fmtTime(n.changed?.at)]),
      n.tags?.length ? h("div.meta", {}, n.tags.map(t => `#${t}`).join(" ")) : null,
    )
  }
  for (const el of [kind, tag, person]) el.addEventListener("change", () => ((saved[el.id.slice(2)] = el.value), refresh()))
  let t = 0
  q.addEventListener("input", () => {
    clearTimeout(t)
    t = setTimeout(refresh, 120)
  })
  const timer = setInterval(refresh, REFRESH_MS)
  app.onStatusChange = () => refresh()
  app.cleanup = () => {
    clearInterval(timer)
    app.onStatusChange = null
  }
  await refresh()
}

function fillOptions(select, allLabel, values, keep) {
  const cur = select.value || keep || ""
  const want = ["", ...values]
  const have = [...select.options].map(o => o.value)
  if (want.join("\0") !== have.join("\0")) {
    replace(select, h("option", { value: "" }, allLabel), values.map(v => h("option", { value: v }, v)))
  }
  select.value = values.includes(cur) ? cur : ""
}

// openKindPicker asks for a kind (tap, or keys 1–6) and opens the new note.
export function openKindPicker(app) {
  document.getElementById("kind-picker")?.remove()
  const priv = h("input", { type: "checkbox", id: "new-private" })
  const msg = h("p.error", { role: "alert" })
  const dlg = h(
    "dialog",
    { id: "kind-picker", "aria-labelledby": "kp-title" },
    h("h2", { id: "kp-title" }, "New note"),
    h("p.hint", {}, "Pick a kind (or press 1–6)."),
    h(
      "div.kinds",
      {},
      KINDS.map(([v, l], i) => h("button", { type: "button", dataset: { kind: v }, onclick: () => create(v) }, l, h("kbd", {}, String(i + 1)))),
    ),
    h("label.row.check", {}, priv, "Private (only on my devices, share later)"),
    msg,
    h("p.row", {}, h("button", { type: "button", onclick: () => dlg.close() }, "Cancel")),
  )
  dlg.addEventListener("keydown", e => {
    const i = Number(e.key) - 1
    if (i >= 0 && i < KINDS.length) {
      e.preventDefault()
      create(KINDS[i][0])
    }
  })
  dlg.addEventListener("close", () => dlg.remove())
  document.body.append(dlg)
  dlg.showModal()
  dlg.querySelector(".kinds button").focus()

  async function create(kind) {
    try {
      const id = await app.core.createNote({ kind, private: priv.checked })
      dlg.close()
      location.hash = `#/note/${encodeURIComponent(id)}`
      sessionStorage.setItem("focus-title", id)
    } catch (err) {
      msg.textContent = explain(err)
    }
  }
}
