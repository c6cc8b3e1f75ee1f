// Writes golden sync messages and sync states produced by
// @automerge/automerge 3.x into crdt/syncproto/testdata/golden,
// each with a JSON sidecar of what Automerge itself decoded from the bytes.
// Run from scripts/js: node sync/golden.mjs
import * as A from '@automerge/automerge'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '../../../crdt/syncproto/testdata/golden')
mkdirSync(out, { recursive: true })

const hex = (u8) => Buffer.from(u8).toString('hex')

function emitMessage(name, msg) {
  const d = A.decodeSyncMessage(msg)
  const facts = {
    producer: '@automerge/automerge',
    kind: 'message',
    type: msg[0],
    heads: d.heads,
    need: d.need,
    haveCount: d.have.length,
    chunkCount: d.changes.length,
    hasFlags: undefined,
  }
  delete facts.hasFlags
  write(`automerge-js-${name}`, msg, facts)
}

function emitState(name, state, shared) {
  const bytes = A.encodeSyncState(state)
  write(`automerge-js-${name}`, bytes, { producer: '@automerge/automerge', kind: 'state', heads: [], sharedHeads: shared })
}

function write(name, bytes, facts) {
  writeFileSync(join(out, `${name}.bin`), Buffer.from(bytes))
  writeFileSync(join(out, `${name}.json`), JSON.stringify(facts, null, 2) + '\n')
}

const opts = (actor) => ({ actor })
let a = A.from({ title: 'golden' }, opts('aa'.repeat(16)))
let sa = A.initSyncState()
emitState('state-empty', sa, [])
let m
;[sa, m] = A.generateSyncMessage(a, sa)
emitMessage('first-v1-with-flags', m)

// An empty peer answers with a 0x43 message, then receives the whole
// document in one chunk.
let b = A.init(opts('bb'.repeat(16)))
let sb = A.initSyncState()
;[b, sb] = A.receiveSyncMessage(b, sb, m)
;[sb, m] = A.generateSyncMessage(b, sb)
emitMessage('reply-from-empty-v2', m)
;[a, sa] = A.receiveSyncMessage(a, sa, m)
;[sa, m] = A.generateSyncMessage(a, sa)
emitMessage('whole-document-v2', m)
;[b, sb] = A.receiveSyncMessage(b, sb, m)

function syncAll() {
  for (let i = 0; i < 50; i++) {
    let ma, mb
    ;[sa, ma] = A.generateSyncMessage(a, sa)
    if (ma) [b, sb] = A.receiveSyncMessage(b, sb, ma)
    ;[sb, mb] = A.generateSyncMessage(b, sb)
    if (mb) [a, sa] = A.receiveSyncMessage(a, sa, mb)
    if (!ma && !mb) return
  }
  throw new Error('no convergence in 50 rounds')
}
syncAll()
emitState('state-after-sync', sa, A.getHeads(a))

// Divergent edits on a large shared history: 0x43 messages whose single
// chunk is several change chunks concatenated.
for (let i = 0; i < 30; i++) {
  a = A.change(a, (d) => { d[`k${i % 5}`] = i })
}
syncAll()
for (let i = 0; i < 4; i++) {
  a = A.change(a, (d) => { d[`a${i}`] = i })
  b = A.change(b, (d) => { d[`b${i}`] = i })
}
;[sa, m] = A.generateSyncMessage(a, sa)
emitMessage('bloom-since-shared-v2', m)
;[b, sb] = A.receiveSyncMessage(b, sb, m)
;[sb, m] = A.generateSyncMessage(b, sb)
emitMessage('changes-concatenated-v2', m)
;[a, sa] = A.receiveSyncMessage(a, sa, m)
syncAll()
console.log('wrote golden files to', out)
