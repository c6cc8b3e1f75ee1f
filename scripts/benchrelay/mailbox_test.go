package main

import (
	"strconv"
	"testing"
	"time"
)

// TestMailboxOrderAndLimit: frames come out in the order they went in,
// however take's batches fall; put blocks at the limit until a take; close
// still delivers what was put, then take reports the end.
func TestMailboxOrderAndLimit(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		frames int
	}{
		{"under the limit", 8, 5},
		{"many times the limit", 3, 100},
		{"limit of one", 1, 20},
		{"nothing", 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailbox(tc.limit)
			go func() {
				defer m.close()
				for i := range tc.frames {
					if !m.put(inbound{docID: strconv.Itoa(i)}) {
						t.Error("put on an open mailbox failed")
						return
					}
				}
			}()
			var got []string
			var batch []inbound
			for {
				var ok bool
				if batch, ok = m.take(batch); !ok {
					break
				}
				if len(batch) > tc.limit {
					t.Fatalf("batch of %d beyond limit %d", len(batch), tc.limit)
				}
				for _, in := range batch {
					got = append(got, in.docID)
				}
			}
			if len(got) != tc.frames {
				t.Fatalf("took %d frames, want %d", len(got), tc.frames)
			}
			for i, id := range got {
				if id != strconv.Itoa(i) {
					t.Fatalf("frame %d is %s: out of order", i, id)
				}
			}
		})
	}
}

// TestMailboxPutBlocksWhenFull: a full mailbox holds the reader back until
// the worker takes, and refuses frames once closed.
func TestMailboxPutBlocksWhenFull(t *testing.T) {
	m := newMailbox(2)
	m.put(inbound{docID: "a"})
	m.put(inbound{docID: "b"})
	done := make(chan bool)
	go func() { done <- m.put(inbound{docID: "c"}) }()
	select {
	case <-done:
		t.Fatal("put into a full mailbox returned at once")
	case <-time.After(50 * time.Millisecond):
	}
	if batch, ok := m.take(nil); !ok || len(batch) != 2 {
		t.Fatalf("take = %d frames, %v", len(batch), ok)
	}
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("put after a take failed")
		}
	case <-time.After(time.Minute):
		t.Fatal("put still blocked after a take")
	}
	m.close()
	if m.put(inbound{docID: "d"}) {
		t.Fatal("put into a closed mailbox succeeded")
	}
	if batch, ok := m.take(nil); !ok || len(batch) != 1 || batch[0].docID != "c" {
		t.Fatalf("after close, take = %v, %v; want frame c", batch, ok)
	}
	if _, ok := m.take(nil); ok {
		t.Fatal("take on a closed, drained mailbox reported a frame")
	}
}
