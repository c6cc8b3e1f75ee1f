// Joining a workspace from an invite link, and choosing how this device
// is named in it.

import { h, replace, ROLES } from "../dom.js"
import { explain } from "../errors.js"

export async function joinView(app, main, inviteURL) {
  const msg = h("p.error", { id: "join-error", role: "alert" })
  const input = h("input", { id: "invite", type: "url", inputmode: "url", autocomplete: "off", placeholder: "https://…/#join=…", required: true })
  const button = h("button.primary", { type: "submit" }, "Join workspace")
  const form = h(
    "form.panel.narrow",
    { onsubmit: e => (e.preventDefault(), join(input.value.trim())) },
    h("h1", {}, "Join a workspace"),
    h("p", {}, "Open the invite link you were sent, or paste it here. You need a connection once; after that Commonplace works offline."),
    h("label", { for: "invite" }, "Invite link"),
    input,
    h("p.row", {}, button),
    msg,
  )
  replace(main, form)

  async function join(url) {
    msg.textContent = ""
    button.disabled = true
    button.textContent = "Joining…"
    try {
      const res = await app.core.join(url)
      history.replaceState(null, "", location.pathname + "#/")
      main.dataset.joined = res?.workspace ?? ""
      await app.route()
    } catch (err) {
      msg.textContent = explain(err)
      msg.dataset.code = err?.code ?? ""
      button.disabled = false
      button.textContent = "Join workspace"
      // The token must not linger in the address bar or history.
      if (location.hash.includes("join=")) history.replaceState(null, "", location.pathname + "#/")
    }
  }
  if (inviteURL) {
    input.value = inviteURL
    await join(inviteURL)
  } else {
    input.focus()
  }
}

export async function profileView(app, main, { onDone } = {}) {
  const current = app.session?.profile
  const name = h("input", { id: "name", autocomplete: "name", required: true, maxlength: 80, value: current?.name ?? "" })
  const role = h("select", { id: "role" }, ROLES.map(([v, l]) => h("option", { value: v, selected: current?.role === v }, l)))
  const msg = h("p.error", { role: "alert" })
  const form = h(
    onDone ? "form.panel" : "form.panel.narrow",
    {
      onsubmit: async e => {
        e.preventDefault()
        msg.textContent = ""
        try {
          await app.core.setProfile({ name: name.value.trim(), role: role.value })
          if (onDone) onDone()
          else await app.route()
        } catch (err) {
          msg.textContent = explain(err)
        }
      },
    },
    h("h1", {}, current ? "Your name and role" : "Who is writing on this device?"),
    h("p", {}, `Partners see this name next to your changes in ${app.session?.workspace ?? "the workspace"}.`),
    h("label", { for: "name" }, "Display name"),
    name,
    h("label", { for: "role" }, "Role"),
    role,
    h("p.row", {}, h("button.primary", { type: "submit" }, current ? "Save" : "Continue")),
    msg,
  )
  replace(main, form)
  if (!current) name.focus()
}
