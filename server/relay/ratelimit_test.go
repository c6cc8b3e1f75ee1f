package relay

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name  string
		steps []time.Duration // offsets from t0 of each message
		want  []bool
	}{
		{"burst then refuse", []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}},
		{"refills at rate", []time.Duration{0, 0, 0, 0, 500 * time.Millisecond}, []bool{true, true, true, false, true}},
		{"refill capped at burst", []time.Duration{time.Hour, time.Hour, time.Hour, time.Hour}, []bool{true, true, true, false}},
		{"clock going back spends no extra", []time.Duration{time.Second, 0, 0, 0}, []bool{true, true, true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBucket(2, 3, t0)
			for i, d := range tc.steps {
				if got := b.allow(t0.Add(d)); got != tc.want[i] {
					t.Fatalf("message %d at +%v: allow = %v, want %v", i, d, got, tc.want[i])
				}
			}
		})
	}
}
