package crdt

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Doc represents an automerge document. You can read and write the
// values of the document with [Doc.Root], [Doc.RootMap] or [Doc.Path],
// and other methods are provided to enable collaboration and accessing
// historical data.
// After writing to the document you should immediately call [Doc.Commit] to
// explicitly create a [Change], though if you forget to do this most methods
// on a document will create an anonymous change on your behalf.
//
// Methods on *Doc may be called from several goroutines; they take the
// document's lock.
type Doc struct {
	mu sync.Mutex
	opSet

	actor uint32 // our actor in the actor table

	// history, in the order changes were applied (a causal order)
	changes    []*Change
	byHash     map[ChangeHash]int
	heads      []ChangeHash
	actorSeqs  [][]int                  // per actor index: history indexes by seq-1
	queue      map[ChangeHash]*Change   // changes waiting for dependencies
	waiting    map[ChangeHash][]*Change // missing dependency -> changes waiting for it
	savedUntil int                      // history length at the last Save/SaveIncremental
	syncClocks seqClocks                // answers the sync protocol's HashesSince
	// acausal is set when a change entered the history before one of its
	// dependencies (only a hand-made document chunk can do that): walks
	// that rely on causal order then mark ancestors instead.
	acausal bool

	tx *transaction
}

// ErrEmptyCommit is returned by Commit when there is nothing to commit and
// AllowEmpty is not set.
var ErrEmptyCommit = errors.New("Commit is empty")

// ErrInvalidActorID is returned by SetActorID for IDs that are not an even
// number of hex digits.
var ErrInvalidActorID = errors.New("crdt: invalid actor id")

// New creates a new empty document with a random actor ID.
func New() *Doc {
	d := &Doc{opSet: newOpSet(), byHash: make(map[ChangeHash]int)}
	b, _ := hex.DecodeString(NewActorID())
	d.actor = d.actors.intern(b)
	return d
}

// ActorID returns the current actorId of the doc hex-encoded.
// This is used for all operations that write to the document.
// By default a random ActorID is generated, but you can customize
// this with [Doc.SetActorID].
func (d *Doc) ActorID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return hex.EncodeToString(d.actors.ids[d.actor])
}

// SetActorID updates the current actorId of the doc.
// Valid actor IDs are a string with an even number of hex-digits.
// Outstanding operations are committed first, under the old actor.
func (d *Doc) SetActorID(id string) error {
	b, err := hex.DecodeString(id)
	if err != nil || len(b) == 0 {
		return fmt.Errorf("%w %q", ErrInvalidActorID, id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return err
	}
	d.actor = d.actors.intern(b)
	return nil
}

// Heads returns the hashes of the current heads for the document.
// For a new document with no changes, this will have length zero.
// If you have just created a commit, this will have length one. If
// you have applied independent changes from multiple actors, then the
// length will be greater that one.
// If you'd like to merge independent changes together call [Doc.Commit]
// passing a [CommitOptions] with AllowEmpty set to true.
func (d *Doc) Heads() []ChangeHash {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		panic(err)
	}
	return slices.Clone(d.heads)
}

// Change gets a specific change by hash.
func (d *Doc) Change(ch ChangeHash) (*Change, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	i, ok := d.byHash[ch]
	if !ok {
		return nil, fmt.Errorf("hash %s does not correspond to a change in this document", ch)
	}
	return d.changes[i], nil
}

// addToHistory records an applied change.
func (d *Doc) addToHistory(c *Change, actor uint32) {
	i := len(d.changes)
	for _, h := range c.deps {
		if _, ok := d.byHash[h]; !ok {
			d.acausal = true
		}
	}
	d.changes = append(d.changes, c)
	d.byHash[c.hash] = i
	for int(actor) >= len(d.actorSeqs) {
		d.actorSeqs = append(d.actorSeqs, nil)
	}
	d.actorSeqs[actor] = append(d.actorSeqs[actor], i)
	// The heads are sorted: find each dependency by binary search rather
	// than comparing every head with every dependency (a change on a
	// document many write at once has dozens of both).
	for _, h := range c.deps {
		if j, ok := slices.BinarySearchFunc(d.heads, h, compareHash); ok {
			d.heads = slices.Delete(d.heads, j, j+1)
		}
	}
	j, _ := slices.BinarySearchFunc(d.heads, c.hash, compareHash)
	d.heads = slices.Insert(d.heads, j, c.hash)
	if n := c.startOp + c.numOps; n > 0 && n-1 > d.maxOp {
		d.maxOp = n - 1
	}
}

func compareHash(a, b ChangeHash) int { return bytes.Compare(a[:], b[:]) }

// nextSeq is the seq number of the next change by actor.
func (d *Doc) nextSeq(actor uint32) uint64 {
	if int(actor) < len(d.actorSeqs) {
		return uint64(len(d.actorSeqs[actor])) + 1
	}
	return 1
}

// ancestors marks every change reachable from hashes (inclusive) in a
// slice indexed like d.changes. Unknown hashes are ignored.
func (d *Doc) ancestors(hashes []ChangeHash) []bool {
	seen := make([]bool, len(d.changes))
	var stack []int
	for _, h := range hashes {
		if i, ok := d.byHash[h]; ok && !seen[i] {
			seen[i] = true
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, h := range d.changes[i].deps {
			if j, ok := d.byHash[h]; ok && !seen[j] {
				seen[j] = true
				stack = append(stack, j)
			}
		}
	}
	return seen
}

// Changes returns all changes made to the doc since the given heads.
// If since is empty, returns all changes to recreate the document.
// The changes come in causal order (every change after its dependencies).
func (d *Doc) Changes(since ...ChangeHash) ([]*Change, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closeTx(); err != nil {
		return nil, err
	}
	return d.changesSince(since), nil
}

func (d *Doc) changesSince(since []ChangeHash) []*Change {
	if len(since) == 0 {
		return slices.Clone(d.changes)
	}
	if slices.Equal(since, d.heads) {
		return []*Change{}
	}
	newer := d.newerThan(since)
	out := make([]*Change, len(newer))
	for n, i := range newer {
		out[n] = d.changes[i]
	}
	return out
}

// missingDeps returns the dependencies of queued changes that the document
// does not have (and that are not queued themselves), plus any of heads it
// does not have, sorted.
func (d *Doc) missingDeps(heads []ChangeHash) []ChangeHash {
	queued := make(map[ChangeHash]bool, len(d.queue))
	for _, c := range d.queue {
		queued[c.hash] = true
	}
	missing := map[ChangeHash]bool{}
	for _, c := range d.queue {
		for _, h := range c.deps {
			if _, ok := d.byHash[h]; !ok && !queued[h] {
				missing[h] = true
			}
		}
	}
	for _, h := range heads {
		if _, ok := d.byHash[h]; !ok && !queued[h] {
			missing[h] = true
		}
	}
	out := make([]ChangeHash, 0, len(missing))
	for h := range missing {
		out = append(out, h)
	}
	slices.SortFunc(out, compareHash)
	return out
}
