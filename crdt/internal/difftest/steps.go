package difftest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

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
		// Random histories make no empty changes: automerge-go's
		// bookkeeping takes an empty change for its parent, so its
		// Changes(since) and SaveIncremental repeat or keep it where
		// crdt (rightly) does not. TestDiffRegressions covers them.
		n := 1 + g.r.IntN(5)
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
	return rn.replace(r, i, na, nb)
}

// replace puts a and b in replica i's place, writing as the replica's actor.
func (rn *run) replace(r *replica, i int, a, b Doc) error {
	for _, d := range []Doc{a, b} {
		if err := d.SetActorID(rn.actors[i]); err != nil {
			return fmt.Errorf("set actor %s: %w", rn.actors[i], err)
		}
	}
	r.a, r.b = a, b
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
	return rn.replace(r, i, fa, fb)
}
