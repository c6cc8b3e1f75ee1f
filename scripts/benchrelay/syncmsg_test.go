package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/automerge/automerge-go"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// exchange runs sync rounds between two states until neither has more to say.
func exchange(t testing.TB, a, b *automerge.SyncState) {
	t.Helper()
	for range 20 {
		ma, okA := a.GenerateMessage()
		if okA {
			if _, err := b.ReceiveMessage(ma.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
		mb, okB := b.GenerateMessage()
		if okB {
			if _, err := a.ReceiveMessage(mb.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
		if !okA && !okB {
			return
		}
	}
	t.Fatal("sync did not settle in 20 rounds")
}

func commit(t testing.TB, d *automerge.Doc, key string, v int64) automerge.ChangeHash {
	t.Helper()
	if err := d.RootMap().Set(key, v); err != nil {
		t.Fatal(err)
	}
	h, err := d.Commit("")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestParseSyncHeaderAgainstAutomerge checks heads against automerge-go's
// own decoding and lastSync against the heads both sides are known to share.
func TestParseSyncHeaderAgainstAutomerge(t *testing.T) {
	a, b := automerge.New(), automerge.New()
	commit(t, a, "x", 1)
	sa, sb := automerge.NewSyncState(a), automerge.NewSyncState(b)

	first, _ := sa.GenerateMessage()
	exchange(t, sa, sb)
	shared := a.Heads()
	commit(t, a, "x", 2)
	commit(t, b, "y", 3) // concurrent: b's heads are unknown to a
	afterEdit, _ := sa.GenerateMessage()

	tests := []struct {
		name         string
		msg          []byte
		wantLastSync []automerge.ChangeHash
	}{
		{"first message of a fresh state", first.Bytes(), nil},
		{"after an edit on synced documents", afterEdit.Bytes(), shared},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := parseSyncHeader(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			sm, err := automerge.NewSyncState(automerge.New()).ReceiveMessage(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if !sameHashes(v.Heads, sm.Heads()) {
				t.Errorf("heads %v, automerge-go says %v", v.Heads, sm.Heads())
			}
			if !sameHashes(v.LastSync, tc.wantLastSync) {
				t.Errorf("lastSync %v, want %v", v.LastSync, tc.wantLastSync)
			}
		})
	}
}

func TestParseSyncHeaderRejects(t *testing.T) {
	valid := goldenMessage(t)
	tests := []struct {
		name string
		msg  []byte
	}{
		{"empty", nil},
		{"wrong type byte", append([]byte{0x41}, valid[1:]...)},
		{"truncated heads", valid[:10]},
		{"head count beyond input", []byte{syncMessageV1, 0x05, 0x00}},
		{"huge head count", []byte{syncMessageV1, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"huge have count", []byte{syncMessageV1, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"bloom beyond input", []byte{syncMessageV1, 0x00, 0x00, 0x01, 0x00, 0x09, 0x01}},
		{"unterminated uleb", []byte{syncMessageV1, 0x80}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parseSyncHeader(tc.msg); !errors.Is(err, errSyncMessage) {
				t.Fatalf("err = %v, want errSyncMessage", err)
			}
		})
	}
}

// goldenView is the JSON form of a serverView in testdata.
type goldenView struct {
	Heads    []string `json:"heads"`
	LastSync []string `json:"lastSync"`
}

func hexHashes(hs []automerge.ChangeHash) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, hex.EncodeToString(h[:]))
	}
	return out
}

// goldenMessage returns testdata/sync-after-edit.bin, a message automerge-go
// generated after an edit on a synced pair (regenerate with -update).
func goldenMessage(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join("testdata", "sync-after-edit.bin")
	if *update {
		a, b := automerge.New(), automerge.New()
		commit(t, a, "x", 1)
		sa, sb := automerge.NewSyncState(a), automerge.NewSyncState(b)
		exchange(t, sa, sb)
		shared := a.Heads()
		commit(t, a, "x", 2)
		m, _ := sa.GenerateMessage()
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, m.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		want, _ := json.MarshalIndent(goldenView{Heads: hexHashes(a.Heads()), LastSync: hexHashes(shared)}, "", "  ")
		if err := os.WriteFile(filepath.Join("testdata", "sync-after-edit.json"), append(want, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSyncHeaderGolden(t *testing.T) {
	msg := goldenMessage(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "sync-after-edit.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want goldenView
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	v, err := parseSyncHeader(msg)
	if err != nil {
		t.Fatal(err)
	}
	got := goldenView{Heads: hexHashes(v.Heads), LastSync: hexHashes(v.LastSync)}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("parsed %s, golden %s", gb, wb)
	}
}

func FuzzParseSyncHeader(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "sync-after-edit.bin")); err == nil {
		f.Add(b)
	}
	f.Add([]byte{syncMessageV1, 0, 0, 0, 0})
	f.Add([]byte{syncMessageV2, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseSyncHeader(b)
		if err != nil {
			return
		}
		if 32*(len(v.Heads)+len(v.LastSync)) > len(b) {
			t.Fatalf("%d hashes from %d bytes", len(v.Heads)+len(v.LastSync), len(b))
		}
	})
}

func BenchmarkParseSyncHeader(b *testing.B) {
	msg, err := os.ReadFile(filepath.Join("testdata", "sync-after-edit.bin"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := parseSyncHeader(msg); err != nil {
			b.Fatal(err)
		}
	}
}
