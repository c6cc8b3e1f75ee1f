package docsync

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/commonplace/commonplace/server/store"
)

// Storage key components.
const (
	keyDoc         = "doc"
	keyIncremental = "incremental"
	keySnapshot    = "snapshot"
)

// MaxIDLength bounds a document ID; automerge-repo's are 27 or 28
// characters.
const MaxIDLength = 128

// ValidID reports whether id is a usable document ID: what automerge-repo
// generates (bs58check text) and similar opaque IDs of ASCII letters,
// digits, '-' and '_', and nothing that could break a store key. Every
// transport checks IDs with it before touching the store.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// Prefix is the store prefix under which document id lives; LoadRange it
// and pass the entries to Load.
func Prefix(id string) store.Key { return store.Key{keyDoc, id} }

// IncrementalKey is where a chunk of document id is stored.
func IncrementalKey(id string, chunk []byte) store.Key {
	sum := sha256.Sum256(chunk)
	return store.Key{keyDoc, id, keyIncremental, hex.EncodeToString(sum[:])}
}

// SnapshotKey is where the snapshot of document id at heads is stored.
func SnapshotKey(id string, heads []Hash) store.Key {
	h := sha256.New()
	for _, x := range heads {
		h.Write(x[:])
	}
	return store.Key{keyDoc, id, keySnapshot, hex.EncodeToString(h.Sum(nil))}
}

// Skipped is an entry Load could not use; the document loads without it.
type Skipped struct {
	Key store.Key
	Err error
}

// New returns an empty document with nothing stored, for a document a
// peer is about to create.
func New(e Engine, id string, opts Options) *Document {
	return newDocument(id, e.New(), opts)
}

func newDocument(id string, doc Doc, opts Options) *Document {
	if opts.CompactAfter <= 0 {
		opts.CompactAfter = DefaultCompactAfter
	}
	return &Document{
		id: id, doc: doc, opts: opts,
		peers:      map[PeerID]SyncState{},
		theirHeads: map[PeerID][]Hash{},
		stored:     map[string]store.Key{},
	}
}

// Load builds document id from the entries stored under Prefix(id):
// snapshots first, then incremental chunks. Empty and unreadable entries
// are returned in skipped and otherwise ignored. If the document came from
// more than one entry, the returned Effects compact them into one
// snapshot; the runtime applies them like any other.
func Load(e Engine, id string, entries []store.Entry, opts Options) (*Document, Effects, []Skipped) {
	var snaps, chunks []store.Entry
	var skipped []Skipped
	for _, en := range entries {
		kind, ok := entryKind(id, en.Key)
		switch {
		case !ok:
			skipped = append(skipped, Skipped{en.Key, errors.New("not a document key")})
		case len(en.Value) == 0:
			skipped = append(skipped, Skipped{en.Key, fmt.Errorf("empty %s: %w", kind, ErrBadDocument)})
		case kind == keySnapshot:
			snaps = append(snaps, en)
		default:
			chunks = append(chunks, en)
		}
	}
	d := newDocument(id, nil, opts)
	var doc Doc
	for _, en := range snaps {
		var err error
		if doc == nil {
			doc, err = e.Load(en.Value)
		} else {
			err = doc.LoadIncremental(en.Value)
		}
		if err != nil {
			skipped = append(skipped, Skipped{en.Key, err})
			continue
		}
		d.stored[keyString(en.Key)] = en.Key
		d.snapshotBytes += len(en.Value)
	}
	if doc == nil && len(chunks) > 0 {
		doc = e.New()
	}
	for i, s := range loadChunks(doc, chunks) {
		if s.Err == nil {
			d.stored[keyString(s.Key)] = s.Key
			d.chunks++
			d.chunkBytes += len(chunks[i].Value)
		} else {
			skipped = append(skipped, s)
		}
	}
	if len(d.stored) == 0 {
		doc = nil
	}
	if doc == nil {
		d.doc = e.New()
		return d, Effects{}, skipped
	}
	d.doc = doc
	var eff Effects
	if len(d.stored) > 1 {
		eff.Store = d.compact()
	} else {
		// LoadIncremental does not move the incremental baseline.
		doc.SaveIncremental()
	}
	return d, eff, skipped
}

// loadChunks applies chunks to doc in passes: a chunk whose dependencies
// are in a chunk not applied yet may fail (store order is hash order, not
// causal order) and is retried after the others. It reports every chunk,
// with Err set for those that never applied.
func loadChunks(doc Doc, chunks []store.Entry) []Skipped {
	out := make([]Skipped, len(chunks))
	pending := make([]int, len(chunks))
	for i, en := range chunks {
		out[i].Key = en.Key
		pending[i] = i
	}
	for len(pending) > 0 {
		var failed []int
		for _, i := range pending {
			if err := doc.LoadIncremental(chunks[i].Value); err != nil {
				out[i].Err = err
				failed = append(failed, i)
			} else {
				out[i].Err = nil
			}
		}
		if len(failed) == len(pending) {
			break // no progress: what is left is damaged or orphaned
		}
		pending = failed
	}
	return out
}

// persist returns the ops that make the store hold the document's new
// changes: one incremental chunk, or a compaction when enough chunks have
// piled up.
func (d *Document) persist() []Op {
	chunk := d.doc.SaveIncremental()
	if len(chunk) == 0 {
		return nil
	}
	if d.shouldCompact(len(chunk)) {
		return d.compact() // the snapshot includes the new chunk's changes
	}
	k := IncrementalKey(d.id, chunk)
	d.stored[keyString(k)] = k
	d.chunks++
	d.chunkBytes += len(chunk)
	return []Op{{Key: k, Value: chunk}}
}

// shouldCompact decides whether a new chunk of next bytes should rather
// be folded into a new snapshot: once there are CompactAfter chunks that
// together weigh at least half the snapshot (so a big document is not
// rewritten for every few small edits), and in any case at four times
// CompactAfter chunks, which bounds the entries a load reads.
func (d *Document) shouldCompact(next int) bool {
	n := d.chunks + 1
	if n >= 4*d.opts.CompactAfter {
		return true
	}
	return n >= d.opts.CompactAfter && 2*(d.chunkBytes+next) >= d.snapshotBytes
}

// compact returns the ops that replace every stored entry with one
// snapshot: the Put first, then the Deletes.
func (d *Document) compact() []Op {
	snap := d.doc.Save()
	k := SnapshotKey(d.id, d.doc.Heads())
	ops := []Op{{Key: k, Value: snap}}
	ks := keyString(k)
	for s, old := range d.stored {
		if s != ks {
			ops = append(ops, Op{Key: old, Delete: true})
		}
	}
	sortOps(ops[1:])
	d.stored = map[string]store.Key{ks: k}
	d.chunks, d.chunkBytes, d.snapshotBytes = 0, 0, len(snap)
	return ops
}

func entryKind(id string, k store.Key) (string, bool) {
	if len(k) != 4 || k[0] != keyDoc || k[1] != id {
		return "", false
	}
	if k[2] != keyIncremental && k[2] != keySnapshot {
		return "", false
	}
	return k[2], true
}

func keyString(k store.Key) string { return strings.Join(k, "\x00") }

func sortOps(ops []Op) {
	slices.SortFunc(ops, func(a, b Op) int { return strings.Compare(keyString(a.Key), keyString(b.Key)) })
}
