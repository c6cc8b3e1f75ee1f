// Settings: this device's name and role, linking one's other devices,
// exporting the whole workspace.

import { h, replace, download, toast } from "../dom.js"
import { explain } from "../errors.js"
import { tar } from "../tar.js"
import { profileView } from "./join.js"

export async function settingsView(app, main) {
  const s = app.session
  const profile = h("div")
  const link = h("input", { id: "personal-link", readonly: true, placeholder: "Tap “Show link”" })
  replace(
    main,
    h("h1", {}, "Settings"),
    h("section.panel", {}, h("h2", {}, "Workspace"), h("p", {}, `${s.workspace} on ${s.server}`), h("p.meta", {}, `This device: ${s.actor ?? ""}`)),
    profile,
    h(
      "section.panel",
      {},
      h("h2", {}, "Export"),
      h("p", {}, "Every note as a Markdown file with its fields in front matter, in one .tar archive."),
      h("button.primary", { type: "button", id: "export-all", onclick: exportAll }, "Export workspace"),
    ),
    h(
      "section.panel",
      {},
      h("h2", {}, "Your other devices"),
      h("p", {}, "Open this link on your other tablet or laptop to bring your private notes there. Keep it secret."),
      h("div.row", {}, h("div.grow", {}, link), h("button", { type: "button", onclick: showLink }, "Show link")),
    ),
  )
  await profileView(app, profile, { onDone: () => toast("Saved.") })

  async function exportAll() {
    try {
      const files = await app.core.exportMarkdown()
      const day = new Date().toISOString().slice(0, 10)
      download(`commonplace-${s.workspace}-${day}.tar`, tar(files.map(f => ({ path: `${s.workspace}/${f.path}`, content: f.content }))), "application/x-tar")
    } catch (err) {
      toast(explain(err))
    }
  }
  async function showLink() {
    try {
      link.value = await app.core.personalLink()
      link.select()
    } catch (err) {
      toast(explain(err))
    }
  }
}
