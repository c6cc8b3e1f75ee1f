// textsync binds a <textarea> or <input> to one text field of a note.
//
// Local typing is turned into splices (the smallest common-prefix/suffix
// difference from what the core already has) and sent one call at a time,
// coalescing keystrokes typed while a call is in flight. Partners' changes
// arrive as patches; they are applied to the DOM with setRangeText in
// "preserve" mode, which shifts the caret and selection by the patch, so a
// partner's edit never moves the local caret within the text it did not
// touch. When local edits are in flight, remote changes wait and are merged
// by difference once the local queue drains.

// diff returns the single splice that turns a into b, or null. It never
// splits a UTF-16 surrogate pair.
export function diff(a, b) {
  if (a === b) return null
  const n = Math.min(a.length, b.length)
  let p = 0
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++
  if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--
  let s = 0
  while (s < n - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++
  if (s > 0 && isLow(a.charCodeAt(a.length - s))) s--
  return { index: p, delete: a.length - p - s, insert: b.slice(p, b.length - s) }
}

const isHigh = c => c >= 0xd800 && c <= 0xdbff
const isLow = c => c >= 0xdc00 && c <= 0xdfff

export function applySplice(text, { index, delete: del, insert }) {
  return text.slice(0, index) + insert + text.slice(index + del)
}

// bindText wires el to a field. send(index, deleteCount, insert) must
// resolve once the change is durable; fetchValue() returns the core's
// current value; onState(state, err) reports "saving" | "saved" | "error".
export function bindText(el, { value, send, fetchValue, onState = () => {} }) {
  let confirmed = value // what the core holds, as far as this binding knows
  let inflight = false
  let remotePending = false
  let failed = null
  let retryTimer = 0
  el.value = value

  async function flush() {
    if (inflight) return
    const d = diff(confirmed, el.value)
    if (!d) {
      if (!failed) onState("saved")
      if (remotePending) reconcile()
      return
    }
    inflight = true
    onState("saving")
    try {
      await send(d.index, d.delete, d.insert)
      confirmed = applySplice(confirmed, d)
      failed = null
    } catch (err) {
      failed = err
      onState("error", err)
      // Keep the text on screen and try again later: nothing is reported saved.
      clearTimeout(retryTimer)
      retryTimer = setTimeout(flush, 3000)
      return
    } finally {
      inflight = false
    }
    flush()
  }

  // reconcile brings the DOM up to the core's value when no local edit is pending.
  async function reconcile() {
    remotePending = false
    let v
    try {
      v = await fetchValue()
    } catch {
      remotePending = true
      return
    }
    if (inflight || el.value !== confirmed) {
      remotePending = true
      flush()
      return
    }
    applyRemote(v, null)
  }

  function applyRemote(v, patches) {
    if (v === el.value) {
      confirmed = v
      return
    }
    if (patches?.length) {
      let t = el.value
      for (const p of patches) t = applySplice(t, p)
      if (t === v) {
        for (const p of patches) el.setRangeText(p.insert, p.index, p.index + p.delete, "preserve")
        confirmed = v
        return
      }
    }
    const d = diff(el.value, v)
    el.setRangeText(d.insert, d.index, d.index + d.delete, "preserve")
    confirmed = v
  }

  el.addEventListener("input", flush)

  return {
    // remote is called with the core's new value of this field and the
    // text patches for it (may include echoes of local edits).
    remote(v, patches) {
      if (inflight || el.value !== confirmed) {
        remotePending = true
        return
      }
      applyRemote(v, patches)
    },
    pending: () => inflight || el.value !== confirmed,
    flush,
    close() {
      clearTimeout(retryTimer)
      el.removeEventListener("input", flush)
    },
  }
}

// textPatches picks the splices on one text field from a core patch list.
export function textPatches(patches, field) {
  return (patches ?? [])
    .filter(p => (p.action === "splice" || p.action === "del") && p.path?.length === 1 && p.path[0] === field)
    .map(p => ({ index: p.index, delete: p.delete ?? p.length ?? 0, insert: p.insert ?? "" }))
}
