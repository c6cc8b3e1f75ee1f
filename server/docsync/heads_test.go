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

func TestSyncHeads(t *testing.T) {
	var h docsync.Hash
	h[0], h[31] = 1, 2
	withHead := append([]byte{0x42, 1}, h[:]...)
	for _, tc := range []struct {
		name string
		msg  []byte
		want []docsync.Hash
		err  bool
	}{
		{"no heads", []byte{0x42, 0, 0, 0, 0}, []docsync.Hash{}, false},
		{"one head, rest ignored", append(withHead, 0, 0, 0), []docsync.Hash{h}, false},
		{"v2 type byte", append([]byte{0x43}, withHead[1:]...), []docsync.Hash{h}, false},
		{"empty", nil, nil, true},
		{"wrong type byte", []byte{0x85, 0}, nil, true},
		{"truncated hash", withHead[:20], nil, true},
		{"count without end", []byte{0x42, 0x80}, nil, true},
		{"huge count", []byte{0x42, 0xff, 0xff, 0xff, 0xff, 0x0f}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := docsync.SyncHeads(tc.msg)
			if tc.err {
				if !errors.Is(err, docsync.ErrBadSyncMessage) {
					t.Fatalf("err = %v, want ErrBadSyncMessage", err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("SyncHeads = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func FuzzSyncHeads(f *testing.F) {
	f.Add([]byte{0x42, 0, 0, 0, 0})
	f.Add([]byte{0x43, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := docsync.SyncHeads(b)
		if err == nil && 2+32*len(hs) > len(b) {
			t.Fatalf("%d heads from %d bytes", len(hs), len(b))
		}
	})
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

func ExampleSyncHeads() {
	// A sync message starts with its type byte and the sender's heads: a
	// count, then 32 bytes per head.
	msg := append([]byte{0x42, 1}, make([]byte, 32)...)
	msg = append(msg, 0, 0, 0) // need, have, changes: not read
	heads, err := docsync.SyncHeads(msg)
	fmt.Println(len(heads), err)
	// Output: 1 <nil>
}
