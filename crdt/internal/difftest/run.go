package difftest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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
	g := &generator{r: r, actors: map[string]bool{}}
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
