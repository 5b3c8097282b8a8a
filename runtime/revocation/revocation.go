// Package revocation ends access tokens with their session. An access token
// names its session (the refresh-token family, claim "sid"); once the
// session is revoked, the token must stop working before it expires, on
// every instance of the service, without a store round trip per request.
//
// A List keeps, in memory, the sessions that ended within the last Keep (the
// longest an access token issued before the end can still be unexpired).
// Verifying a token asks the List, a map lookup. The List learns of
// revocations from its Source, the store every instance shares: at once
// after a revocation made by this instance (Sync), and by polling (Watch)
// for the others'. A List that could not poll for longer than its bound
// reports itself Stale, so that a service can refuse tokens rather than
// accept ones it can no longer vouch for.
package revocation

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Ended is one revoked session.
type Ended struct {
	Session string    // the session's ID, the "sid" of its access tokens
	At      time.Time // when it was revoked
}

// Source reports the sessions revoked since a time. Its clock is the one
// the revocations were stamped with; Overlap covers its disagreement with
// the List's and the delay between a revocation's stamp and its commit.
type Source interface {
	EndedSessions(ctx context.Context, since time.Time) ([]Ended, error)
}

// DefaultOverlap is how far back before its previous poll a List asks again.
const DefaultOverlap = 10 * time.Second

// List is the set of sessions that ended lately. Create it with New.
type List struct {
	source Source
	keep   time.Duration
	// Overlap is how far before the start of the previous poll the next one
	// asks from, so that a revocation stamped a little earlier than it
	// committed (or by an instance whose clock is a little behind) is still
	// seen. Zero means DefaultOverlap.
	Overlap time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// ended maps a session ID to when it may be forgotten (Unix
	// nanoseconds): plain values, so that the collector scans only the keys.
	// Reads far outnumber writes (one per revocation and per poll).
	endedMu sync.RWMutex
	ended   map[string]int64
	count   atomic.Int64 // entries in ended, so that an empty List costs a load
	stale   atomic.Bool

	mu     sync.Mutex // serialises polls
	since  time.Time  // where the next poll asks from
	lastOK time.Time  // when the last successful poll started
}

// New returns a List that learns revocations from source and remembers each
// for keep: the access-token lifetime plus the verifier's leeway, after
// which every token of the session has expired anyway.
func New(source Source, keep time.Duration) *List {
	return &List{source: source, keep: keep, ended: map[string]int64{}}
}

func (l *List) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *List) overlap() time.Duration {
	if l.Overlap > 0 {
		return l.Overlap
	}
	return DefaultOverlap
}

// Revoked reports whether session has ended: the check on every verified
// token. It takes no lock.
func (l *List) Revoked(session string) bool {
	if session == "" || l.count.Load() == 0 {
		return false
	}
	l.endedMu.RLock()
	_, ok := l.ended[session]
	l.endedMu.RUnlock()
	return ok
}

// Stale reports whether the List has gone without a successful poll for
// longer than the bound Watch was given: revocations by other instances may
// be missing from it.
func (l *List) Stale() bool { return l.stale.Load() }

// Sync asks the source for the revocations since the previous poll (the
// first asks for the last keep) and adds them. Call it once before serving,
// and after every revocation this instance makes, so that the instance
// refuses the session's tokens before the revoking request is answered.
func (l *List) Sync(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := l.now()
	since := l.since
	if since.IsZero() {
		since = start.Add(-l.keep)
	}
	ended, err := l.source.EndedSessions(ctx, since)
	if err != nil {
		return err
	}
	for _, e := range ended {
		l.Add(e.Session, e.At)
	}
	l.forget(start)
	l.since = start.Add(-l.overlap())
	l.lastOK = start
	l.stale.Store(false)
	return nil
}

// Add records that session ended at at.
func (l *List) Add(session string, at time.Time) {
	if session == "" {
		return
	}
	l.endedMu.Lock()
	defer l.endedMu.Unlock()
	l.ended[session] = at.Add(l.keep).UnixNano()
	l.count.Store(int64(len(l.ended)))
}

// forget drops the sessions whose tokens have all expired by now.
func (l *List) forget(now time.Time) {
	l.endedMu.Lock()
	defer l.endedMu.Unlock()
	for session, until := range l.ended {
		if now.UnixNano() > until {
			delete(l.ended, session)
		}
	}
	l.count.Store(int64(len(l.ended)))
}

// Watch polls the source every interval until ctx ends, each poll bounded
// by interval. After bound without a successful poll the List is Stale
// until the next one succeeds; report, if set, hears every failure. The
// revocation bound of a service is then: at once on the instance that
// revoked, within interval plus one poll's time on the others, and never
// past bound without the List saying it is Stale.
func (l *List) Watch(ctx context.Context, interval, bound time.Duration, report func(error)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pollCtx, cancel := context.WithTimeout(ctx, interval)
		err := l.Sync(pollCtx)
		cancel()
		if err == nil || ctx.Err() != nil {
			continue
		}
		if report != nil {
			report(err)
		}
		l.mu.Lock()
		if l.now().Sub(l.lastOK) > bound {
			l.stale.Store(true)
		}
		l.mu.Unlock()
	}
}
