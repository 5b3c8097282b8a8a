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

// gate is a Hasher whose every call blocks until released, counting how
// many run at once.
type gate struct {
	running, peak atomic.Int64
	release       chan struct{}
}

func (g *gate) enter() {
	n := g.running.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	<-g.release
	g.running.Add(-1)
}

func (g *gate) Hash(string) (string, error) { g.enter(); return "h", nil }
func (g *gate) Verify(string, string) (bool, bool, error) {
	g.enter()
	return true, false, nil
}
func (g *gate) VerifyDummy(string) { g.enter() }

// TestLimitBoundsConcurrency: 100 callers at once, 3 slots: never more than
// 3 hashes run, the rest wait, and once the wait is over they get ErrBusy
// instead of queueing for ever.
func TestLimitBoundsConcurrency(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	l := password.Limit(g, 3, 200*time.Millisecond)
	var wg sync.WaitGroup
	var busy, done atomic.Int64
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				_, err = l.Hash(context.Background(), "pw")
			case 1:
				_, _, err = l.Verify(context.Background(), "pw", "h")
			default:
				err = l.VerifyDummy(context.Background(), "pw")
			}
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
	close(g.release)
	wg.Wait()
	if p := g.peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
	if done.Load() != 3 || busy.Load() != 97 {
		t.Errorf("%d hashed, %d busy; want 3 and 97", done.Load(), busy.Load())
	}
}

func TestLimitHonoursTheContext(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	l := password.Limit(g, 1, time.Minute)
	go l.Hash(context.Background(), "holds the slot")
	for g.running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Hash(ctx, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's", err)
	}
	close(g.release)
}

func TestLimitPassesResultsThrough(t *testing.T) {
	l := password.Limit(&password.Argon2id{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0, 0)
	ctx := context.Background()
	h, err := l.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := l.Verify(ctx, "correct horse", h); !ok || err != nil {
		t.Errorf("right password: ok=%v err=%v", ok, err)
	}
	if ok, _, err := l.Verify(ctx, "wrong", h); ok || err != nil {
		t.Errorf("wrong password: ok=%v err=%v", ok, err)
	}
}
