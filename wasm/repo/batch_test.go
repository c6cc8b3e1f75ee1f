package repo

import (
	"bytes"
	"errors"
	"testing"
)

func TestBatchRoundTrip(t *testing.T) {
	dm, err := batchDecMode()
	if err != nil {
		t.Fatal(err)
	}
	for _, frames := range [][][]byte{
		{{0xa0}},
		{{1, 2, 3}, {}, bytes.Repeat([]byte{9}, 70000)},
		make([][]byte, maxBatch),
	} {
		body, err := encodeBatch(frames)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeBatch(dm, body)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(frames) {
			t.Fatalf("%d frames back, want %d", len(got), len(frames))
		}
		for i := range frames {
			if !bytes.Equal(got[i], frames[i]) {
				t.Fatalf("frame %d differs", i)
			}
		}
	}
}

func TestDecodeBatch(t *testing.T) {
	dm, err := batchDecMode()
	if err != nil {
		t.Fatal(err)
	}
	tooMany := append([]byte{0x99, 0x01, 0x01}, bytes.Repeat([]byte{0x40}, maxReplies+1)...)
	tests := []struct {
		name   string
		body   []byte
		frames int
		bad    bool
	}{
		{"empty reply", []byte{0x80}, 0, false},
		{"two frames", []byte{0x82, 0x41, 0xa0, 0x40}, 2, false},
		{"no body", nil, 0, true},
		{"not an array", []byte{0xa0}, 0, true},
		{"text item", []byte{0x81, 0x61, 'x'}, 0, true},
		{"nested array", []byte{0x81, 0x81, 0x40}, 0, true},
		{"truncated", []byte{0x82, 0x41}, 0, true},
		{"trailing bytes", []byte{0x80, 0x00}, 0, true},
		{"over the item limit", tooMany, 0, true},
		{"byte string longer than the body", []byte{0x81, 0x5a, 0xff, 0xff, 0xff, 0xff}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeBatch(dm, tt.body)
			if tt.bad {
				if !errors.Is(err, ErrBadBatch) {
					t.Fatalf("err = %v, want ErrBadBatch", err)
				}
				return
			}
			if err != nil || len(got) != tt.frames {
				t.Fatalf("got %d frames, %v; want %d", len(got), err, tt.frames)
			}
		})
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte{0x80})
	f.Add([]byte{0x82, 0x41, 0xa0, 0x40})
	f.Add([]byte{0x81, 0x5a, 0xff, 0xff, 0xff, 0xff})
	dm, err := batchDecMode()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		frames, err := decodeBatch(dm, body)
		if err != nil {
			if !errors.Is(err, ErrBadBatch) {
				t.Fatalf("error %v does not wrap ErrBadBatch", err)
			}
			return
		}
		if len(frames) > maxReplies {
			t.Fatalf("%d frames past the limit", len(frames))
		}
		again, err := encodeBatch(frames)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeBatch(dm, again); err != nil {
			t.Fatalf("re-encoded batch does not decode: %v", err)
		}
	})
}
