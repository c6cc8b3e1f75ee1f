package wire

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// golden is one frame captured from automerge-repo by
// scripts/js/wire/capture.mjs, with what cbor-x decodes it to.
type golden struct {
	name  string
	frame []byte
	want  any // manifest JSON: bytes as {"$bytes": hex}, undefined as {"$undefined": true}
}

func loadGolden(t testing.TB) []golden {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatalf("read manifest: %v", err)
	}
	var manifest map[string]any
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("parse manifest: %v", err)
	}
	var out []golden
	for name, want := range manifest {
		frame, err := os.ReadFile(filepath.Join("testdata", name+".cbor"))
		if err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		out = append(out, golden{name, frame, want})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	if len(out) < 9 {
		t.Fatalf("only %d golden frames; rerun scripts/js/wire/capture.mjs", len(out))
	}
	return out
}

// sent is what a client sees after this package re-encodes a golden
// message: fields cbor-x wrote as undefined, and empty arrays, are left out.
func sent(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if u, ok := e.(map[string]any); ok && u["$undefined"] == true {
				continue
			}
			if a, ok := e.([]any); ok && len(a) == 0 {
				continue
			}
			out[k] = sent(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sent(e)
		}
		return out
	}
	return v
}

// jsonView turns generically decoded CBOR into the manifest's JSON shape.
func jsonView(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	if err := cbor.Unmarshal(b, &v); err != nil {
		t.Fatalf("generic decode: %v", err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case []byte:
			return map[string]any{"$bytes": hex.EncodeToString(x)}
		case map[any]any:
			out := map[string]any{}
			for k, e := range x {
				out[k.(string)] = walk(e)
			}
			return out
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			return x
		}
		return v
	}
	return normalizeNumbers(walk(v))
}

// normalizeNumbers makes every number a float64, as encoding/json does.
func normalizeNumbers(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestGoldenRoundTrip(t *testing.T) {
	for _, g := range loadGolden(t) {
		t.Run(g.name, func(t *testing.T) {
			m, err := Decode(g.frame)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			out, err := Encode(m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, want := jsonView(t, out), sent(g.want)
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				t.Errorf("re-encoded frame differs\n got %s\nwant %s", gj, wj)
			}
		})
	}
}

// TestGoldenFields checks the decoded Go fields of each captured message
// kind against what cbor-x read from the same frame.
func TestGoldenFields(t *testing.T) {
	str := func(v any, key string) string { s, _ := v.(map[string]any)[key].(string); return s }
	checks := map[string]func(t *testing.T, m Message, want map[string]any){
		"join": func(t *testing.T, m Message, want map[string]any) {
			if m.PeerMetadata == nil {
				t.Fatal("no peerMetadata")
			}
			pm := want["peerMetadata"].(map[string]any)
			if m.PeerMetadata.StorageID != str(pm, "storageId") || m.PeerMetadata.IsEphemeral != pm["isEphemeral"] {
				t.Errorf("peerMetadata %+v, want %v", *m.PeerMetadata, pm)
			}
			if !reflect.DeepEqual(m.SupportedProtocolVersions, []string{ProtocolV1}) {
				t.Errorf("supportedProtocolVersions %q", m.SupportedProtocolVersions)
			}
		},
		"peer": func(t *testing.T, m Message, want map[string]any) {
			if m.SelectedProtocolVersion != ProtocolV1 || m.PeerMetadata == nil || m.PeerMetadata.StorageID == "" {
				t.Errorf("peer %+v", m)
			}
		},
		"error": func(t *testing.T, m Message, want map[string]any) {
			if m.Message != str(want, "message") || m.Message == "" {
				t.Errorf("message %q, want %q", m.Message, str(want, "message"))
			}
		},
		"sync":    checkData,
		"request": checkData,
		"ephemeral": func(t *testing.T, m Message, want map[string]any) {
			checkData(t, m, want)
			if m.SessionID != str(want, "sessionId") || float64(m.Count) != want["count"] {
				t.Errorf("session %q count %d, want %v", m.SessionID, m.Count, want)
			}
		},
		"doc-unavailable": func(t *testing.T, m Message, want map[string]any) {
			if len(m.Data) != 0 {
				t.Errorf("data %x", m.Data)
			}
		},
		"remote-subscription-change": func(t *testing.T, m Message, want map[string]any) {
			if len(m.Add) != 1 || m.Add[0] != want["add"].([]any)[0] {
				t.Errorf("add %q, want %v", m.Add, want["add"])
			}
			if len(m.Remove) != 0 {
				t.Errorf("remove %q, want none", m.Remove)
			}
		},
		"remote-heads-changed": func(t *testing.T, m Message, want map[string]any) {
			wh := want["newHeads"].(map[string]any)
			if len(m.NewHeads) != len(wh) || len(wh) == 0 {
				t.Fatalf("newHeads %v, want %v", m.NewHeads, wh)
			}
			for sid, h := range m.NewHeads {
				w := wh[sid].(map[string]any)
				if float64(h.Timestamp) != w["timestamp"] || len(h.Heads) != len(w["heads"].([]any)) {
					t.Errorf("heads at %s: %+v, want %v", sid, h, w)
				}
			}
		},
	}
	seen := map[string]bool{}
	for _, g := range loadGolden(t) {
		t.Run(g.name, func(t *testing.T) {
			m, err := Decode(g.frame)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := g.want.(map[string]any)
			if m.Type != want["type"] || m.SenderID != str(want, "senderId") ||
				m.TargetID != str(want, "targetId") || m.DocumentID != str(want, "documentId") {
				t.Errorf("routing fields of %+v, want %v", m, want)
			}
			check, ok := checks[m.Type]
			if !ok {
				t.Fatalf("no check for type %q", m.Type)
			}
			seen[m.Type] = true
			check(t, m, want)
		})
	}
	for typ := range checks {
		if !seen[typ] {
			t.Errorf("no golden frame of type %q", typ)
		}
	}
}

func checkData(t *testing.T, m Message, want map[string]any) {
	t.Helper()
	w := want["data"].(map[string]any)["$bytes"].(string)
	if hex.EncodeToString(m.Data) != w || len(m.Data) == 0 {
		t.Errorf("data %x, want %s", m.Data, w)
	}
}

// TestGoldenHeaders pins the cbor-x quirks the frames are captured for.
func TestGoldenHeaders(t *testing.T) {
	var sawUndefined, sawFloatTimestamp bool
	for _, g := range loadGolden(t) {
		if g.frame[0] != 0xb9 {
			t.Errorf("%s: header %#x, want map16 0xb9", g.name, g.frame[0])
		}
		j, _ := json.Marshal(g.want)
		if strings.Contains(string(j), `"$undefined":true`) {
			sawUndefined = true
		}
		if strings.Contains(g.name, "remote-heads-changed") && strings.Contains(string(g.frame), "timestamp\xfb") {
			sawFloatTimestamp = true
		}
	}
	if !sawUndefined || !sawFloatTimestamp {
		t.Errorf("golden frames lack undefined (%v) or a float64 timestamp (%v)", sawUndefined, sawFloatTimestamp)
	}
}
