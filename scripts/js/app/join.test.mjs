// Joining a workspace from an invite link, and the messages for links
// that cannot work.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import http from "node:http"
import { Server, Partner } from "./harness.mjs"

let server
before(async () => {
  server = await Server.start()
})
after(async () => {
  await server?.close()
})

test("an invite link joins the workspace and asks once for a name and role", async () => {
  const { secret } = await server.token("riverside")
  const p = await Partner.open("Amira Khan")
  try {
    await p.page.goto(server.invite(secret))
    await p.page.locator("#name").waitFor()
    assert.ok(!p.page.url().includes(secret), "the token is cleared from the address bar")
    await p.shot("01-profile")
    await p.page.fill("#name", p.name)
    await p.page.selectOption("#role", "practitioner")
    await p.page.click("form button[type=submit]")
    await p.page.locator("#notes").waitFor()
    assert.equal(await p.page.textContent("#workspace"), "riverside")
    await p.upToDate()
    await p.shot("02-empty-list")
    // Once per device: a reload goes straight to the notes.
    await p.page.reload()
    await p.page.locator("#notes").waitFor()
    assert.equal(await p.page.locator("#name").count(), 0)
    assert.deepEqual(p.errors, [])
  } finally {
    await p.close()
  }
})

test("an invalid invite link is refused with a clear message", async () => {
  const p = await Partner.open("Tom")
  try {
    await p.page.goto(`${server.url}/#join=not-a-real-token`)
    const err = p.page.locator("#join-error")
    await err.filter({ hasText: /./ }).waitFor()
    assert.equal(await err.getAttribute("data-code"), "invalid-invite")
    assert.match(await err.textContent(), /not valid/)
    await p.shot("03-invalid-invite")
  } finally {
    await p.close()
  }
})

test("a revoked invite link is refused with a clear message", async () => {
  const { id, secret } = await server.token("riverside")
  await server.revoke(id)
  const p = await Partner.open("Tom")
  try {
    await p.page.goto(server.invite(secret))
    const err = p.page.locator("#join-error")
    await err.filter({ hasText: /./ }).waitFor()
    assert.ok(["revoked", "invalid-invite"].includes(await err.getAttribute("data-code")))
    assert.equal(await p.page.locator("#notes").count(), 0, "no workspace opened")
  } finally {
    await p.close()
  }
})

// newerRelay stands in for a relay of another version: it passes every
// request to the real server, except that /api/session reports API
// version 99.
async function newerRelay(target) {
  const srv = http.createServer((req, res) => {
    const up = http.request(target + req.url, { method: req.method, headers: req.headers }, r => {
      if (req.url.startsWith("/api/session") && r.statusCode === 200) {
        let body = ""
        r.on("data", d => (body += d))
        r.on("end", () => {
          const s = JSON.parse(body)
          s.apiVersion = 99
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify(s))
        })
        return
      }
      res.writeHead(r.statusCode, r.headers)
      r.pipe(res)
    })
    up.on("error", () => res.destroy())
    req.pipe(up)
  })
  await new Promise(r => srv.listen(0, "127.0.0.1", r))
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise(r => (srv.close(r), srv.closeAllConnections())) }
}

test("a relay of another version is refused with a clear message", async () => {
  const relay = await newerRelay(server.url)
  const { secret } = await server.token("riverside")
  const p = await Partner.open("Tom")
  try {
    await p.page.goto(`${relay.url}/#join=${encodeURIComponent(secret)}`)
    const err = p.page.locator("#join-error")
    await err.filter({ hasText: /./ }).waitFor()
    assert.equal(await err.getAttribute("data-code"), "wrong-version")
    assert.match(await err.textContent(), /different version/)
    await p.shot("03b-wrong-version")
  } finally {
    await p.close()
    await relay.close()
  }
})
