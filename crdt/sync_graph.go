package crdt

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/commonplace/commonplace/crdt/internal/format"
	"github.com/commonplace/commonplace/crdt/syncproto"
)

// docGraph shows a Doc to the sync protocol. Every method runs with the
// document's lock held by the caller (SyncState), so the protocol sees one
// consistent document for a whole generate or receive.
type docGraph struct{ d *Doc }

var (
	_ syncproto.Graph         = docGraph{}
	_ syncproto.DocumentSaver = docGraph{}
)

func toFormatHashes(hs []ChangeHash) []format.ChangeHash {
	out := make([]format.ChangeHash, len(hs))
	for i, h := range hs {
		out[i] = format.ChangeHash(h)
	}
	return out
}

func fromFormatHashes(hs []format.ChangeHash) []ChangeHash {
	out := make([]ChangeHash, len(hs))
	for i, h := range hs {
		out[i] = ChangeHash(h)
	}
	return out
}

func (g docGraph) Heads() []format.ChangeHash { return toFormatHashes(g.d.heads) }

func (g docGraph) HasChange(h format.ChangeHash) bool {
	_, ok := g.d.byHash[ChangeHash(h)]
	return ok
}

func (g docGraph) ChangeCount() int { return len(g.d.changes) }

// HashesSince lists, in history order (which puts dependencies first),
// the changes that are neither in since nor their ancestors. With the
// document's seqClocks on, the work is the size of the answer; otherwise
// it walks the whole history.
func (g docGraph) HashesSince(since []format.ChangeHash) []format.ChangeHash {
	if len(since) == 0 {
		return allHashes(g.d)
	}
	sinceHashes := fromFormatHashes(since)
	if slices.Equal(sinceHashes, g.d.heads) {
		return nil
	}
	if out, ok := g.d.syncClocks.hashesSince(g.d, sinceHashes); ok {
		return out
	}
	return g.hashesSinceWalk(sinceHashes)
}

// hashesSinceWalk is HashesSince by a walk back from the heads (see
// Doc.newerThan).
func (g docGraph) hashesSinceWalk(since []ChangeHash) []format.ChangeHash {
	newer := g.d.newerThan(since)
	if len(newer) == 0 {
		return nil
	}
	out := make([]format.ChangeHash, len(newer))
	for n, i := range newer {
		out[n] = format.ChangeHash(g.d.changes[i].hash)
	}
	return out
}

// Deps returns the change's own dependency list, viewed as format hashes
// (the same [32]byte underneath) rather than copied: the protocol reads it
// for every change since the last sync.
func (g docGraph) Deps(h format.ChangeHash) []format.ChangeHash {
	i, ok := g.d.byHash[ChangeHash(h)]
	if !ok || len(g.d.changes[i].deps) == 0 {
		return nil
	}
	deps := g.d.changes[i].deps
	return unsafe.Slice((*format.ChangeHash)(unsafe.Pointer(&deps[0])), len(deps))
}

func (g docGraph) RawChange(h format.ChangeHash) []byte {
	if i, ok := g.d.byHash[ChangeHash(h)]; ok {
		return g.d.changes[i].raw
	}
	return nil
}

// MissingDeps walks back from heads through queued changes only, as Rust
// Automerge does since it stopped asking for the dependencies of unrelated
// orphans (which another peer may never be able to send).
func (g docGraph) MissingDeps(heads []format.ChangeHash) []format.ChangeHash {
	queued := make(map[ChangeHash]*Change, len(g.d.queue))
	for _, c := range g.d.queue {
		queued[c.hash] = c
	}
	seen := map[ChangeHash]bool{}
	var missing []format.ChangeHash
	stack := fromFormatHashes(heads)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := g.d.byHash[h]; ok || seen[h] {
			continue
		}
		seen[h] = true
		if c := queued[h]; c != nil {
			stack = append(stack, c.deps...)
		} else {
			missing = append(missing, format.ChangeHash(h))
		}
	}
	slices.SortFunc(missing, func(a, b format.ChangeHash) int { return compareHash(ChangeHash(a), ChangeHash(b)) })
	return missing
}

// Apply loads chunks as LoadIncremental does. An empty document given a
// lone document chunk loads it the fast way, straight into the op set, as
// Rust Automerge does for a whole document sent to a peer with nothing.
func (g docGraph) Apply(chunks []byte) error {
	d := g.d
	if len(d.changes) == 0 && len(d.queue) == 0 {
		if ch, rest, err := format.ReadChunk(chunks); err == nil && len(rest) == 0 && ch.Type == format.ChunkDocument {
			if err := d.loadDocument(ch); err != nil {
				return fmt.Errorf("load document: %w", err)
			}
			return nil
		}
	}
	chs, err := loadChunks(chunks)
	if err != nil {
		return err
	}
	return d.applyChanges(chs)
}

func (g docGraph) SaveDocument() []byte {
	b, err := encodeDocument(g.d)
	if err != nil {
		// A document we hold always encodes; if it did not, sending every
		// change is still a correct answer.
		return SaveChanges(g.d.changes)
	}
	return b
}
