package password

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy is returned by Limiter.Do when no hashing slot came free within its
// wait. Services answer it with 503 and Retry-After.
var ErrBusy = errors.New("password: every hashing slot is busy")

// DefaultWait is how long a caller of Limiter.Do waits for a slot when
// NewLimiter is given zero: well inside a server's write timeout, so that a saturated
// service still answers every request.
const DefaultWait = 2 * time.Second

// Limiter runs password hashing in a bounded number of slots. Each argon2id
// hash holds its memory (19 MiB by default) while it runs, so an unbounded
// burst of logins or registrations is a burst of memory: with slots, memory
// stays at slots x m, requests beyond them queue for at most the wait, and
// throughput stays that of the machine's cores.
type Limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// NewLimiter returns a Limiter of concurrency slots (zero or less:
// GOMAXPROCS) whose callers wait at most wait (zero or less: DefaultWait)
// for one.
func NewLimiter(concurrency int, wait time.Duration) *Limiter {
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Limiter{slots: make(chan struct{}, concurrency), wait: wait}
}

// Wait is how long a caller of Do waits for a slot at most.
func (l *Limiter) Wait() time.Duration { return l.wait }

// Do runs f once it holds a slot. It returns ErrBusy when no slot came free
// within the wait, or the context's error when ctx ended first; f did not
// run then.
func (l *Limiter) Do(ctx context.Context, f func()) error {
	select {
	case l.slots <- struct{}{}:
	default:
		timer := time.NewTimer(l.wait)
		defer timer.Stop()
		select {
		case l.slots <- struct{}{}:
		case <-timer.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-l.slots }()
	f()
	return nil
}
