//go:build cgo && !js && !wasip1

package format

import (
	"fmt"
	"testing"
	"time"

	"github.com/automerge/automerge-go"
)

// largeDoc builds, with automerge-go, a text of about ops insertions in
// ten-character splices at scattered positions, with some deletions and a
// commit every hundred edits: the shape of an editing trace.
func largeDoc(b *testing.B, ops int) []byte {
	b.Helper()
	d := automerge.New()
	if err := d.RootMap().Set("text", automerge.NewText("")); err != nil {
		b.Fatal(err)
	}
	v, err := d.RootMap().Get("text")
	if err != nil {
		b.Fatal(err)
	}
	txt := v.Text()
	at := time.UnixMilli(1700000000000)
	length := 0
	for i := 0; i*10 < ops; i++ {
		pos := (i * 7919) % (length + 1)
		del := 0
		if i%4 == 3 && length-pos >= 3 {
			del = 3
		}
		chunk := alphabet[i%26 : i%26+10]
		if err := txt.Splice(pos, del, chunk); err != nil {
			b.Fatal(err)
		}
		length += 10 - del
		if i%100 == 99 {
			if _, err := d.Commit(fmt.Sprint(i), automerge.CommitOptions{Time: &at, AllowEmpty: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := d.Commit("end", automerge.CommitOptions{Time: &at, AllowEmpty: true}); err != nil {
		b.Fatal(err)
	}
	return d.Save()
}

const alphabet = "abcdefghijklmnopqrstuvwxyzabcdefghij"

func benchDoc(b *testing.B) ([]byte, *Document) {
	b.Helper()
	saved := largeDoc(b, 260000)
	d, err := DecodeDocument(saved)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.ReportAllocs()
	b.Cleanup(func() { b.ReportMetric(float64(len(d.Ops)), "docops") })
	return saved, d
}

func BenchmarkDecodeDocument(b *testing.B) {
	saved, _ := benchDoc(b)
	b.SetBytes(int64(len(saved)))
	for i := 0; i < b.N; i++ {
		if _, err := DecodeDocument(saved); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeDocument(b *testing.B) {
	_, d := benchDoc(b)
	for i := 0; i < b.N; i++ {
		if _, err := EncodeDocument(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeDocumentUncompressed(b *testing.B) {
	_, d := benchDoc(b)
	for i := 0; i < b.N; i++ {
		if _, err := EncodeDocumentUncompressed(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReconstructChanges(b *testing.B) {
	_, d := benchDoc(b)
	for i := 0; i < b.N; i++ {
		if _, err := ReconstructChanges(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReconstructChangeHeaders(b *testing.B) {
	_, d := benchDoc(b)
	for i := 0; i < b.N; i++ {
		if _, err := ReconstructChangeHeaders(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeChange(b *testing.B) {
	_, d := benchDoc(b)
	chs, err := ReconstructChanges(d)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range chs {
			if _, err := DecodeChange(c.Raw); err != nil {
				b.Fatal(err)
			}
		}
	}
}
