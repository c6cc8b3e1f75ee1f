// The service worker keeps the app shell and the wasm core in a cache named
// after the build, so the app starts with no network after one visit.
// The server stamps the build hash below; a new build means a new sw.js,
// which the browser installs, which caches the new shell and drops the old.

const BUILD = "__COMMONPLACE_BUILD__"
const CACHE = `commonplace-${BUILD}`
const SHELL = [
  "/",
  "/index.html",
  "/app.css",
  "/app.js",
  "/core.js",
  "/core-worker.js",
  "/dom.js",
  "/errors.js",
  "/textsync.js",
  "/tar.js",
  "/views/join.js",
  "/views/list.js",
  "/views/note.js",
  "/views/history.js",
  "/views/settings.js",
  "/wasm_exec.js",
  "/app.wasm",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  "/icons/apple-touch-icon.png",
]
// Paths that belong to the relay, never to the cache.
const NETWORK_ONLY = ["/sync", "/api/", "/healthz", "/metrics"]

self.addEventListener("install", event => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(c => c.addAll(SHELL.map(u => new Request(u, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener("activate", event => {
  event.waitUntil(
    caches
      .keys()
      .then(keys => Promise.all(keys.filter(k => k.startsWith("commonplace-") && k !== CACHE).map(k => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener("fetch", event => {
  const req = event.request
  const url = new URL(req.url)
  if (req.method !== "GET" || url.origin !== self.location.origin) return
  if (NETWORK_ONLY.some(p => url.pathname === p || url.pathname.startsWith(p))) return
  if (req.mode === "navigate") {
    event.respondWith(caches.match("/index.html", { cacheName: CACHE }).then(r => r || fetch(req)))
    return
  }
  event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then(r => r || fetch(req)))
})
