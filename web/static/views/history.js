// A note's history: who changed what and when, and the note as it was at
// any earlier change (read-only).

import { h, replace, kindLabel, fmtTime } from "../dom.js"

// Typing makes one change per keystroke or so; a run of changes by one
// person to one field within a few minutes reads as one line.
const RUN_MS = 5 * 60 * 1000
function group(entries) {
  const out = []
  for (const e of entries) {
    const g = out.at(-1)
    const last = g?.at(-1)
    if (last && last.actor === e.actor && last.summary === e.summary && Math.abs(e.time - last.time) < RUN_MS) g.push(e)
    else out.push([e])
  }
  return out
}

export async function historyView(app, main, id, at) {
  const core = app.core
  const [entries, members] = await Promise.all([core.history(id), core.members().catch(() => [])])
  const who = e => e.author?.name ?? members.find(m => m.actors?.includes(e.actor))?.name ?? `Unknown device ${String(e.actor).slice(0, 8)}`
  const base = `#/note/${encodeURIComponent(id)}`
  const list = h(
    "ol.history",
    { id: "history" },
    group(entries)
      .reverse()
      .map(g => {
        const e = g.at(-1)
        return h(
          "li",
          { dataset: { hash: e.hash } },
          h(
            "a",
            { href: `${base}/at/${encodeURIComponent(e.hash)}`, "aria-current": g.some(x => x.hash === at) ? "true" : "false" },
            h("span.who", {}, who(e)),
            e.author?.role ? h("span.meta", {}, e.author.role) : null,
            h("span.meta", {}, fmtTime(e.time)),
            h("span.grow", {}, e.summary || e.message || "changed the note", g.length > 1 ? h("span.meta", {}, ` (${g.length} changes)`) : null),
          ),
        )
      }),
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
  scrollTo(0, 0)
}
