// Two partners in one workspace: live co-editing that keeps the local
// caret, edits made while both are offline that merge with nothing lost,
// a conflict shown and resolved, and a history that names its authors.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { Server, Partner, eventually } from "./harness.mjs"

let server, ana, ben, noteId
const body = p => p.page.inputValue("#body")
const note = (p, id) => p.page.goto(`${p.page.url().split("#")[0]}#/note/${encodeURIComponent(id)}`)

before(async () => {
  server = await Server.start()
  const { secret } = await server.token("riverside")
  ana = await Partner.open("Ana Council")
  ben = await Partner.open("Ben Academic")
  await ana.join(server.invite(secret), "practitioner")
  await ben.join(server.invite(secret), "academic")
})
after(async () => {
  await ana?.close()
  await ben?.close()
  await server?.close()
})

test("a partner's note appears and live edits keep the local caret", async () => {
  noteId = await ana.newNote("interview", "Housing team lead")
  await ana.page.locator("#body").pressSequentially("Huddles matter.")
  await ana.saved()
  await ana.upToDate()
  await ben.page.locator(`.note-card[data-id="${noteId}"]`).waitFor({ timeout: 20000 })
  await ben.shot("20-list-with-partner-note")
  await ben.page.click(`.note-card[data-id="${noteId}"]`)
  await eventually(async () => (await body(ben)) === "Huddles matter.", 15000, "Ben sees Ana's text")
  // Ben's caret sits before "matter"; Ana types at the start.
  await ben.page.focus("#body")
  await ben.page.evaluate(() => document.getElementById("body").setSelectionRange(8, 8))
  await ana.page.evaluate(() => document.getElementById("body").setSelectionRange(0, 0))
  await ana.page.keyboard.type("Monday ")
  await ana.saved()
  await eventually(async () => (await body(ben)) === "Monday Huddles matter.", 15000, "Ben sees Ana's live edit")
  const caret = await ben.page.evaluate(() => [document.getElementById("body").selectionStart, document.getElementById("body").selectionEnd])
  assert.deepEqual(caret, [15, 15], "Ben's caret moved with the text, still before 'matter'")
  await ben.page.keyboard.type("really ")
  await ben.saved()
  await eventually(async () => (await body(ana)) === "Monday Huddles really matter.", 15000, "Ana sees Ben's edit")
  await ben.shot("21-note-live")
})

test("both partners edit offline, come back, and nothing is lost", async () => {
  await Promise.all([ana.upToDate(), ben.upToDate()])
  // Make sure the connection really drops: stop the relay, and take the
  // browsers offline too.
  await server.stop()
  await Promise.all([ana.offline(true), ben.offline(true)])
  await Promise.all([ana.syncState("offline"), ben.syncState("offline")])

  // Same field (body), different places; and different fields.
  await ana.page.evaluate(() => {
    const el = document.getElementById("body")
    el.focus()
    el.setSelectionRange(el.value.length, el.value.length)
  })
  await ana.page.keyboard.type(" Ana offline.")
  await ben.page.evaluate(() => {
    const el = document.getElementById("body")
    el.focus()
    el.setSelectionRange(0, 0)
  })
  await ben.page.keyboard.type("Ben offline. ")
  await ana.page.fill("#add-tags", "huddles")
  await ana.page.press("#add-tags", "Enter")
  await ben.page.fill("#add-participants", "Dr Osei")
  await ben.page.press("#add-participants", "Enter")
  // The same scalar field on both sides: a conflict.
  await ana.page.fill("#place", "Town hall")
  await ana.page.press("#place", "Tab")
  await ben.page.fill("#place", "Library annex")
  await ben.page.press("#place", "Tab")
  await Promise.all([ana.saved(), ben.saved()])
  await Promise.all([ana.unsent(), ben.unsent()])
  await ana.shot("22-offline-editing")

  await server.start()
  await Promise.all([ana.offline(false), ben.offline(false)])
  await Promise.all([ana.upToDate(), ben.upToDate()])
  const want = "Ben offline. Monday Huddles really matter. Ana offline."
  for (const p of [ana, ben]) {
    await eventually(async () => (await body(p)) === want, 30000, `${p.name} has both offline edits`)
    await eventually(async () => (await p.page.textContent("[data-chips=tags]")).includes("huddles"), 15000, `${p.name} has Ana's tag`)
    await eventually(async () => (await p.page.textContent("[data-chips=participants]")).includes("Dr Osei"), 15000, `${p.name} has Ben's participant`)
  }
})

test("a conflict is shown with both values and can be resolved", async () => {
  for (const p of [ana, ben]) {
    const c = p.page.locator('.conflict[data-field="place"]')
    await c.waitFor({ timeout: 15000 })
    const text = await c.textContent()
    assert.ok(text.includes("Town hall") && text.includes("Library annex"), `${p.name} sees both values: ${text}`)
  }
  await ben.shot("23-conflict")
  await ana.page.locator('.conflict[data-field="place"] .choice', { hasText: "Library annex" }).locator("button").click()
  for (const p of [ana, ben]) {
    await p.page.locator('.conflict[data-field="place"]').waitFor({ state: "detached", timeout: 20000 })
    await eventually(async () => (await p.page.inputValue("#place")) === "Library annex", 15000, `${p.name} has the kept value`)
  }
})

test("the history names who changed the note and shows earlier versions", async () => {
  await note(ben, noteId)
  await ben.page.click("#history-link")
  await ben.page.locator("#history li").first().waitFor()
  const entries = await ben.page.$$eval("#history li", lis => lis.map(li => li.textContent))
  assert.ok(entries.some(t => t.includes("Ana Council")), `an entry by Ana: ${entries}`)
  assert.ok(entries.some(t => t.includes("Ben Academic")), `an entry by Ben: ${entries}`)
  // The oldest change is Ana's: she created the note.
  assert.ok(entries[entries.length - 1].includes("Ana Council"), `oldest entry: ${entries.at(-1)}`)
  await ben.page.locator("#history li a").last().click()
  await ben.page.locator("#past").waitFor()
  assert.ok(!(await ben.page.textContent("#past-body")).includes("offline"), "the earliest version has none of the later text")
  await ben.shot("24-history")
})

test("a private note stays on its author's devices until it is shared into the workspace", async () => {
  await ana.page.goto(server.url + "/#/")
  await ana.page.click("#new-note")
  await ana.page.check("#new-private")
  await ana.page.click('#kind-picker button[data-kind="reflection"]')
  await ana.page.locator("#private-badge").waitFor()
  await ana.page.locator("#title").pressSequentially("My doubts about the panel")
  await ana.saved()
  // A shared note made after it: once Ben has that one, he would have the
  // private one too if it leaked.
  await ana.page.goto(server.url + "/#/")
  await ana.newNote("story", "Marker after the private note")
  await ana.upToDate()
  await ben.page.goto(server.url + "/#/")
  await ben.page.locator(".note-card", { hasText: "Marker after the private note" }).waitFor({ timeout: 20000 })
  assert.equal(await ben.page.locator(".note-card", { hasText: "My doubts about the panel" }).count(), 0, "Ben does not see Ana's private note")

  await ana.page.goto(server.url + "/#/")
  await ana.page.locator(".note-card", { hasText: "My doubts about the panel" }).click()
  await ana.page.click("#share")
  await ana.page.waitForFunction(() => !document.getElementById("private-badge") && document.getElementById("title")?.value === "My doubts about the panel")
  await ana.upToDate()
  await ben.page.locator(".note-card", { hasText: "My doubts about the panel" }).waitFor({ timeout: 20000 })
  await ben.shot("25-shared-note-arrives")
})
