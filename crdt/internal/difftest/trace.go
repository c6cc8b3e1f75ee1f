package difftest

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// SharedDataEnv overrides where the shared benchmark data lives.
const SharedDataEnv = "COMMONPLACE_SHARED_DATA"

// ErrNoTrace is returned when the editing trace is not on this machine.
var ErrNoTrace = errors.New("editing trace not found")

// PaperTrace is the automerge-perf editing trace as index-based splices.
const PaperTrace = "paper-edits.json.gz"

// FindSharedData returns the path of name in the shared data directory:
// $COMMONPLACE_SHARED_DATA, or else the first shared/data found walking up
// from the working directory (the repository's sibling ../shared/data).
// The data stays there; tests never copy it into the repository.
func FindSharedData(name string) (string, error) {
	if dir := os.Getenv(SharedDataEnv); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w (%v)", SharedDataEnv, dir, ErrNoTrace, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for range 32 {
		p := filepath.Join(dir, "shared", "data", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no shared/data/%s above the working directory and %s unset: %w", name, SharedDataEnv, ErrNoTrace)
}

// Splice is one edit of a text trace: at Pos (in characters of the text
// as it stands), delete Del characters and insert Text.
type Splice struct {
	Pos, Del int
	Text     string
}

// Trace is a text editing history and the text it ends with.
type Trace struct {
	Edits     []Splice
	FinalText string
}

// LoadTrace reads a gzip'd {"edits": [[pos, del, text], ...], "finalText"}.
func LoadTrace(path string) (*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open trace: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read trace %s: %w", path, err)
	}
	var raw struct {
		Edits     [][3]any `json:"edits"`
		FinalText string   `json:"finalText"`
	}
	if err := json.NewDecoder(zr).Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode trace %s: %w", path, err)
	}
	t := &Trace{FinalText: raw.FinalText, Edits: make([]Splice, len(raw.Edits))}
	for i, e := range raw.Edits {
		pos, ok1 := e[0].(float64)
		del, ok2 := e[1].(float64)
		text, ok3 := e[2].(string)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("trace %s: edit %d is not [pos, del, text]: %v", path, i, e)
		}
		t.Edits[i] = Splice{Pos: int(pos), Del: int(del), Text: text}
	}
	return t, nil
}

// TraceEngine applies a text trace in one engine, for benchmarks.
type TraceEngine interface {
	Name() string
	// Apply makes a document with one Text at key "text", applies edits
	// as one splice call each, and commits after every commitEvery edits
	// (0: once at the end).
	Apply(edits []Splice, commitEvery int) (TraceDoc, error)
	Load(data []byte) (TraceDoc, error)
}

// TraceDoc is a document a TraceEngine made or loaded.
type TraceDoc interface {
	Save() []byte
	Text() (string, error)
}

// Tracer returns the API as a TraceEngine.
func (a *API[D, V, M, L, T, C, K, H, Ch, CO]) Tracer() TraceEngine {
	return tracer[D, V, M, L, T, C, K, H, Ch, CO]{a}
}

type tracer[D docAPI[D, V, H, Ch, CO], V valueAPI[M, L, T, C, K], M mapAPI[V], L listAPI[V], T textAPI, C counterAPI, K comparable, H ~[32]byte, Ch changeAPI[H], CO any] struct {
	api *API[D, V, M, L, T, C, K, H, Ch, CO]
}

type traceDoc[D docAPI[D, V, H, Ch, CO], V valueAPI[M, L, T, C, K], M mapAPI[V], L listAPI[V], T textAPI, C counterAPI, K comparable, H ~[32]byte, Ch changeAPI[H], CO any] struct {
	d D
}

func (t traceDoc[D, V, M, L, T, C, K, H, Ch, CO]) Save() []byte { return t.d.Save() }

func (t traceDoc[D, V, M, L, T, C, K, H, Ch, CO]) Text() (string, error) {
	v, err := t.d.Root().Map().Get("text")
	if err != nil {
		return "", err
	}
	return v.Text().Get()
}

func (tr tracer[D, V, M, L, T, C, K, H, Ch, CO]) Name() string { return tr.api.Name }

// traceTime is the commit time of every trace change, so both engines
// write the same bytes.
var traceTime = time.UnixMilli(1700000000000)

func (tr tracer[D, V, M, L, T, C, K, H, Ch, CO]) Apply(edits []Splice, commitEvery int) (TraceDoc, error) {
	d := tr.api.New()
	if err := d.SetActorID("aa"); err != nil {
		return nil, err
	}
	text := tr.api.NewText("")
	if err := d.Root().Map().Set("text", text); err != nil {
		return nil, err
	}
	opts := tr.api.CommitAt(traceTime, false)
	for i, e := range edits {
		if err := text.Splice(e.Pos, e.Del, e.Text); err != nil {
			return nil, fmt.Errorf("edit %d %+v: %w", i, e, err)
		}
		if commitEvery > 0 && (i+1)%commitEvery == 0 {
			if _, err := d.Commit("", opts); err != nil {
				return nil, fmt.Errorf("commit after edit %d: %w", i, err)
			}
		}
	}
	if commitEvery == 0 || len(edits)%commitEvery != 0 {
		if _, err := d.Commit("", opts); err != nil {
			return nil, fmt.Errorf("final commit: %w", err)
		}
	}
	return traceDoc[D, V, M, L, T, C, K, H, Ch, CO]{d}, nil
}

func (tr tracer[D, V, M, L, T, C, K, H, Ch, CO]) Load(data []byte) (TraceDoc, error) {
	d, err := tr.api.Load(data)
	if err != nil {
		return nil, err
	}
	return traceDoc[D, V, M, L, T, C, K, H, Ch, CO]{d}, nil
}
