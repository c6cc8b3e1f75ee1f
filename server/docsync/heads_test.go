package docsync_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/commonplace/commonplace/server/docsync"
)

// The expected texts come from the npm bs58check package that
// automerge-repo uses (bs58check.encode of the 32 bytes).
func TestEncodeDecodeHead(t *testing.T) {
	var seq, ones docsync.Hash
	for i := range seq {
		seq[i], ones[i] = byte(i), 0xff
	}
	for _, tc := range []struct {
		h    docsync.Hash
		text string
	}{
		{seq, "16qJFWMMHFy3xDdLmvUeyc2S6FrWRhJP51HsvDYdz9d1FsYG"},
		{ones, "2wkBET2rRgE8pahuaczxKbmv7ciehqsne57F9gtzf1PVZS9BEY"},
	} {
		got := docsync.EncodeHeads([]docsync.Hash{tc.h})
		if len(got) != 1 || got[0] != tc.text {
			t.Errorf("EncodeHeads(%x) = %q, want %q", tc.h, got, tc.text)
		}
		back, err := docsync.DecodeHead(tc.text)
		if err != nil || back != tc.h {
			t.Errorf("DecodeHead(%q) = %x, %v", tc.text, back, err)
		}
	}
}

func TestDecodeHeadRejects(t *testing.T) {
	for name, s := range map[string]string{
		"empty":                  "",
		"not base58":             "0OIl",
		"bad checksum":           "16qJFWMMHFy3xDdLmvUeyc2S6FrWRhJP51HsvDYdz9d1FsYH",
		"document id (16 bytes)": "2v3rkia9QeE2R9cBqPSwB1RjJmDw",
		"too long":               string(make([]byte, 100)),
	} {
		if _, err := docsync.DecodeHead(s); !errors.Is(err, docsync.ErrBadHead) {
			t.Errorf("%s: err = %v, want ErrBadHead", name, err)
		}
	}
}

func FuzzDecodeHead(f *testing.F) {
	f.Add("16qJFWMMHFy3xDdLmvUeyc2S6FrWRhJP51HsvDYdz9d1FsYG")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := docsync.DecodeHead(s)
		if err != nil {
			return
		}
		if got := docsync.EncodeHeads([]docsync.Hash{h})[0]; got != s {
			t.Fatalf("DecodeHead(%q) re-encodes as %q", s, got)
		}
	})
}

func ExampleEncodeHeads() {
	var h docsync.Hash
	for i := range h {
		h[i] = byte(i)
	}
	fmt.Println(docsync.EncodeHeads([]docsync.Hash{h}))
	// Output: [16qJFWMMHFy3xDdLmvUeyc2S6FrWRhJP51HsvDYdz9d1FsYG]
}
