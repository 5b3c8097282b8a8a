package refresh_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/refresh"
)

// memStore is the simplest Store that keeps the contract: a mutex makes
// RotateRefresh's check-and-set atomic.
type memStore struct {
	mu   sync.Mutex
	recs map[string]refresh.Record
}

func newMemStore() *memStore { return &memStore{recs: map[string]refresh.Record{}} }

func (s *memStore) InsertRefresh(_ context.Context, r refresh.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[r.Digest] = r
	return nil
}

func (s *memStore) RotateRefresh(_ context.Context, old string, next refresh.Record, now time.Time) (refresh.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[old]
	if !ok || !r.Live(now) {
		return refresh.Record{}, refresh.ErrNotFound
	}
	r.ReplacedAt = &now
	s.recs[old] = r
	next.FamilyID, next.UserID = r.FamilyID, r.UserID
	s.recs[next.Digest] = next
	return next, nil
}

func (s *memStore) RefreshByDigest(_ context.Context, d string) (refresh.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[d]
	if !ok {
		return refresh.Record{}, refresh.ErrNotFound
	}
	return r, nil
}

func (s *memStore) RevokeRefreshFamily(_ context.Context, family string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for d, r := range s.recs {
		if r.FamilyID == family && r.RevokedAt == nil {
			r.RevokedAt = &now
			s.recs[d] = r
		}
	}
	return nil
}

func newManager() (*refresh.Manager, *memStore, *time.Time) {
	now := time.Unix(1_800_000_000, 0)
	st := newMemStore()
	return &refresh.Manager{Store: st, TTL: time.Hour, Now: func() time.Time { return now }}, st, &now
}

func TestIssueStoresOnlyDigest(t *testing.T) {
	m, st, _ := newManager()
	tok, rec, err := m.Issue(context.Background(), "u1", refresh.Meta{UserAgent: "ua"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 {
		t.Errorf("token length = %d, want 43 (256 bits, base64url)", len(tok))
	}
	if _, ok := st.recs[tok]; ok {
		t.Fatal("plain token stored")
	}
	if got := st.recs[refresh.Digest(tok)]; got.UserID != "u1" || got.FamilyID == "" || got.FamilyID != rec.FamilyID {
		t.Errorf("stored record = %+v", got)
	}
}

func TestRotateAndReuseDetection(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newManager()
	t1, _, _ := m.Issue(ctx, "u1", refresh.Meta{})
	t2, rec2, err := m.Rotate(ctx, t1, refresh.Meta{})
	if err != nil {
		t.Fatalf("first rotation: %v", err)
	}
	if rec2.UserID != "u1" || t2 == t1 {
		t.Fatalf("successor = %+v", rec2)
	}
	// The thief replays t1: the family dies, t2 with it.
	if _, _, err := m.Rotate(ctx, t1, refresh.Meta{}); !errors.Is(err, refresh.ErrReused) {
		t.Fatalf("replay: err = %v, want ErrReused", err)
	}
	if _, _, err := m.Rotate(ctx, t2, refresh.Meta{}); !errors.Is(err, refresh.ErrRevoked) {
		t.Fatalf("successor after reuse: err = %v, want ErrRevoked", err)
	}
}

func TestRotateRejects(t *testing.T) {
	ctx := context.Background()
	m, _, now := newManager()
	tok, _, _ := m.Issue(ctx, "u1", refresh.Meta{})
	for name, bad := range map[string]string{"empty": "", "unknown": "nope", "huge": string(make([]byte, 4096))} {
		if _, _, err := m.Rotate(ctx, bad, refresh.Meta{}); !errors.Is(err, refresh.ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	*now = now.Add(time.Hour)
	if _, _, err := m.Rotate(ctx, tok, refresh.Meta{}); !errors.Is(err, refresh.ErrExpired) {
		t.Errorf("expired: err = %v", err)
	}
}

func TestRevokeKillsFamily(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newManager()
	t1, _, _ := m.Issue(ctx, "u1", refresh.Meta{})
	t2, _, _ := m.Rotate(ctx, t1, refresh.Meta{})
	if _, err := m.Revoke(ctx, t2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Rotate(ctx, t2, refresh.Meta{}); !errors.Is(err, refresh.ErrRevoked) {
		t.Errorf("after logout: err = %v", err)
	}
	if _, err := m.Revoke(ctx, "unknown"); !errors.Is(err, refresh.ErrInvalid) {
		t.Errorf("unknown token: err = %v", err)
	}
}

func TestConcurrentRotationHasOneWinner(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newManager()
	tok, _, _ := m.Issue(ctx, "u1", refresh.Meta{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := m.Rotate(ctx, tok, refresh.Meta{}); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d rotations of one token succeeded, want exactly 1", wins)
	}
}
