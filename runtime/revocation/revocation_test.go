package revocation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// source is a Source over a slice, which records what it was asked.
type source struct {
	mu     sync.Mutex
	ended  []Ended
	asked  []time.Time
	broken bool
}

func (s *source) EndedSessions(_ context.Context, since time.Time) ([]Ended, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, since)
	if s.broken {
		return nil, errors.New("store down")
	}
	var out []Ended
	for _, e := range s.ended {
		if !e.At.Before(since) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *source) revoke(id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = append(s.ended, Ended{id, at})
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSyncLearnsAndForgets(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	src := &source{}
	src.revoke("old", clk.now.Add(-20*time.Minute)) // past keep: its tokens expired
	src.revoke("recent", clk.now.Add(-5*time.Minute))
	l := New(src, 15*time.Minute)
	l.Now = clk.Now
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if want := clk.now.Add(-15 * time.Minute); !src.asked[0].Equal(want) {
		t.Errorf("first poll asked from %v, want %v (now - keep)", src.asked[0], want)
	}
	if l.Revoked("old") || !l.Revoked("recent") || l.Revoked("live") || l.Revoked("") {
		t.Fatalf("after the first sync: old %v recent %v live %v", l.Revoked("old"), l.Revoked("recent"), l.Revoked("live"))
	}
	clk.add(time.Second)
	src.revoke("new", clk.now)
	if l.Revoked("new") {
		t.Fatal("revoked before a sync saw it")
	}
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if want := clk.now.Add(-time.Second - DefaultOverlap); !src.asked[1].Equal(want) {
		t.Errorf("second poll asked from %v, want %v (previous start - overlap)", src.asked[1], want)
	}
	if !l.Revoked("new") {
		t.Fatal("a synced revocation is not seen")
	}
	// Ten minutes on, "recent" has been revoked for 15m01s: forgotten.
	clk.add(10*time.Minute + time.Second)
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if l.Revoked("recent") || !l.Revoked("new") {
		t.Fatalf("after keep: recent %v (want forgotten), new %v", l.Revoked("recent"), l.Revoked("new"))
	}
	if n := l.count.Load(); n != 1 {
		t.Fatalf("count = %d, want 1", n)
	}
}

// A revocation stamped before the previous poll started but committed after
// it (or stamped by a clock a little behind) is still found.
func TestOverlapCatchesLateCommits(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	src := &source{}
	l := New(src, 15*time.Minute)
	l.Now = clk.Now
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	src.revoke("late", clk.now.Add(-3*time.Second))
	clk.add(500 * time.Millisecond)
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if !l.Revoked("late") {
		t.Fatal("a revocation committed after the poll it predates was lost")
	}
}

func TestWatchGoesStaleAndRecovers(t *testing.T) {
	src := &source{}
	l := New(src, time.Minute)
	if err := l.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reported sync.WaitGroup
	reported.Add(1)
	var once sync.Once
	go l.Watch(ctx, 10*time.Millisecond, 50*time.Millisecond, func(error) { once.Do(reported.Done) })
	src.mu.Lock()
	src.broken = true
	src.mu.Unlock()
	reported.Wait()
	waitFor(t, "stale", l.Stale)
	src.mu.Lock()
	src.broken = false
	src.mu.Unlock()
	src.revoke("s1", time.Now())
	waitFor(t, "fresh again", func() bool { return !l.Stale() && l.Revoked("s1") })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after 5s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Revoked runs on every request while polls add and forget: -race checks
// the List under both at once, and no session once seen is lost while
// its keep lasts.
func TestRevokedWhileSyncing(t *testing.T) {
	src := &source{}
	l := New(src, time.Hour)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					l.Revoked("s0")
				}
			}
		}()
	}
	for i := range 200 {
		id := fmt.Sprintf("s%d", i)
		src.revoke(id, time.Now())
		if err := l.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !l.Revoked(id) || !l.Revoked("s0") {
			t.Fatalf("after sync %d: %s %v, s0 %v", i, id, l.Revoked(id), l.Revoked("s0"))
		}
	}
	close(stop)
	wg.Wait()
	if n := l.count.Load(); n != 200 {
		t.Fatalf("count = %d, want 200", n)
	}
}

func BenchmarkRevoked(b *testing.B) {
	l := New(&source{}, time.Hour)
	b.Run("empty", func(b *testing.B) {
		for b.Loop() {
			l.Revoked("0123456789abcdef0123456789abcdef")
		}
	})
	for i := range 10_000 {
		l.Add(fmt.Sprintf("%032d", i), time.Now())
	}
	b.Run("10k-ended", func(b *testing.B) {
		for b.Loop() {
			l.Revoked("0123456789abcdef0123456789abcdef")
		}
	})
}
