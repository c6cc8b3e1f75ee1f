package difftest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// Pair is the two engines a history runs in. A is the reference: ops are
// chosen from A's view of the document.
type Pair struct{ A, B Engine }

// Difference is the first place the engines disagree in a history.
type Difference struct {
	Step int // index into History.Steps; len(Steps) for the final check
	Err  error
}

func (d *Difference) Error() string { return fmt.Sprintf("step %d: %v", d.Step, d.Err) }
func (d *Difference) Unwrap() error { return d.Err }

type replica struct{ a, b Doc }

type run struct {
	pair     Pair
	actors   []string
	replicas []replica
}

// try calls f, turning a panic into an error: an engine that panics on
// valid calls has a bug the tests must report, not die of.
func try(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// both calls fa and fb. It returns skip when both fail (a step made invalid
// by shrinking), and an error when only one does.
func both(what string, fa, fb func() error) (skip bool, err error) {
	ea, eb := try(fa), try(fb)
	switch {
	case ea != nil && eb != nil:
		return true, nil
	case ea != nil:
		return false, fmt.Errorf("%s: only engine A fails: %w", what, ea)
	case eb != nil:
		return false, fmt.Errorf("%s: only engine B fails: %w", what, eb)
	}
	return false, nil
}

func newRun(p Pair, actors []string) (*run, error) {
	rn := &run{pair: p, actors: slices.Clone(actors)}
	for _, actor := range actors {
		a, err := p.A.New(actor)
		if err != nil {
			return nil, err
		}
		b, err := p.B.New(actor)
		if err != nil {
			return nil, err
		}
		rn.replicas = append(rn.replicas, replica{a, b})
	}
	return rn, nil
}

// Generate makes and runs a random history of about steps steps; it stops
// at the first difference and returns the history up to there.
func (p Pair) Generate(seed uint64, steps int) (History, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	h := History{Seed: seed}
	g := &generator{r: r}
	for range 2 + r.IntN(3) {
		h.Actors = append(h.Actors, g.actor())
	}
	rn, err := newRun(p, h.Actors)
	if err != nil {
		return h, &Difference{Err: err}
	}
	for i := range steps {
		s := g.step(len(h.Actors), i)
		err := rn.do(&s, g)
		h.Steps = append(h.Steps, s)
		if err != nil {
			return h, &Difference{Step: i, Err: err}
		}
	}
	if err := rn.converge(); err != nil {
		return h, &Difference{Step: len(h.Steps), Err: err}
	}
	return h, nil
}

// Replay runs a recorded history and returns its first difference.
func (p Pair) Replay(h History) error {
	rn, err := newRun(p, h.Actors)
	if err != nil {
		return &Difference{Err: err}
	}
	for i := range h.Steps {
		s := h.Steps[i]
		if err := rn.do(&s, nil); err != nil {
			return &Difference{Step: i, Err: err}
		}
	}
	if err := rn.converge(); err != nil {
		return &Difference{Step: len(h.Steps), Err: err}
	}
	return nil
}

// Shrink removes steps and ops from a failing history while it still
// fails, trying at most budget replays, and returns the smallest found.
func (p Pair) Shrink(h History, budget int) History {
	fails := func(c History) bool {
		if budget <= 0 {
			return false
		}
		budget--
		return p.Replay(c) != nil
	}
	var d *Difference
	if err := p.Replay(h); errors.As(err, &d) && d.Step < len(h.Steps) {
		h.Steps = h.Steps[:d.Step+1]
	}
	for size := len(h.Steps) / 2; size >= 1; size /= 2 {
		for start := 0; start+size <= len(h.Steps); {
			c := h
			c.Steps = append(append([]Step(nil), h.Steps[:start]...), h.Steps[start+size:]...)
			if fails(c) {
				h = c
			} else {
				start += size
			}
		}
	}
	for i := range h.Steps {
		for j := 0; j < len(h.Steps[i].Ops); {
			c := h
			c.Steps = append([]Step(nil), h.Steps...)
			c.Steps[i].Ops = append(append([]Op(nil), h.Steps[i].Ops[:j]...), h.Steps[i].Ops[j+1:]...)
			if fails(c) {
				h = c
			} else {
				j++
			}
		}
	}
	return h
}

func (g *generator) step(nreplicas, i int) Step {
	s := Step{Replica: g.r.IntN(nreplicas), Peer: g.r.IntN(nreplicas)}
	switch x := g.r.IntN(100); {
	case x < 45:
		s.Kind = StepChange
		s.Msg = messages[g.r.IntN(len(messages))]
		s.Time = g.commitTime(i)
	case x < 57:
		s.Kind = StepMerge
		s.Peer = (s.Replica + 1 + g.r.IntN(nreplicas-1)) % nreplicas
	case x < 69:
		s.Kind = StepSync
	case x < 77:
		s.Kind = StepSyncAll
	case x < 87:
		s.Kind = StepIncremental
	case x < 95:
		s.Kind = StepReload
	case x < 97:
		s.Kind = StepFork
	default:
		s.Kind = StepForkAt
		s.Actor = g.actor()
	}
	s.Shuffle = g.r.Uint64()
	s.Swap = g.r.IntN(2) == 0
	return s
}

// do runs one step. With a generator, a change step's ops are chosen as it
// runs and recorded in s.Ops.
func (rn *run) do(s *Step, g *generator) error {
	if s.Replica >= len(rn.replicas) || s.Peer >= len(rn.replicas) {
		return nil
	}
	r, peer := &rn.replicas[s.Replica], &rn.replicas[s.Peer]
	var err error
	switch s.Kind {
	case StepChange:
		err = rn.change(r, s, g)
	case StepMerge:
		if s.Replica == s.Peer {
			return nil // automerge-go deadlocks merging a doc with itself
		}
		_, err = both("merge", func() error { return r.a.Merge(peer.a) }, func() error { return r.b.Merge(peer.b) })
	case StepSync, StepSyncAll:
		err = rn.sync(r, peer, s)
	case StepIncremental:
		err = loadIncremental(r, peer.b.SaveIncremental(), peer.a.SaveIncremental())
	case StepReload:
		err = rn.reload(r, s.Replica)
	case StepFork:
		err = rn.fork(r, s.Replica, nil, "")
	case StepForkAt:
		err = rn.forkAt(r, s)
	}
	if err != nil {
		return err
	}
	return rn.compare(s.Replica)
}

// loadIncremental has r.a load ia and r.b load ib. automerge-go's
// LoadIncremental rejects changes whose dependencies the document lacks
// (and is left holding part of them), where @automerge/automerge 3 queues
// them as Apply does; so when the bytes depend on changes r lacks, the
// step is skipped in both engines.
func loadIncremental(r *replica, ia, ib []byte) error {
	for _, c := range []struct {
		d    Doc
		data []byte
	}{{r.a, ia}, {r.b, ib}} {
		complete, err := depsPresent(c.d, c.data)
		if err != nil {
			return err
		}
		if !complete {
			return nil
		}
	}
	_, err := both("load incremental", func() error { return r.a.LoadIncremental(ia) }, func() error { return r.b.LoadIncremental(ib) })
	return err
}

// depsPresent reports whether every dependency of the changes in data is
// in d or in data itself.
func depsPresent(d Doc, data []byte) (bool, error) {
	chunks, err := format.SplitChunks(data)
	if err != nil {
		return false, fmt.Errorf("split incremental save: %w", err)
	}
	var cs []*format.Change
	for _, ch := range chunks {
		if ch.Type == format.ChunkDocument {
			doc, err := format.DocumentFromChunk(ch)
			if err != nil {
				return false, err
			}
			headers, err := format.ReconstructChangeHeaders(doc)
			if err != nil {
				return false, err
			}
			cs = append(cs, headers...)
			continue
		}
		c, err := format.ChangeFromChunk(ch)
		if err != nil {
			return false, err
		}
		cs = append(cs, c)
	}
	have, err := d.Changes(nil)
	if err != nil {
		return false, err
	}
	known := map[Hash]bool{}
	for _, c := range have {
		known[c.Hash()] = true
	}
	for _, c := range cs {
		known[Hash(c.Hash)] = true
	}
	for _, c := range cs {
		for _, dep := range c.Deps {
			if !known[Hash(dep)] {
				return false, nil
			}
		}
	}
	return true, nil
}

func (rn *run) change(r *replica, s *Step, g *generator) error {
	ops := s.Ops
	if g != nil {
		n := 1 + g.r.IntN(5)
		if g.r.IntN(30) == 0 {
			n = 0 // an empty change
		}
		ops = nil
		for range n {
			tree, err := r.a.Tree()
			if err != nil {
				return fmt.Errorf("read engine A: %w", err)
			}
			op := g.op(tree)
			if err := rn.edit(r, op); err != nil {
				return err
			}
			ops = append(ops, op)
		}
		s.Ops = ops
	} else {
		for _, op := range ops {
			if err := rn.edit(r, op); err != nil {
				return err
			}
		}
	}
	at := time.Time{}
	if s.Time != 0 {
		at = time.UnixMilli(s.Time)
	}
	var ha, hb Hash
	empty := len(ops) == 0
	skip, err := both("commit", func() (err error) { ha, err = r.a.Commit(s.Msg, at, empty); return err },
		func() (err error) { hb, err = r.b.Commit(s.Msg, at, empty); return err })
	if err != nil || skip {
		return err
	}
	if ha != hb {
		return fmt.Errorf("the same change hashes differently:\n A %s\n B %s", describeChange(r.a, ha), describeChange(r.b, hb))
	}
	return nil
}

// describeChange shows a change decoded, for reports.
func describeChange(d Doc, h Hash) string {
	c, err := d.Change(h)
	if err != nil {
		return fmt.Sprintf("%s (%v)", h, err)
	}
	raw := c.Save()
	dc, err := format.DecodeChange(raw)
	if err != nil {
		return fmt.Sprintf("%s %x (%v)", h, raw, err)
	}
	dc.Raw = nil
	return fmt.Sprintf("%s %+v", h, *dc)
}

func (rn *run) edit(r *replica, op Op) error {
	_, err := both(op.String(), func() error { return r.a.Edit(op) }, func() error { return r.b.Edit(op) })
	return err
}

// sync sends peer's changes to r in both engines and compares them after
// every delivery. automerge-go's LoadChanges reads its input as a whole
// document, so it fails on changes whose dependencies the bytes lack; the
// step therefore delivers them by the ways that accept missing
// dependencies: StepSync applies them one at a time in a shuffled order,
// without Swap as each engine's own Change values (their bytes are checked
// equal), with Swap as LoadIncremental of the other engine's bytes. StepSyncAll sends peer's whole history as one SaveChanges blob
// through LoadChanges and Apply.
func (rn *run) sync(r, peer *replica, s *Step) error {
	var since [2][]Hash
	if s.Kind == StepSync {
		since = [2][]Hash{r.a.Heads(), r.b.Heads()}
	}
	ca, err := peer.a.Changes(since[0])
	if err != nil {
		return fmt.Errorf("engine A changes: %w", err)
	}
	cb, err := peer.b.Changes(since[1])
	if err != nil {
		return fmt.Errorf("engine B changes: %w", err)
	}
	// automerge-go's Changes(since) can return a change that is one of
	// since (seen after empty changes and forks at earlier heads); what
	// r already has is dropped on both sides before comparing.
	if s.Kind == StepSync {
		ca, cb = missingFrom(r.a, ca), missingFrom(r.b, cb)
	}
	if err := sameChanges(ca, cb); err != nil {
		return fmt.Errorf("changes since %v: %w", since[0], err)
	}
	if s.Kind == StepSyncAll {
		return rn.syncAll(r, ca, cb, s.Swap)
	}
	order := rand.New(rand.NewPCG(s.Shuffle, 1)).Perm(len(ca))
	sortByHash(ca)
	sortByHash(cb)
	for n, i := range order {
		var err error
		if s.Swap {
			err = loadIncremental(r, cb[i].Save(), ca[i].Save())
		} else {
			_, err = both(fmt.Sprintf("apply change %s", ca[i].Hash()),
				func() error { return applyOne(r.a, peer.a, ca[i].Hash()) },
				func() error { return applyOne(r.b, peer.b, cb[i].Hash()) })
		}
		if err != nil {
			return err
		}
		if err := rn.compareReplica(r, fmt.Sprintf("after delivering change %d of %d", n+1, len(order))); err != nil {
			return err
		}
	}
	return nil
}

// missingFrom returns the changes in cs that d does not have.
func missingFrom(d Doc, cs []Change) []Change {
	var out []Change
	for _, c := range cs {
		if have, err := d.Change(c.Hash()); err != nil || have == nil {
			out = append(out, c)
		}
	}
	return out
}

func applyOne(to, from Doc, h Hash) error {
	c, err := from.Change(h)
	if err != nil {
		return err
	}
	return to.Apply(c)
}

func (rn *run) syncAll(r *replica, ca, cb []Change, swap bool) error {
	src, srcEngine := ca, rn.pair.A
	if swap {
		src, srcEngine = cb, rn.pair.B
	}
	blob, err := srcEngine.SaveChanges(src)
	if err != nil {
		return err
	}
	var la, lb []Change
	if _, err := both("load changes", func() (err error) { la, err = rn.pair.A.LoadChanges(blob); return err },
		func() (err error) { lb, err = rn.pair.B.LoadChanges(blob); return err }); err != nil {
		return err
	}
	if err := sameChanges(la, lb); err != nil {
		return fmt.Errorf("loaded changes: %w", err)
	}
	if err := sameChanges(la, ca); err != nil {
		return fmt.Errorf("changes after SaveChanges and LoadChanges: %w", err)
	}
	if _, err := both("apply", func() error { return r.a.Apply(la...) }, func() error { return r.b.Apply(lb...) }); err != nil {
		return err
	}
	return nil
}

func sortByHash(cs []Change) {
	sort.Slice(cs, func(i, j int) bool { hi, hj := cs[i].Hash(), cs[j].Hash(); return bytes.Compare(hi[:], hj[:]) < 0 })
}

func describeChanges(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s (%s seq %d, deps %v)", c.Hash(), c.Actor(), c.Seq(), c.Deps())
	}
	return out
}

// sameChanges checks two engines give the same changes, byte for byte.
func sameChanges(ca, cb []Change) error {
	byHash := map[Hash][]byte{}
	for _, c := range ca {
		byHash[c.Hash()] = c.Save()
	}
	if len(ca) != len(cb) {
		return fmt.Errorf("engine A has %d changes, engine B %d:\n A %v\n B %v", len(ca), len(cb), describeChanges(ca), describeChanges(cb))
	}
	for _, c := range cb {
		raw, ok := byHash[c.Hash()]
		if !ok {
			return fmt.Errorf("engine B has change %s, engine A not", c.Hash())
		}
		if got := c.Save(); !bytes.Equal(raw, got) {
			return fmt.Errorf("change %s: bytes differ:\n A %x\n B %x", c.Hash(), raw, got)
		}
	}
	return nil
}

// reload has each engine load the other's Save.
func (rn *run) reload(r *replica, i int) error {
	sa, sb := r.a.Save(), r.b.Save()
	na, err := rn.pair.A.Load(sb)
	if err != nil {
		return fmt.Errorf("engine A loads engine B's save %x: %w", sb, err)
	}
	nb, err := rn.pair.B.Load(sa)
	if err != nil {
		return fmt.Errorf("engine B loads engine A's save %x: %w", sa, err)
	}
	if err := SameActorTables(sa, sb); err != nil {
		return err
	}
	if err := na.SetActorID(rn.actors[i]); err != nil {
		return err
	}
	if err := nb.SetActorID(rn.actors[i]); err != nil {
		return err
	}
	r.a, r.b = na, nb
	return nil
}

// SameActorTables checks two saved documents list the same actors. Rust
// Automerge lists only actors that authored changes; @automerge/automerge
// 3.5 fails to load a document whose table has others.
func SameActorTables(a, b []byte) error {
	da, err := format.DecodeDocument(a)
	if err != nil {
		return fmt.Errorf("decode first save: %w", err)
	}
	db, err := format.DecodeDocument(b)
	if err != nil {
		return fmt.Errorf("decode second save: %w", err)
	}
	if fmt.Sprintf("%x", da.Actors) != fmt.Sprintf("%x", db.Actors) {
		return fmt.Errorf("saved actor tables differ:\n A %x\n B %x", da.Actors, db.Actors)
	}
	return nil
}

// forkAt forks r as of its heads with one head replaced by its deps.
func (rn *run) forkAt(r *replica, s *Step) error {
	heads := SortedHashes(r.a.Heads())
	if len(heads) == 0 {
		return nil
	}
	drop := heads[s.Shuffle%uint64(len(heads))]
	c, err := r.a.Change(drop)
	if err != nil {
		return fmt.Errorf("engine A change %s: %w", drop, err)
	}
	var asOf []Hash
	for _, h := range append(heads, c.Deps()...) {
		if h != drop && !slices.Contains(asOf, h) {
			asOf = append(asOf, h)
		}
	}
	return rn.fork(r, s.Replica, asOf, s.Actor)
}

// fork replaces replica i by its fork as of asOf (nil: now), writing as
// actor (empty: the replica's own, which the fork must not have kept).
func (rn *run) fork(r *replica, i int, asOf []Hash, actor string) error {
	fa, err := r.a.Fork(asOf)
	if err != nil {
		return fmt.Errorf("engine A fork: %w", err)
	}
	fb, err := r.b.Fork(asOf)
	if err != nil {
		return fmt.Errorf("engine B fork: %w", err)
	}
	if fa.ActorID() == rn.actors[i] || fb.ActorID() == rn.actors[i] {
		return fmt.Errorf("fork kept the actor ID %s (A %s, B %s)", rn.actors[i], fa.ActorID(), fb.ActorID())
	}
	if actor != "" {
		rn.actors[i] = actor
	}
	if err := fa.SetActorID(rn.actors[i]); err != nil {
		return err
	}
	if err := fb.SetActorID(rn.actors[i]); err != nil {
		return err
	}
	r.a, r.b = fa, fb
	return nil
}

func (rn *run) compare(i int) error {
	return rn.compareReplica(&rn.replicas[i], fmt.Sprintf("replica %d", i))
}

// compareReplica checks both engines hold the same document and heads.
func (rn *run) compareReplica(r *replica, where string) error {
	var ta, tb *Node
	if _, err := both("read tree", func() (err error) { ta, err = r.a.Tree(); return err },
		func() (err error) { tb, err = r.b.Tree(); return err }); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if ta == nil || tb == nil {
		return fmt.Errorf("%s: neither engine can read the document", where)
	}
	if ja, jb := ta.JSON(), tb.JSON(); !bytes.Equal(ja, jb) {
		return fmt.Errorf("%s: documents differ\n A (%s): %s\n B (%s): %s", where, rn.pair.A.Name(), ja, rn.pair.B.Name(), jb)
	}
	ha, hb := SortedHashes(r.a.Heads()), SortedHashes(r.b.Heads())
	if fmt.Sprint(ha) != fmt.Sprint(hb) {
		return fmt.Errorf("%s: heads differ\n A: %v\n B: %v", where, ha, hb)
	}
	return nil
}

// converge merges every replica into every other and checks all agree.
func (rn *run) converge() error {
	first := &rn.replicas[0]
	for i := range rn.replicas[1:] {
		r := &rn.replicas[i+1]
		if _, err := both("final merge", func() error { return first.a.Merge(r.a) }, func() error { return first.b.Merge(r.b) }); err != nil {
			return err
		}
	}
	want, err := first.a.Tree()
	if err != nil {
		return err
	}
	for i := range rn.replicas {
		r := &rn.replicas[i]
		if i > 0 {
			if _, err := both("final merge", func() error { return r.a.Merge(first.a) }, func() error { return r.b.Merge(first.b) }); err != nil {
				return err
			}
		}
		if err := rn.compare(i); err != nil {
			return fmt.Errorf("after converging: %w", err)
		}
		got, err := r.a.Tree()
		if err != nil {
			return err
		}
		if !bytes.Equal(got.JSON(), want.JSON()) {
			return fmt.Errorf("replica %d did not converge with replica 0:\n %s\n %s", i, got.JSON(), want.JSON())
		}
	}
	return nil
}
