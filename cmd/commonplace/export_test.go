package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"
	"github.com/commonplace/commonplace/server/access"
	"github.com/commonplace/commonplace/server/store"
)

// export writes each document of the workspace, and only those, as an
// .automerge file that loads with the same heads and a .json file of its
// value. It works through a running server and without one.
func TestExport(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "mine")
	docs := writeDocs(t, s, token, 3)
	others := writeDocs(t, s, createToken(t, data, "theirs"), 1)

	check := func(out string) {
		t.Helper()
		for _, d := range docs {
			raw, err := os.ReadFile(filepath.Join(out, d.id+".automerge"))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := am.Load(raw)
			if err != nil {
				t.Fatalf("exported %s.automerge does not load: %v", d.id, err)
			}
			if !hasAll(doc, d.heads) {
				t.Errorf("exported %s lacks heads %v", d.id, d.heads)
			}
			js, err := os.ReadFile(filepath.Join(out, d.id+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(js, &got); err != nil {
				t.Fatalf("exported %s.json: %v", d.id, err)
			}
			want := map[string]any{"title": d.title, "tags": []any{"a", "b"}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("exported %s.json = %v, want %v", d.id, got, want)
			}
		}
		if _, err := os.Stat(filepath.Join(out, others[0].id+".json")); !os.IsNotExist(err) {
			t.Errorf("export of workspace mine wrote another workspace's document: %v", err)
		}
		entries, _ := os.ReadDir(out)
		if len(entries) != 2*len(docs) {
			t.Errorf("export wrote %d files, want %d", len(entries), 2*len(docs))
		}
	}

	live := filepath.Join(t.TempDir(), "live")
	_, errOut, err := cli(t, "export", "--data", data, "--workspace", "mine", "--out", live)
	if err != nil {
		t.Fatalf("export through the server: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "3/3") {
		t.Errorf("no progress bar on stderr: %q", errOut)
	}
	check(live)

	s.terminate(t)
	offline := filepath.Join(t.TempDir(), "offline")
	mustCLI(t, "export", "--data", data, "--workspace", "mine", "--out", offline)
	check(offline)
}

func TestExportUsage(t *testing.T) {
	_, errOut, err := cli(t, "export", "--data", t.TempDir())
	if exitCode(err) != 2 || !strings.Contains(errOut, "--workspace and --out are required") {
		t.Fatalf("export without flags: exit %d, stderr %q", exitCode(err), errOut)
	}
}

func TestExportRejectsUnsafeIDs(t *testing.T) {
	for _, id := range []string{"../escape", "a/b", "..", ""} {
		if err := exportDocument(t.TempDir(), id, nil); err == nil || !strings.Contains(err.Error(), "not a safe file name") {
			t.Errorf("exportDocument(%q): %v", id, err)
		}
	}
}

// A document whose stored chunks are all unreadable is reported, and the
// others are still exported.
func TestExportSkipsUnreadableDocument(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	token := createToken(t, data, "mine")
	docs := writeDocs(t, s, token, 2)
	s.terminate(t)

	broken := newDocumentID()
	ctx := context.Background()
	st, err := openStore(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.New(st).ClaimDoc(ctx, broken, "mine"); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, store.Key{"doc", broken, "incremental", "garbage"}, []byte("not automerge")); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	stdout, stderr, err := cli(t, "export", "--data", data, "--workspace", "mine", "--out", out)
	if exitCode(err) != 1 || !strings.Contains(stderr, broken) || !strings.Contains(stderr, "1 of 3 documents could not be exported") {
		t.Fatalf("export with a broken document: exit %d\nstdout %s\nstderr %s", exitCode(err), stdout, stderr)
	}
	for _, d := range docs {
		if _, err := os.Stat(filepath.Join(out, d.id+".automerge")); err != nil {
			t.Errorf("good document %s not exported: %v", d.id, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, broken+".json")); !os.IsNotExist(err) {
		t.Errorf("broken document exported anyway: %v", err)
	}
}
