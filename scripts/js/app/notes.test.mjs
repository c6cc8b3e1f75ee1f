// One researcher's notes: the kind picker by keyboard, tags and people,
// filters and offline search, links and backlinks, Markdown export.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { readFile } from "node:fs/promises"
import { Server, Partner, eventually } from "./harness.mjs"

let server, p
const ids = {}
before(async () => {
  server = await Server.start()
  p = await Partner.open("Sam Field")
  await p.join(server.invite((await server.token("notes")).secret), "consultant")
})
after(async () => {
  await p?.close()
  await server?.close()
})

async function addChip(key, value) {
  await p.page.fill(`#add-${key}`, value)
  await p.page.press(`#add-${key}`, "Enter")
  await p.page.locator(`[data-chips=${key}] .chip`, { hasText: value }).waitFor()
}

test("notes are created from the keyboard and described with tags and people", async () => {
  await p.page.keyboard.press("n")
  await p.page.locator("#kind-picker").waitFor()
  await p.shot("04-kind-picker")
  await p.page.keyboard.press("2") // story
  await p.page.locator("#title").waitFor()
  await p.page.keyboard.type("The leaking roof")
  await p.page.locator("#body").pressSequentially("Reported three times before the panel saw it.")
  await p.saved()
  ids.story = decodeURIComponent(new URL(p.page.url()).hash.replace("#/note/", ""))
  await addChip("tags", "housing")
  await addChip("participants", "Tom Reid")

  await p.page.goto(server.url + "/#/")
  ids.pattern = await p.newNote("pattern", "Informal huddles decide")
  await p.page.locator("#body").pressSequentially("Decisions happen before the meeting.")
  await p.saved()
  await addChip("tags", "decisions")
})

test("the list filters by kind, tag and person, and searches text offline", async () => {
  await p.page.goto(server.url + "/#/")
  await p.page.locator(".note-card").nth(1).waitFor()
  const titles = () => p.page.$$eval(".note-card h3", hs => hs.map(h => h.textContent))
  await p.offline(true)
  try {
    await p.page.fill("#q", "panel")
    await eventually(async () => JSON.stringify(await titles()) === JSON.stringify(["The leaking roof"]), 10000, "search finds body text")
    await p.shot("05-search")
    await p.page.fill("#q", "")
    await p.page.selectOption("#f-kind", "pattern")
    await eventually(async () => JSON.stringify(await titles()) === JSON.stringify(["Informal huddles decide"]), 10000, "kind filter")
    await p.page.selectOption("#f-kind", "")
    await p.page.selectOption("#f-tag", "housing")
    await eventually(async () => JSON.stringify(await titles()) === JSON.stringify(["The leaking roof"]), 10000, "tag filter")
    await p.page.selectOption("#f-tag", "")
    await p.page.selectOption("#f-person", "Tom Reid")
    await eventually(async () => JSON.stringify(await titles()) === JSON.stringify(["The leaking roof"]), 10000, "person filter")
    await p.page.selectOption("#f-person", "")
    await eventually(async () => (await titles()).length === 2, 10000, "no filter")
  } finally {
    await p.offline(false)
  }
})

test("a link to another note shows as a backlink there", async () => {
  await p.page.goto(`${server.url}/#/note/${encodeURIComponent(ids.pattern)}`)
  await p.page.locator("#add-link").waitFor()
  await p.page.selectOption("#add-link", ids.story)
  await p.page.locator("#links a", { hasText: "The leaking roof" }).waitFor()
  await p.page.click("#links a")
  await p.page.locator("#backlinks a", { hasText: "Informal huddles decide" }).waitFor()
  await p.shot("06-note-with-backlink")
})

test("a note exports as Markdown and the workspace as a tar of Markdown files", async () => {
  await p.page.goto(`${server.url}/#/note/${encodeURIComponent(ids.story)}`)
  await p.page.locator("#export-note").waitFor()
  const [one] = await Promise.all([p.page.waitForEvent("download"), p.page.click("#export-note")])
  assert.match(one.suggestedFilename(), /\.md$/)
  const md = await readFile(await one.path(), "utf8")
  assert.match(md, /^---\n/, "front matter")
  assert.match(md, /housing/)
  assert.match(md, /Reported three times before the panel saw it\./)

  await p.page.goto(server.url + "/#/settings")
  await p.page.locator("#export-all").waitFor()
  await p.shot("07-settings")
  const [all] = await Promise.all([p.page.waitForEvent("download"), p.page.click("#export-all")])
  assert.match(all.suggestedFilename(), /\.tar$/)
  const tar = await readFile(await all.path())
  const names = []
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = tar.subarray(off, off + 100).toString("utf8").replace(/\0.*$/s, "")
    if (!name) break
    const size = parseInt(tar.subarray(off + 124, off + 136).toString("utf8").replace(/\0.*$/s, ""), 8)
    names.push(name)
    off += 512 + Math.ceil(size / 512) * 512
  }
  assert.equal(names.length, 2, `files: ${names}`)
  assert.ok(names.every(n => n.startsWith("notes/") && n.endsWith(".md")), `files: ${names}`)
})
