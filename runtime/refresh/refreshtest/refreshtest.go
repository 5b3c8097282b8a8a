// Package refreshtest checks that a refresh.Store keeps its contract under
// races, as an attacker would test it: every revoking path raced against
// rotations of the same session, each way round, many times over. Generated
// services run it against their own store (memory, SQLite, PostgreSQL).
package refreshtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/refresh"
)

// Harness is the store under test and what the races need around it.
type Harness struct {
	// Store holds the refresh tokens.
	Store refresh.Store
	// NewUser creates a user that the store may hold tokens for and returns
	// its ID.
	NewUser func(t testing.TB) string
	// RevokeUser revokes every family of the user at now, as logout-all and
	// a password change do.
	RevokeUser func(ctx context.Context, userID string, now time.Time) error
	// Trials is the number of races of each kind; zero means 200.
	Trials int
}

// TestRevocationRaces races each way of ending a session against a rotation
// of that session, and fails on a survivor (a token that still refreshes
// after the revocation answered) or on any error other than a refused token.
func TestRevocationRaces(t *testing.T, h Harness) {
	trials := h.Trials
	if trials == 0 {
		trials = 200
	}
	m := &refresh.Manager{Store: h.Store, TTL: time.Hour}
	ctx := context.Background()

	// Each race: the session's live token is raced by revoke (the
	// revocation under test) and by rotate (a refresh of tok).
	races := []struct {
		name string
		// setup returns the token the rotation presents and the one the
		// revocation uses.
		revoke func(user, tok, spent string) error
	}{
		{"logout-all vs refresh", func(user, _, _ string) error {
			return h.RevokeUser(ctx, user, time.Now())
		}},
		{"logout vs refresh", func(_, tok, _ string) error {
			_, err := m.Revoke(ctx, tok)
			return err
		}},
		{"reuse detection vs refresh", func(_, _, spent string) error {
			_, _, err := m.Rotate(ctx, spent, refresh.Meta{})
			if errors.Is(err, refresh.ErrReused) {
				return nil
			}
			return fmt.Errorf("replay of a spent token: %v, want refresh.ErrReused", err)
		}},
	}
	for _, race := range races {
		t.Run(race.name, func(t *testing.T) {
			user := h.NewUser(t)
			survivors, errs := 0, 0
			for i := range trials {
				spent, _, err := m.Issue(ctx, user, refresh.Meta{})
				if err != nil {
					t.Fatalf("issue: %v", err)
				}
				tok, _, err := m.Rotate(ctx, spent, refresh.Meta{})
				if err != nil {
					t.Fatalf("first rotation: %v", err)
				}
				var next string
				var revokeErr, rotateErr error
				revokeFirst := i%2 == 0
				var wg sync.WaitGroup
				start := make(chan struct{})
				wg.Add(2)
				go func() {
					defer wg.Done()
					<-start
					if !revokeFirst {
						runtime.Gosched()
					}
					revokeErr = race.revoke(user, tok, spent)
				}()
				go func() {
					defer wg.Done()
					<-start
					if revokeFirst {
						runtime.Gosched()
					}
					next, _, rotateErr = m.Rotate(ctx, tok, refresh.Meta{UserAgent: "racer"})
				}()
				close(start)
				wg.Wait()
				if revokeErr != nil {
					errs++
					t.Errorf("trial %d: revocation failed: %v", i, revokeErr)
					continue
				}
				if rotateErr != nil && !errors.Is(rotateErr, refresh.ErrInvalid) {
					errs++
					t.Errorf("trial %d: rotation failed with %v, want success or a refused token", i, rotateErr)
				}
				for _, left := range []string{tok, next} {
					if left == "" {
						continue
					}
					if _, err := m.Lookup(ctx, left); err == nil {
						survivors++
						t.Errorf("trial %d: a token of the revoked session still refreshes", i)
					}
				}
			}
			t.Logf("%d races, %d survivors, %d errors", trials, survivors, errs)
		})
	}
}
