package password_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/password"
)

// TestLimiterBoundsConcurrency: 100 callers at once, 3 slots: never more
// than 3 run, the rest wait, and once the wait is over they get ErrBusy
// instead of queueing for ever.
func TestLimiterBoundsConcurrency(t *testing.T) {
	l := password.NewLimiter(3, 200*time.Millisecond)
	release := make(chan struct{})
	var running, peak, busy, done atomic.Int64
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := l.Do(context.Background(), func() {
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				<-release
				running.Add(-1)
			})
			switch {
			case errors.Is(err, password.ErrBusy):
				busy.Add(1)
			case err == nil:
				done.Add(1)
			default:
				t.Errorf("unexpected error %v", err)
			}
		}()
	}
	// Everyone without a slot gives up once the wait is over, while the
	// three slots are still held.
	for deadline := time.Now().Add(10 * time.Second); busy.Load() < 97 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
	if done.Load() != 3 || busy.Load() != 97 {
		t.Errorf("%d ran, %d busy; want 3 and 97", done.Load(), busy.Load())
	}
}

func TestLimiterHonoursTheContext(t *testing.T) {
	l := password.NewLimiter(1, time.Minute)
	release, holding := make(chan struct{}), make(chan struct{})
	go l.Do(context.Background(), func() { close(holding); <-release })
	<-holding
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran := false
	if err := l.Do(ctx, func() { ran = true }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Errorf("err = %v, ran = %v; want the context's error and no run", err, ran)
	}
	close(release)
}
