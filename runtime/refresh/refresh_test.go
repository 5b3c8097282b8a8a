package refresh_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authgen/authgen/runtime/refresh"
	"github.com/authgen/authgen/runtime/refresh/refreshtest"
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
	// The thief replays t1: the family dies, t2 with it, and the error
	// comes with the spent record, which says whose session it was.
	_, spent, err := m.Rotate(ctx, t1, refresh.Meta{})
	if !errors.Is(err, refresh.ErrReused) {
		t.Fatalf("replay: err = %v, want ErrReused", err)
	}
	if spent.UserID != "u1" || spent.FamilyID != rec2.FamilyID {
		t.Errorf("record of the reused token = %+v, want u1's of family %s", spent, rec2.FamilyID)
	}
	if _, got, err := m.Rotate(ctx, "nope", refresh.Meta{}); err == nil || !reflect.DeepEqual(got, refresh.Record{}) {
		t.Errorf("an unknown token: %+v, %v; want no record", got, err)
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

func (s *memStore) revokeUser(_ context.Context, user string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for d, r := range s.recs {
		if r.UserID == user && r.RevokedAt == nil {
			r.RevokedAt = &now
			s.recs[d] = r
		}
	}
	return nil
}

func TestRevocationRaces(t *testing.T) {
	st := newMemStore()
	refreshtest.TestRevocationRaces(t, refreshtest.Harness{
		Store:      st,
		NewUser:    func(testing.TB) string { return "u1" },
		RevokeUser: st.revokeUser,
	})
}

func TestSessionHasAbsoluteLifetime(t *testing.T) {
	ctx := context.Background()
	m, _, now := newManager()
	m.TTL, m.MaxAge = time.Hour, 3*time.Hour
	tok, first, _ := m.Issue(ctx, "u1", refresh.Meta{})
	if want := now.Add(3 * time.Hour); !first.SessionEnds.Equal(want) {
		t.Fatalf("SessionEnds = %v, want %v", first.SessionEnds, want)
	}
	// Rotating every 50 minutes keeps the session alive until its end...
	var rec refresh.Record
	for range 3 {
		*now = now.Add(50 * time.Minute)
		var err error
		if tok, rec, err = m.Rotate(ctx, tok, refresh.Meta{}); err != nil {
			t.Fatalf("rotation at %v: %v", *now, err)
		}
	}
	// ...but the last token expires with the session, not an hour later.
	if !rec.ExpiresAt.Equal(first.SessionEnds) {
		t.Errorf("last token expires at %v, want the session's end %v", rec.ExpiresAt, first.SessionEnds)
	}
	*now = first.SessionEnds
	if _, _, err := m.Rotate(ctx, tok, refresh.Meta{}); !errors.Is(err, refresh.ErrExpired) {
		t.Errorf("rotation at the session's end: err = %v, want ErrExpired", err)
	}
}

func TestLookupSpendsNothing(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newManager()
	tok, _, _ := m.Issue(ctx, "u1", refresh.Meta{})
	rec, err := m.Lookup(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	// A failed step between Lookup and Spend leaves the token usable: the
	// retry is not reuse.
	if _, err := m.Lookup(ctx, tok); err != nil {
		t.Fatalf("second lookup: %v", err)
	}
	if _, _, err := m.Spend(ctx, rec, refresh.Meta{}); err != nil {
		t.Fatalf("spend: %v", err)
	}
	if _, spent, err := m.Spend(ctx, rec, refresh.Meta{}); !errors.Is(err, refresh.ErrReused) || spent.FamilyID != rec.FamilyID {
		t.Errorf("second spend of one lookup: %+v, %v; want ErrReused with its record", spent, err)
	}
}

func TestCleanStoresValidText(t *testing.T) {
	for in, want := range map[string]string{
		"curl/8.5":                     "curl/8.5",
		"a\x00b\x1fc\x7fd":             "abcd",
		"bad \xff\xfe utf-8":           "bad \uFFFD utf-8",
		"evil \u202egoogle.com\u200b":  "evil google.com",              // bidi override and zero-width space
		strings.Repeat("é", 200):       strings.Repeat("é", 128),       // 256 bytes exactly
		"x" + strings.Repeat("é", 200): "x" + strings.Repeat("é", 127), // cut before the rune that would straddle 256
	} {
		got := refresh.Clean(in, refresh.MaxUserAgent)
		if got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) || len(got) > refresh.MaxUserAgent {
			t.Errorf("Clean(%q) = %q: not valid UTF-8 within %d bytes", in, got, refresh.MaxUserAgent)
		}
	}
}

// TestFamiliesCarryTheirAuthentication: a family's first token takes the
// login's time and methods, and every rotation carries them on unchanged.
func TestFamiliesCarryTheirAuthentication(t *testing.T) {
	login := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := login
	m := &refresh.Manager{Store: newMemStore(), TTL: time.Hour, Now: func() time.Time { return now }}
	ctx := context.Background()
	tok, rec, err := m.Issue(ctx, "u1", refresh.Meta{Methods: []string{"pwd", "otp"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if !rec.AuthTime.Equal(login) || strings.Join(rec.AMR, " ") != "pwd otp" {
			t.Fatalf("rotation %d: auth time %v, amr %v", i, rec.AuthTime, rec.AMR)
		}
		now = now.Add(10 * time.Minute)
		if tok, rec, err = m.Rotate(ctx, tok, refresh.Meta{Methods: []string{"ignored"}}); err != nil {
			t.Fatal(err)
		}
	}
}
