package docsync

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/commonplace/commonplace/crdt/syncproto"
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
	return newDocument(e, id, opts)
}

func newDocument(e Engine, id string, opts Options) *Document {
	if opts.CompactAfter <= 0 {
		opts.CompactAfter = DefaultCompactAfter
	}
	return &Document{
		id: id, engine: e, opts: opts,
		graph:  syncproto.NewChangeGraph(),
		peers:  map[PeerID]*syncproto.State{},
		stored: map[string]store.Key{},
	}
}

// Load builds document id from the entries stored under Prefix(id):
// snapshots and incremental chunks, in any order (a change waits for its
// dependencies). Empty and unreadable entries are returned in skipped and
// otherwise ignored. If the document came from more than one entry, the
// returned Effects compact them into one snapshot; the runtime applies
// them like any other.
func Load(e Engine, id string, entries []store.Entry, opts Options) (*Document, Effects, []Skipped) {
	d := newDocument(e, id, opts)
	var skipped []Skipped
	for _, en := range entries {
		kind, ok := entryKind(id, en.Key)
		switch {
		case !ok:
			skipped = append(skipped, Skipped{en.Key, errors.New("not a document key")})
			continue
		case len(en.Value) == 0:
			skipped = append(skipped, Skipped{en.Key, fmt.Errorf("empty %s: %w", kind, ErrBadDocument)})
			continue
		}
		if err := d.graph.Apply(en.Value); err != nil {
			skipped = append(skipped, Skipped{en.Key, fmt.Errorf("%s: %w: %v", kind, ErrBadDocument, err)})
			continue
		}
		d.stored[keyString(en.Key)] = en.Key
		if kind == keySnapshot {
			d.snapshotBytes += len(en.Value)
		} else {
			d.chunks++
			d.chunkBytes += len(en.Value)
		}
	}
	d.saved = d.graph.ChangeCount()
	var eff Effects
	if len(d.stored) > 1 {
		eff.Store, _ = d.compact()
	}
	return d, eff, skipped
}

// persist returns the op that makes the store hold the changes applied
// since the last persist: one incremental chunk of them.
func (d *Document) persist() []Op {
	fresh := d.graph.AppliedFrom(d.saved)
	if len(fresh) == 0 {
		return nil
	}
	chunk := d.graph.Concat(fresh)
	d.saved = d.graph.ChangeCount()
	k := IncrementalKey(d.id, chunk)
	d.stored[keyString(k)] = k
	d.chunks++
	d.chunkBytes += len(chunk)
	return []Op{{Key: k, Value: chunk}}
}

// Compact returns the ops that fold every stored entry into one snapshot
// once enough chunks have piled up, and nil otherwise: once there are
// CompactAfter chunks that together weigh at least half the snapshot (so a
// big document is not rewritten for every few small edits), and in any
// case at four times CompactAfter chunks, which bounds the entries a load
// reads. A runtime calls it after it has sent an input's messages, so the
// snapshot's cost (the engine saves the whole document) is never on the
// path of an edit to the other peers.
func (d *Document) Compact() []Op {
	due := d.chunks >= 4*d.opts.CompactAfter ||
		(d.chunks >= d.opts.CompactAfter && 2*d.chunkBytes >= d.snapshotBytes)
	if !due {
		return nil
	}
	ops, _ := d.compact()
	return ops
}

// compact returns the ops that replace every stored entry with one
// snapshot, the Put first, then the Deletes, and false if it cannot make
// one now. The snapshot is the engine's Save of every applied change, so
// it is written in Automerge's compressed format that every Automerge
// reads. It waits while changes are queued for missing dependencies: the
// snapshot would not hold them, and deleting the entries that do would
// lose them.
func (d *Document) compact() ([]Op, bool) {
	if d.graph.Queued() > 0 || d.graph.ChangeCount() == 0 {
		return nil, false
	}
	doc, err := d.Doc()
	if err == nil && !slices.Equal(doc.Heads(), d.Heads()) {
		d.Cool() // never snapshot a copy that drifted from the graph
		doc, err = d.Doc()
	}
	if err != nil {
		return nil, false
	}
	snap := doc.Save()
	k := SnapshotKey(d.id, d.Heads())
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
	d.saved = d.graph.ChangeCount()
	return ops, true
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
