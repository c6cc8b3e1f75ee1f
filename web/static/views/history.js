// A note's history: who changed what and when, and the note as it was at
// any earlier change (read-only).

import { h, replace, kindLabel, fmtTime } from "../dom.js"

export async function historyView(app, main, id, at) {
  const core = app.core
  const [entries, members] = await Promise.all([core.history(id), core.members().catch(() => [])])
  const who = e => e.author?.name ?? members.find(m => m.actors?.includes(e.actor))?.name ?? `Unknown device ${String(e.actor).slice(0, 8)}`
  const base = `#/note/${encodeURIComponent(id)}`
  const list = h(
    "ol.history",
    { id: "history", reversed: true },
    [...entries].reverse().map(e =>
      h(
        "li",
        { dataset: { hash: e.hash } },
        h(
          "a",
          { href: `${base}/at/${encodeURIComponent(e.hash)}`, "aria-current": e.hash === at ? "true" : "false" },
          h("span.who", {}, who(e)),
          e.author?.role ? h("span.meta", {}, e.author.role) : null,
          h("span.meta", {}, fmtTime(e.time)),
          h("span.grow", {}, e.summary || e.message || "changed the note"),
        ),
      ),
    ),
  )
  let past = null
  if (at) {
    const n = await core.noteAt(id, [at])
    const e = entries.find(x => x.hash === at)
    past = h(
      "section.panel",
      { id: "past", "aria-label": "Note at this point" },
      h("p.meta", {}, `As it was after ${e ? who(e) : "this change"}'s change${e ? `, ${fmtTime(e.time)}` : ""} — read-only`),
      h("span.badge", {}, kindLabel(n.kind)),
      h("h2", { id: "past-title" }, n.title || "Untitled"),
      h("div.readonly-body", { id: "past-body" }, n.body ?? ""),
      n.tags?.length ? h("p.meta", {}, `Tags: ${n.tags.join(", ")}`) : null,
      n.participants?.length ? h("p.meta", {}, `Participants: ${n.participants.join(", ")}`) : null,
    )
  }
  replace(
    main,
    h("div.row", {}, h("a.button", { href: base }, "← Back to the note"), at ? h("a.button", { href: `${base}/history` }, "Hide old version") : null),
    h("h1", {}, "History"),
    past,
    h("section.panel", {}, entries.length ? list : h("p.empty", {}, "No changes yet.")),
  )
}
