// Package backoff spaces out reconnect attempts. A field app that loses its
// relay must not hammer it when it comes back, and many devices that lost
// the same relay at the same moment must not all return in the same second:
// so delays grow exponentially up to a cap and each one is drawn uniformly
// from [d/2, d) ("equal jitter"), which keeps a floor while spreading
// clients out. The random source and the clock are injected so reconnect
// loops are tested deterministically.
package backoff

import (
	"context"
	"time"
)

// Policy says how delays grow. The zero value is not useful; use Default.
type Policy struct {
	// Base is the delay before the second attempt (the first is immediate).
	Base time.Duration
	// Max caps every delay.
	Max time.Duration
}

// Default is the app's policy: 500 ms doubling up to 30 s.
func Default() Policy { return Policy{Base: 500 * time.Millisecond, Max: 30 * time.Second} }

// Clock is the time source a reconnect loop waits on.
type Clock interface {
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// After implements Clock.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Backoff counts consecutive failures and returns the next delay. It is not
// safe for concurrent use; one reconnect loop owns it.
type Backoff struct {
	policy Policy
	rand   func() float64
	fails  int
}

// New returns a Backoff for policy p drawing jitter from rand, which must
// return values in [0, 1) (math/rand/v2's Float64 in production, a fixed
// sequence in tests).
func New(p Policy, rand func() float64) *Backoff {
	if p.Base <= 0 {
		p.Base = Default().Base
	}
	if p.Max < p.Base {
		p.Max = p.Base
	}
	return &Backoff{policy: p, rand: rand}
}

// Next records a failure and returns how long to wait before the next attempt.
func (b *Backoff) Next() time.Duration {
	d := b.policy.Base
	for i := 0; i < b.fails && d < b.policy.Max; i++ {
		d *= 2
	}
	if d > b.policy.Max {
		d = b.policy.Max
	}
	b.fails++
	r := b.rand()
	if r < 0 || r >= 1 {
		r = 0
	}
	half := d / 2
	return half + time.Duration(float64(d-half)*r)
}

// Reset forgets past failures after a successful connection.
func (b *Backoff) Reset() { b.fails = 0 }

// Failures is the number of failures since the last Reset.
func (b *Backoff) Failures() int { return b.fails }

// Wait waits d on clock c, or until ctx ends (then it returns ctx.Err()).
func Wait(ctx context.Context, c Clock, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}
