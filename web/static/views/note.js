// One note: title and body that partners can edit at the same time, its
// tags, participants, place, session details, links and backlinks, and any
// conflicting edits to resolve.

import { h, replace, kindLabel, fmtTime, download, toast, banner } from "../dom.js"
import { explain } from "../errors.js"
import { bindText, textPatches } from "../textsync.js"

export async function noteView(app, main, id) {
  const core = app.core
  let note = await core.getNote(id)
  const [members, allNotes] = await Promise.all([core.members().catch(() => []), core.listNotes({}).catch(() => [])])

  const saveState = h("p.save-state", { id: "save-state", role: "status", "aria-live": "polite", dataset: { state: "saved" } }, "Saved on this device")
  const states = {}
  const setState = field => (state, err) => {
    states[field] = { state, err }
    const all = Object.values(states)
    const bad = all.find(s => s.state === "error")
    saveState.dataset.state = bad ? "error" : all.some(s => s.state === "saving") ? "saving" : "saved"
    const why = bad?.err?.code === "quota" ? "this device's storage is full or failing; the text stays on screen and is retried." : explain(bad?.err)
    saveState.textContent = bad ? `Not saved — ${why}` : saveState.dataset.state === "saving" ? "Saving…" : "Saved on this device"
    // Storage trouble concerns every note: say it where it stays visible.
    if (bad?.err?.code === "quota") banner("quota", explain(bad.err))
    else if (!bad) banner("quota", null)
  }

  const title = h("input.title-input", { id: "title", "aria-label": "Title", placeholder: "Title", autocomplete: "off" })
  const body = h("textarea.body-input", { id: "body", "aria-label": "Note text", placeholder: "Write here. Partners' edits appear as they sync." })
  const bind = field => {
    const el = field === "title" ? title : body
    return bindText(el, {
      value: note[field] ?? "",
      send: (i, d, s) => core.editText(id, field, i, d, s),
      fetchValue: async () => (await core.getNote(id))[field] ?? "",
      onState: setState(field),
    })
  }
  const texts = { title: bind("title"), body: bind("body") }

  const head = h("div.row")
  const conflicts = h("div", { id: "conflicts" })
  const side = h("aside", { id: "side", "aria-label": "Details" })
  replace(main, head, conflicts, h("div.editor", {}, h("section", {}, title, saveState, body), side))

  function renderHead() {
    replace(
      head,
      h("a.button", { href: "#/" }, "← Notes"),
      h("span.badge", {}, kindLabel(note.kind)),
      note.private ? h("span.badge.private", { id: "private-badge" }, "Private") : null,
      h("span.grow"),
      note.private && !note.sharedAs ? h("button", { type: "button", id: "share", onclick: share }, "Share into workspace") : null,
      note.sharedAs ? h("a.button", { href: `#/note/${encodeURIComponent(note.sharedAs)}`, id: "shared-copy" }, "Shared: open the workspace copy") : null,
      h("a.button", { href: `#/note/${encodeURIComponent(id)}/history`, id: "history-link" }, "History"),
      h("button", { type: "button", id: "export-note", onclick: exportNote }, "Export .md"),
    )
  }

  let conflictsKey = null
  function renderConflicts() {
    const key = JSON.stringify(note.conflicts ?? {})
    if (key === conflictsKey) return
    conflictsKey = key
    const fields = Object.entries(note.conflicts ?? {}).filter(([, vs]) => vs?.length > 1)
    if (!fields.length) return replace(conflicts)
    replace(
      conflicts,
      fields.map(([field, values]) =>
        h(
          "section.panel.conflict",
          { dataset: { field } },
          h("h2", {}, `Conflicting edits to ${field}`),
          h("p.hint", {}, "You and a partner changed this while apart. Both values are kept until someone picks one."),
          values.map((v, i) =>
            h(
              "div.choice",
              {},
              h("div.value", {}, show(v)),
              h("button", { type: "button", dataset: { choice: String(i) }, onclick: () => resolve(field, v) }, "Keep this"),
            ),
          ),
        ),
      ),
    )
  }

  async function resolve(field, v) {
    try {
      await core.resolveConflict(id, field, v)
      note = await core.getNote(id)
      renderConflicts()
      renderSide(true)
      toast(`Kept one value for ${field}.`)
    } catch (err) {
      toast(explain(err))
    }
  }

  const names = members.map(m => m.name).filter(Boolean)
  // The side panel is rebuilt only when what it shows changed: typing in
  // the body changes nothing here but the "changed" time.
  let sideKey = null
  const stamp = h("p.meta", { id: "stamp" })
  function renderStamp() {
    stamp.textContent = `Created ${fmtTime(note.created?.at)} · changed ${fmtTime(note.changed?.at)}`
  }
  function renderSide(force) {
    renderStamp()
    const key = JSON.stringify([note.kind, note.tags, note.participants, note.place, note.session, note.links, note.backlinks])
    if (!force && key === sideKey) return
    if (!force && side.contains(document.activeElement) && document.activeElement !== document.body) return
    sideKey = key
    const others = allNotes.filter(n => n.id !== id)
    const titleOf = nid => allNotes.find(n => n.id === nid)?.title || "Untitled"
    replace(
      side,
      chipEditor("tags", "Tags", note.tags ?? [], v => setField("tags", v), []),
      chipEditor("participants", "Participants", note.participants ?? [], v => setField("participants", v), names),
      h("label", { for: "place" }, "Place"),
      h("input", { id: "place", value: note.place ?? "", onchange: e => setField("place", e.target.value) }),
      note.kind === "session" ? sessionFields() : null,
      h("h3", {}, "Links"),
      h(
        "ul.chips",
        { id: "links" },
        (note.links ?? []).map(l =>
          h("li.chip", {}, h("a", { href: `#/note/${encodeURIComponent(l)}` }, titleOf(l)), h("button", { type: "button", "aria-label": `Remove link to ${titleOf(l)}`, onclick: () => setField("links", note.links.filter(x => x !== l)) }, "×")),
        ),
      ),
      h(
        "select",
        {
          id: "add-link",
          "aria-label": "Link to another note",
          onchange: e => e.target.value && setField("links", [...new Set([...(note.links ?? []), e.target.value])]),
        },
        h("option", { value: "" }, "+ Link a note…"),
        others.filter(n => !(note.links ?? []).includes(n.id)).map(n => h("option", { value: n.id }, `${n.title || "Untitled"} (${kindLabel(n.kind)})`)),
      ),
      h("h3", {}, "Linked from"),
      note.backlinks?.length
        ? h("ul", { id: "backlinks" }, note.backlinks.map(b => h("li", {}, h("a", { href: `#/note/${encodeURIComponent(b.id ?? b)}` }, b.title ?? titleOf(b)))))
        : h("p.hint", { id: "backlinks" }, "No note links here yet."),
      stamp,
    )
  }

  function sessionFields() {
    const s = note.session ?? {}
    const put = (k, v) => setField("session", { ...s, [k]: v })
    return h(
      "div",
      {},
      h("label", { for: "session-date" }, "Session date"),
      h("input", { id: "session-date", type: "date", value: s.date ?? "", onchange: e => put("date", e.target.value) }),
      chipEditor("attendees", "Attendees", s.attendees ?? [], v => put("attendees", v), names),
    )
  }

  async function setField(field, value) {
    try {
      await core.setField(id, field, value)
      note = await core.getNote(id)
      renderSide(true)
      renderConflicts()
    } catch (err) {
      toast(`Not saved — ${explain(err)}`)
    }
  }

  async function share() {
    try {
      const shared = await core.shareNote(id)
      toast("Shared into the workspace. Partners will see it when they sync.")
      location.hash = `#/note/${encodeURIComponent(shared)}`
    } catch (err) {
      toast(explain(err))
    }
  }

  async function exportNote() {
    try {
      const [f] = await core.exportMarkdown(id)
      download(f.path.split("/").pop(), f.content)
    } catch (err) {
      toast(explain(err))
    }
  }

  renderHead()
  renderConflicts()
  renderSide(true)

  const unsubscribe = core.onNoteChange(id, ({ note: n, patches }) => {
    const wasPrivate = note.private
    note = n
    for (const f of ["title", "body"]) texts[f].remote(n[f] ?? "", textPatches(patches, f))
    renderConflicts()
    renderSide(false)
    if (n.private !== wasPrivate) renderHead()
  })
  app.cleanup = () => {
    unsubscribe?.()
    texts.title.close()
    texts.body.close()
  }
  if (sessionStorage.getItem("focus-title") === id) {
    sessionStorage.removeItem("focus-title")
    title.focus()
  }
}

function show(v) {
  if (v == null) return "(empty)"
  if (typeof v === "string") return v || "(empty)"
  if (Array.isArray(v)) return v.join(", ") || "(none)"
  return JSON.stringify(v)
}

// chipEditor edits a list of short strings: type and press Enter to add.
function chipEditor(key, label, values, onChange, suggestions) {
  const listId = `${key}-suggest`
  const input = h("input", { id: `add-${key}`, list: listId, placeholder: `Add ${label.toLowerCase()}…`, autocomplete: "off", enterkeyhint: "done" })
  const add = () => {
    const v = input.value.trim().replace(/^#/, "")
    input.value = ""
    if (v && !values.includes(v)) onChange([...values, v])
  }
  input.addEventListener("keydown", e => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault()
      add()
    }
  })
  return h(
    "div",
    { dataset: { chips: key } },
    h("label", { for: `add-${key}` }, label),
    h("ul.chips", {}, values.map(v => h("li.chip", {}, v, h("button", { type: "button", "aria-label": `Remove ${v}`, onclick: () => onChange(values.filter(x => x !== v)) }, "×")))),
    h("div.row", {}, h("div.grow", {}, input), h("button", { type: "button", onclick: add, "aria-label": `Add to ${label}` }, "Add")),
    h("datalist", { id: listId }, suggestions.map(s => h("option", { value: s }))),
  )
}
