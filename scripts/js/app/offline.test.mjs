// One device: notes survive a reload, and after one visit the app starts
// and shows its notes with no network at all (service worker + IndexedDB).
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { Server, Partner, eventually } from "./harness.mjs"

let server, p
before(async () => {
  server = await Server.start()
  p = await Partner.open("Dr Lee")
  await p.join(server.invite((await server.token("uni")).secret))
})
after(async () => {
  await p?.close()
  await server?.close()
})

test("a note survives a reload", async () => {
  const id = await p.newNote("reflection", "After the panel visit")
  await p.page.locator("#body").pressSequentially("Panels decide faster when the huddle happened.")
  await p.saved()
  await p.page.reload()
  await p.page.locator("#body").waitFor()
  assert.equal(await p.page.inputValue("#title"), "After the panel visit")
  assert.equal(await p.page.inputValue("#body"), "Panels decide faster when the huddle happened.")
  assert.ok(p.page.url().endsWith(encodeURIComponent(id)))
})

test("after one visit the app loads and works offline", async () => {
  await p.page.goto(server.url + "/#/")
  await p.ready()
  // The service worker has cached the shell and the core.
  await eventually(
    () => p.page.evaluate(async () => !!navigator.serviceWorker.controller && !!(await caches.match("/app.wasm"))),
    20000,
    "service worker controlling the page with app.wasm cached",
  )
  await server.stop()
  await p.offline(true)
  try {
    await p.page.reload()
    await p.ready()
    await p.page.locator(".note-card").first().waitFor()
    assert.match(await p.page.textContent("#notes"), /After the panel visit/)
    await p.syncState("offline")
    await p.shot("10-offline-cold-start")
    // It works: a new note is created and saved with no network.
    await p.newNote("story", "Written with no signal")
    await p.page.locator("#body").pressSequentially("Saved locally.")
    await p.saved()
    await p.unsent()
  } finally {
    await p.offline(false)
    await server.start()
  }
  await p.upToDate()
})

// Chromium's quota override does not reach IndexedDB in this build, so
// storage failure is produced the way a browser clearing site data does
// it: DevTools' clear-data force-closes the app's IndexedDB connection and
// every later write fails. (Last test: it wipes this device.)
test("when storage fails the note says Not saved and never claims otherwise", async () => {
  await p.page.goto(server.url + "/#/")
  await p.ready()
  await p.newNote("interview", "Storage check")
  const cdp = await p.ctx.newCDPSession(p.page)
  await cdp.send("Storage.clearDataForOrigin", { origin: server.url, storageTypes: "indexeddb" })
  await p.page.locator("#body").pressSequentially("typed after the failure")
  await p.page.waitForFunction(() => document.getElementById("save-state").dataset.state === "error", null, { timeout: 20000 })
  assert.match(await p.page.textContent("#save-state"), /Not saved/)
  assert.match(await p.page.textContent("#banners"), /NOT saved/)
  await p.shot("11-storage-failed")
  // The app retries every few seconds; none of it succeeds, none of it says saved.
  const seen = await p.page.evaluate(
    () =>
      new Promise(resolve => {
        const el = document.getElementById("save-state")
        const states = new Set([el.dataset.state])
        const mo = new MutationObserver(() => states.add(el.dataset.state))
        mo.observe(el, { attributes: true })
        setTimeout(() => (mo.disconnect(), resolve([...states])), 7000)
      }),
  )
  assert.ok(!seen.includes("saved"), `states while failing: ${seen}`)
  assert.equal(await p.page.inputValue("#body"), "typed after the failure", "the text stays on screen")
})
