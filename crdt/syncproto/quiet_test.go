package syncproto

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

// star is a hub with spokes, as a relay with its clients: per-link FIFO
// queues of encoded messages, delivered in random order across links.
type star struct {
	t       *testing.T
	rng     *rand.Rand
	hist    *synthHistory
	hub     *ChangeGraph
	hubSide []*State // the hub's state for each spoke
	spokes  []*ChangeGraph
	side    []*State // each spoke's state for the hub
	toHub   [][][]byte
	toSpoke [][][]byte
	hubSent int
}

func newStar(t *testing.T, seed uint64, spokes, preload int, quiet bool) *star {
	s := &star{t: t, rng: rand.New(rand.NewPCG(seed, 11)), hub: NewChangeGraph()}
	s.hist = newSynthHistory(s.rng)
	for i := range spokes {
		g := NewChangeGraph()
		if preload > 0 {
			s.hist.extend(g, []string{fmt.Sprintf("p%d", i)}, preload)
		}
		hs := NewState()
		hs.Quiet = quiet
		s.spokes = append(s.spokes, g)
		s.hubSide = append(s.hubSide, hs)
		s.side = append(s.side, NewState())
	}
	s.toHub = make([][][]byte, spokes)
	s.toSpoke = make([][][]byte, spokes)
	for i := range spokes {
		s.spokeSays(i)
	}
	return s
}

func (s *star) spokeSays(i int) {
	if m, ok := Generate(s.spokes[i], s.side[i]); ok {
		s.toHub[i] = append(s.toHub[i], m.Encode())
	}
}

func (s *star) hubSays(i int) {
	if m, ok := Generate(s.hub, s.hubSide[i]); ok {
		s.toSpoke[i] = append(s.toSpoke[i], m.Encode())
		s.hubSent++
	}
}

func (s *star) receive(g *ChangeGraph, st *State, raw []byte) {
	s.t.Helper()
	m, err := DecodeMessage(raw)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := Receive(g, st, m); err != nil {
		s.t.Fatal(err)
	}
}

// deliver hands over one queued message on a random link, if any is
// queued, and lets the receiver answer as a relay and its clients do: the
// hub answers the sender and, when its heads moved, every other spoke.
func (s *star) deliver() bool {
	var links []int
	for i := range s.spokes {
		if len(s.toHub[i]) > 0 {
			links = append(links, i)
		}
		if len(s.toSpoke[i]) > 0 {
			links = append(links, -1-i)
		}
	}
	if len(links) == 0 {
		return false
	}
	l := links[s.rng.IntN(len(links))]
	if l >= 0 {
		raw := s.toHub[l][0]
		s.toHub[l] = s.toHub[l][1:]
		before := s.hub.Heads()
		s.receive(s.hub, s.hubSide[l], raw)
		s.hubSays(l)
		if !slices.Equal(before, s.hub.Heads()) {
			for j := range s.spokes {
				if j != l {
					s.hubSays(j)
				}
			}
		}
		return true
	}
	i := -1 - l
	raw := s.toSpoke[i][0]
	s.toSpoke[i] = s.toSpoke[i][1:]
	s.receive(s.spokes[i], s.side[i], raw)
	s.spokeSays(i)
	return true
}

// run lets spokes edit while messages fly for steps steps, then delivers
// until every queue is empty, and checks that all hold the same changes.
func (s *star) run(steps int) {
	for range steps {
		if s.rng.IntN(3) == 0 {
			i := s.rng.IntN(len(s.spokes))
			s.hist.extend(s.spokes[i], []string{fmt.Sprintf("s%d", i)}, 1)
			s.spokeSays(i)
			continue
		}
		s.deliver()
	}
	for n := 0; s.deliver(); n++ {
		if n > 200_000 {
			s.t.Fatal("messages still flowing after 200,000 deliveries")
		}
	}
	for i, g := range s.spokes {
		mustEqualHeads(s.t, fmt.Sprintf("spoke %d and hub", i), g.Heads(), s.hub.Heads())
		if g.ChangeCount() != s.hub.ChangeCount() {
			s.t.Fatalf("spoke %d holds %d changes, hub %d", i, g.ChangeCount(), s.hub.ChangeCount())
		}
	}
}

// TestQuietHubConverges runs a hub whose states are Quiet, as a relay's
// are, with spokes that edit while messages are in flight: everyone ends
// with every change, and the hub sends fewer messages than a hub that
// answers every message as Automerge does. Large private histories put
// hundreds of changes behind each bloom filter.
func TestQuietHubConverges(t *testing.T) {
	tests := []struct {
		name                   string
		spokes, steps, preload int
	}{
		{"busy spokes", 6, 400, 0},
		{"large private histories", 3, 60, 700},
	}
	for _, tc := range tests {
		for seed := range uint64(6) {
			t.Run(fmt.Sprintf("%s/seed%d", tc.name, seed), func(t *testing.T) {
				loud := newStar(t, seed, tc.spokes, tc.preload, false)
				loud.run(tc.steps)
				quiet := newStar(t, seed, tc.spokes, tc.preload, true)
				quiet.run(tc.steps)
				if quiet.hubSent >= loud.hubSent {
					t.Fatalf("quiet hub sent %d messages, loud hub %d", quiet.hubSent, loud.hubSent)
				}
				t.Logf("hub messages: %d quiet, %d loud", quiet.hubSent, loud.hubSent)
			})
		}
	}
}

// TestQuietAnswer checks each condition under which a quiet hub still
// answers: the hub holds a1 <- a2; the peer's last message said it has
// a1, and the hub's last message to it carried heads [a2].
func TestQuietAnswer(t *testing.T) {
	g := NewChangeGraph()
	c1 := synthChange([]byte("a1"), 1, 1, nil)
	a1 := chunkHashOf(t, c1)
	c2 := synthChange([]byte("a1"), 2, 2, []format.ChangeHash{a1})
	a2 := chunkHashOf(t, c2)
	if err := g.Apply(append(c1, c2...)); err != nil {
		t.Fatal(err)
	}
	var unknown format.ChangeHash
	unknown[0] = 0xee
	tests := []struct {
		name   string
		adjust func(s *State)
		quiet  bool // whether a quiet hub stays silent
	}{
		{"what the peer lacks is on its way", func(s *State) { s.SentHashes[a2] = struct{}{} }, true},
		{"the peer lacks a change not sent yet", func(*State) {}, false},
		{"our heads moved since our last message", func(s *State) {
			s.SentHashes[a2] = struct{}{}
			s.LastSentHeads = []format.ChangeHash{a1}
		}, false},
		{"the peer has a change we lack", func(s *State) {
			s.SentHashes[a2] = struct{}{}
			s.TheirHeads = []format.ChangeHash{unknown}
		}, false},
		{"the peer asks for a change", func(s *State) {
			s.SentHashes[a2] = struct{}{}
			s.TheirNeed = []format.ChangeHash{a2}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, quiet := range []bool{false, true} {
				s := NewState()
				s.Quiet = quiet
				s.Received, s.HaveResponded = true, true
				s.LastSentHeads = []format.ChangeHash{a2}
				s.TheirHeads = []format.ChangeHash{a1}
				s.TheirHave = []Have{{LastSync: []format.ChangeHash{a1}, Bloom: NewBloom(nil)}}
				tc.adjust(s)
				_, ok := Generate(g, s)
				if want := !(quiet && tc.quiet); ok != want {
					t.Fatalf("quiet=%v: Generate sent = %v, want %v", quiet, ok, want)
				}
			}
		})
	}
}
