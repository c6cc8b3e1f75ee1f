package wire

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// TestNodeDecodesEncode writes this package's encoding of every golden
// message, plus messages only a server sends, and has automerge-repo's own
// CBOR decoder (scripts/js/wire/decode.mjs) read them back.
func TestNodeDecodesEncode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	jsDir, err := filepath.Abs(filepath.Join("..", "..", "scripts", "js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "@automerge", "automerge-repo")); err != nil {
		t.Skip("scripts/js/node_modules not installed (npm ci in scripts/js)")
	}

	dir := t.TempDir()
	want := map[string]any{}
	write := func(name string, m Message) {
		b, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".cbor"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		want[name] = jsonView(t, b)
	}
	for _, g := range loadGolden(t) {
		m, err := Decode(g.frame)
		if err != nil {
			t.Fatalf("Decode %s: %v", g.name, err)
		}
		write(g.name, m)
		want[g.name] = sent(g.want) // independent of jsonView: what cbor-x saw
	}
	write("server-peer", Message{Type: TypePeer, SenderID: "relay", TargetID: "peer-x",
		PeerMetadata: &PeerMetadata{StorageID: "3f1c", IsEphemeral: false}, SelectedProtocolVersion: ProtocolV1})
	write("server-heads", Message{Type: TypeRemoteHeadsChanged, SenderID: "relay", TargetID: "peer-x", DocumentID: "d",
		NewHeads: map[string]HeadsAt{"sid": {Heads: nil, Timestamp: 1795926499066}}})

	cmd := exec.Command(node, "wire/decode.mjs", dir)
	cmd.Dir = jsDir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node wire/decode.mjs: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("parse node output %q: %v", out, err)
	}
	for name, w := range want {
		if !reflect.DeepEqual(got[name], w) {
			gj, _ := json.Marshal(got[name])
			wj, _ := json.Marshal(w)
			t.Errorf("%s: node decoded\n %s\nwant\n %s", name, gj, wj)
		}
	}
	// The nil heads list must arrive as an array, not null.
	heads := got["server-heads"].(map[string]any)["newHeads"].(map[string]any)["sid"].(map[string]any)["heads"]
	if _, ok := heads.([]any); !ok {
		t.Errorf("nil heads encoded as %#v, want []", heads)
	}
}
