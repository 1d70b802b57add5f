package jobs

import (
	"context"
	"time"
)

// Every calls fn every interval until ctx ends, then returns. It is for the
// small periodic chores of one instance (sweeps, expiries, lease renewals)
// that need no durable job: fn logs its own errors, and cancelling the
// context it was given stops the loop after fn returns.
func Every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			// A tick and the end may be ready together; the end wins.
			if ctx.Err() != nil {
				return
			}
			fn(ctx)
		}
	}
}
