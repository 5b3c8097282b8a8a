package password

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy is returned by Limited when no hashing slot came free within its
// wait. Services answer it with 503 and Retry-After.
var ErrBusy = errors.New("password: every hashing slot is busy")

// DefaultWait is how long a caller of Limited waits for a slot when Limit is
// given zero: well inside a server's write timeout, so that a saturated
// service still answers every request.
const DefaultWait = 2 * time.Second

// Limited is a Hasher whose work runs in a bounded number of slots. Each
// argon2id hash holds its memory (19 MiB by default) while it runs, so an
// unbounded burst of logins or registrations is a burst of memory: with
// slots, memory stays at slots x m, requests beyond them queue for at most
// the wait, and throughput stays that of the machine's cores.
type Limited struct {
	hasher Hasher
	slots  chan struct{}
	wait   time.Duration
}

// Limit bounds h to concurrency hashes at once (zero or less: GOMAXPROCS),
// each caller waiting at most wait (zero or less: DefaultWait) for a slot.
func Limit(h Hasher, concurrency int, wait time.Duration) *Limited {
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Limited{hasher: h, slots: make(chan struct{}, concurrency), wait: wait}
}

// Hash is the hasher's Hash in a slot.
func (l *Limited) Hash(ctx context.Context, password string) (hash string, err error) {
	err = l.do(ctx, func() { hash, err = l.hasher.Hash(password) })
	return hash, err
}

// Verify is the hasher's Verify in a slot.
func (l *Limited) Verify(ctx context.Context, password, hash string) (ok, rehash bool, err error) {
	err = l.do(ctx, func() { ok, rehash, err = l.hasher.Verify(password, hash) })
	return ok, rehash, err
}

// VerifyDummy is the hasher's VerifyDummy in a slot: an unknown account
// waits for a slot like a known one, so a full queue tells nothing either.
func (l *Limited) VerifyDummy(ctx context.Context, password string) error {
	return l.do(ctx, func() { l.hasher.VerifyDummy(password) })
}

// do runs f once it holds a slot; ErrBusy or the context's error when it
// gets none in time. The error f sets is f's own.
func (l *Limited) do(ctx context.Context, f func()) error {
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
