package backoff

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestNextGrowsWithJitterAndCaps(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: 1 * time.Second}
	tests := []struct {
		name string
		rand float64
		want []time.Duration
	}{
		{"floor", 0, []time.Duration{50, 100, 200, 400, 500, 500}},
		{"middle", 0.5, []time.Duration{75, 150, 300, 600, 750, 750}},
		{"out of range treated as 0", 1.5, []time.Duration{50, 100, 200, 400, 500, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(p, func() float64 { return tt.rand })
			for i, w := range tt.want {
				if got := b.Next(); got != w*time.Millisecond {
					t.Fatalf("attempt %d: got %v, want %v", i, got, w*time.Millisecond)
				}
			}
			if b.Failures() != len(tt.want) {
				t.Fatalf("failures = %d", b.Failures())
			}
			b.Reset()
			if got := b.Next(); got != p.Base/2+time.Duration(float64(p.Base/2)*clamp(tt.rand)) {
				t.Fatalf("after reset got %v", got)
			}
		})
	}
}

func clamp(r float64) float64 {
	if r < 0 || r >= 1 {
		return 0
	}
	return r
}

func TestNewFixesBadPolicy(t *testing.T) {
	b := New(Policy{}, func() float64 { return 0 })
	if got := b.Next(); got != Default().Base/2 {
		t.Fatalf("got %v", got)
	}
}

// stepClock fires every After immediately and records the waits.
type stepClock struct{ waits []time.Duration }

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func TestWait(t *testing.T) {
	c := &stepClock{}
	if err := Wait(context.Background(), c, time.Second); err != nil {
		t.Fatal(err)
	}
	if len(c.waits) != 1 || c.waits[0] != time.Second {
		t.Fatalf("waits %v", c.waits)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := neverClock{}
	if err := Wait(ctx, never, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

type neverClock struct{}

func (neverClock) After(time.Duration) <-chan time.Time { return nil }

func ExampleBackoff() {
	b := New(Policy{Base: time.Second, Max: 4 * time.Second}, func() float64 { return 0 })
	for range 4 {
		fmt.Println(b.Next())
	}
	// Output:
	// 500ms
	// 1s
	// 2s
	// 2s
}
