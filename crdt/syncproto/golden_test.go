package syncproto

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/format"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/ from automerge-go (needs cgo)")

// goldenFacts is the sidecar of a golden file: what the producing
// implementation itself reported about the bytes.
type goldenFacts struct {
	Producer     string   `json:"producer"`
	Kind         string   `json:"kind"` // "message" or "state"
	Type         int      `json:"type,omitempty"`
	Heads        []string `json:"heads"`
	Need         []string `json:"need,omitempty"`
	HaveCount    *int     `json:"haveCount,omitempty"`
	ChangeHashes []string `json:"changeHashes,omitempty"`
	ChunkCount   *int     `json:"chunkCount,omitempty"`
	HasFlags     *bool    `json:"hasFlags,omitempty"`
	SharedHeads  []string `json:"sharedHeads,omitempty"`
}

func hexHashes(hs []format.ChangeHash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

type golden struct {
	name  string
	raw   []byte
	facts goldenFacts
}

func loadGoldens(t *testing.T) []golden {
	t.Helper()
	paths, err := filepath.Glob("testdata/golden/*.bin")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no golden files under testdata/golden")
	}
	var out []golden
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		side, err := os.ReadFile(strings.TrimSuffix(p, ".bin") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		g := golden{name: filepath.Base(p), raw: raw}
		if err := json.Unmarshal(side, &g.facts); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, g)
	}
	return out
}

// TestGoldenRoundTrip decodes messages and states written by automerge-go
// and @automerge/automerge 3.x, checks what they say against what the
// producer reported, and re-encodes them to the same bytes.
func TestGoldenRoundTrip(t *testing.T) {
	producers := map[string]int{}
	for _, g := range loadGoldens(t) {
		producers[g.facts.Producer]++
		t.Run(g.name, func(t *testing.T) {
			switch g.facts.Kind {
			case "message":
				checkGoldenMessage(t, g)
			case "state":
				checkGoldenState(t, g)
			default:
				t.Fatalf("unknown kind %q", g.facts.Kind)
			}
		})
	}
	for _, p := range []string{"automerge-go", "@automerge/automerge"} {
		if producers[p] == 0 {
			t.Errorf("no golden files from %s", p)
		}
	}
}

func checkGoldenMessage(t *testing.T, g golden) {
	m, err := DecodeMessage(g.raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got := m.Encode(); !bytes.Equal(got, g.raw) {
		t.Fatalf("re-encoded bytes differ\n got %x\nwant %x", got, g.raw)
	}
	f := g.facts
	if f.Type != 0 && int(m.Type) != f.Type {
		t.Errorf("type 0x%02x, producer says 0x%02x", m.Type, f.Type)
	}
	assertHashes(t, "heads", m.Heads, f.Heads)
	if f.Need != nil {
		assertHashes(t, "need", m.Need, f.Need)
	}
	if f.HaveCount != nil && len(m.Have) != *f.HaveCount {
		t.Errorf("%d haves, producer says %d", len(m.Have), *f.HaveCount)
	}
	if f.ChunkCount != nil && len(m.Changes) != *f.ChunkCount {
		t.Errorf("%d chunks, producer says %d", len(m.Changes), *f.ChunkCount)
	}
	if f.HasFlags != nil && m.HasFlags() != *f.HasFlags {
		t.Errorf("flags section present %v, producer says %v", m.HasFlags(), *f.HasFlags)
	}
	if f.ChangeHashes != nil {
		if m.Type != TypeV1 {
			t.Fatalf("change hashes listed for a 0x%02x message", m.Type)
		}
		got := make([]format.ChangeHash, len(m.Changes))
		for i, c := range m.Changes {
			got[i] = chunkHash(t, c)
		}
		assertHashes(t, "changes", got, f.ChangeHashes)
	}
}

func checkGoldenState(t *testing.T, g golden) {
	s, err := DecodeState(g.raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got := s.Encode(); !bytes.Equal(got, g.raw) {
		t.Fatalf("re-encoded bytes differ\n got %x\nwant %x", got, g.raw)
	}
	assertHashes(t, "shared heads", s.SharedHeads, g.facts.SharedHeads)
}

func assertHashes(t *testing.T, what string, got []format.ChangeHash, want []string) {
	t.Helper()
	g := hexHashes(got)
	if len(want) == 0 && len(g) == 0 {
		return
	}
	if strings.Join(g, ",") != strings.Join(want, ",") {
		t.Errorf("%s = %v, producer says %v", what, g, want)
	}
}

func writeGolden(t *testing.T, name string, raw []byte, facts goldenFacts) {
	t.Helper()
	dir := filepath.Join("testdata", "golden")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	side, err := json.MarshalIndent(facts, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".bin"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), append(side, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
