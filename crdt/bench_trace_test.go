package crdt_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/commonplace/commonplace/crdt/internal/difftest"
)

// The benchmarks replay the automerge-perf editing trace (259,778
// single-character splices of one Text, ending in a 104,852-character
// paper) in every engine the build has: crdt always, automerge-go with cgo.
// scripts/bench-crdt runs them and prints crdt ÷ automerge-go ratios.

func paperTrace(tb testing.TB) *difftest.Trace {
	tb.Helper()
	path, err := difftest.FindSharedData(difftest.PaperTrace)
	if errors.Is(err, difftest.ErrNoTrace) {
		tb.Skipf("skipping: %v (see /work/shared/data/README.md)", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tr, err := difftest.LoadTrace(path)
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

// commitModes are the two ways the trace is committed.
var commitModes = []struct {
	name  string
	every int
}{{"apply-commit-once", 0}, {"apply-commit-every-100-edits", 100}}

func applyChecked(tb testing.TB, e difftest.TraceEngine, tr *difftest.Trace, every int) difftest.TraceDoc {
	tb.Helper()
	d, err := e.Apply(tr.Edits, every)
	if err != nil {
		tb.Fatalf("%s: %v", e.Name(), err)
	}
	if got, err := d.Text(); err != nil || got != tr.FinalText {
		tb.Fatalf("%s: the trace ends in the wrong text (%d characters, %v)", e.Name(), len([]rune(got)), err)
	}
	return d
}

// BenchmarkTrace times applying the trace (one op per iteration of the
// trace, one benchmark iteration per whole trace), Save (reporting the
// saved size) and Load of that save.
func BenchmarkTrace(b *testing.B) {
	tr := paperTrace(b)
	for _, e := range traceEngines() {
		for _, m := range commitModes {
			b.Run(e.Name()+"/"+m.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := e.Apply(tr.Edits, m.every); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tr.Edits)), "ns/edit")
			})
		}
		d := applyChecked(b, e, tr, 0)
		saved := d.Save()
		b.Run(e.Name()+"/save", func(b *testing.B) {
			for b.Loop() {
				saved = d.Save()
			}
			b.ReportMetric(float64(len(saved)), "bytes")
		})
		b.Run(e.Name()+"/load", func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Load(saved); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Peak memory is measured in a fresh child process per engine and phase:
// automerge-go allocates in Rust's allocator, which Go's runtime statistics
// do not see, so both engines are measured the same way, by the kernel's
// resident-set high-water mark (VmHWM). The child reads the trace (and for
// "load" the saved document), collects garbage and returns free memory to
// the OS, resets the high-water mark (writing 5 to /proc/self/clear_refs),
// records VmRSS as the baseline, runs the phase, and reports VmHWM minus
// the baseline. For crdt that includes the Go heap's growth headroom
// (GOGC=100 lets the heap reach about twice the live data), which is what
// the process really needs.
const (
	childEnv = "CRDT_TRACE_CHILD" // engine/phase
	savedEnv = "CRDT_TRACE_SAVED" // file holding the document "load" reads
)

var memoryPhases = []string{"apply-commit-once", "apply-commit-every-100-edits", "load"}

// BenchmarkTraceMemory reports each engine's peak resident memory per phase
// in MiB. Each iteration starts a child process; run it with -benchtime=1x.
func BenchmarkTraceMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil || runtime.GOOS == "js" {
		b.Skip("skipping: needs Linux /proc and child processes")
	}
	tr := paperTrace(b)
	dir := b.TempDir()
	for _, e := range traceEngines() {
		saved := filepath.Join(dir, e.Name()+".automerge")
		if err := os.WriteFile(saved, applyChecked(b, e, tr, 0).Save(), 0o644); err != nil {
			b.Fatal(err)
		}
		for _, phase := range memoryPhases {
			b.Run(e.Name()+"/"+phase, func(b *testing.B) {
				var peak uint64
				for b.Loop() {
					p, err := childPeak(e.Name()+"/"+phase, saved)
					if err != nil {
						b.Fatal(err)
					}
					peak = max(peak, p)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			})
		}
	}
}

var peakLine = regexp.MustCompile(`^TRACE-PEAK (\d+)$`)

func childPeak(job, saved string) (uint64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestTraceMemoryChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+job, savedEnv+"="+saved)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("child %s: %w\n%s", job, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if m := peakLine.FindStringSubmatch(sc.Text()); m != nil {
			return strconv.ParseUint(m[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("child %s printed no peak:\n%s", job, out)
}

// TestTraceMemoryChild is the child BenchmarkTraceMemory starts; it is
// skipped unless CRDT_TRACE_CHILD names an engine and phase.
func TestTraceMemoryChild(t *testing.T) {
	job := os.Getenv(childEnv)
	if job == "" {
		t.Skip("runs only as BenchmarkTraceMemory's child process")
	}
	name, phase, _ := strings.Cut(job, "/")
	var e difftest.TraceEngine
	for _, c := range traceEngines() {
		if c.Name() == name {
			e = c
		}
	}
	if e == nil {
		t.Fatalf("no engine %q in this build", name)
	}
	tr := paperTrace(t)
	var saved []byte
	if phase == "load" {
		var err error
		if saved, err = os.ReadFile(os.Getenv(savedEnv)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset the high-water mark: %v", err)
	}
	base := procStatus(t, "VmRSS")
	var d difftest.TraceDoc
	var err error
	switch phase {
	case "apply-commit-once":
		d, err = e.Apply(tr.Edits, 0)
	case "apply-commit-every-100-edits":
		d, err = e.Apply(tr.Edits, 100)
	case "load":
		d, err = e.Load(saved)
	default:
		t.Fatalf("unknown phase %q", phase)
	}
	if err != nil {
		t.Fatal(err)
	}
	peak := procStatus(t, "VmHWM")
	runtime.KeepAlive(d)
	fmt.Printf("TRACE-PEAK %d\n", peak-min(base, peak))
}

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(t *testing.T, field string) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no %s in /proc/self/status", field)
	}
	kb, _ := strconv.ParseUint(string(m[1]), 10, 64)
	return kb << 10
}
