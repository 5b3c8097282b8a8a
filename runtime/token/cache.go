package token

import (
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultCacheSize is the number of verified tokens a Tokens remembers when
// Config.CacheSize is zero: enough for the access tokens of a few thousand
// active clients, a few MiB at most.
const DefaultCacheSize = 4096

// cache remembers the claims of tokens that passed every check, keyed by the
// exact token text, so that a client reusing its access token pays for a map
// lookup instead of an HMAC and a JSON decode. Only that work is saved: each
// entry keeps the window in which its token is valid, checked against the
// clock on every hit, and revocation is asked on every call. Only verified
// tokens enter, so an attacker cannot fill it with garbage.
//
// It holds two generations of at most max/2 tokens each: when the current
// one is full it becomes the previous one and the oldest is dropped whole, so
// that eviction costs no per-entry work and tokens in use (found in the
// previous generation and promoted) survive it.
type cache struct {
	mu       sync.RWMutex
	current  map[string]*entry
	previous map[string]*entry
	perGen   int
}

// entry is a verified token: its claims, and the instants from which and
// until which its time claims (nbf, iat, exp, with leeway) let it pass.
type entry struct {
	claims    *Claims
	notBefore time.Time // valid when !now.Before(notBefore)
	notAfter  time.Time // valid when now.Before(notAfter)
}

func newCache(size int) *cache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = DefaultCacheSize
	}
	perGen := max(size/2, 1)
	return &cache{current: make(map[string]*entry, perGen), perGen: perGen}
}

func (c *cache) get(raw string) *entry {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e, ok := c.current[raw]
	if !ok {
		e = c.previous[raw]
	}
	c.mu.RUnlock()
	if e != nil && !ok {
		c.put(raw, e)
	}
	return e
}

// put remembers e for raw. The key shares memory with raw, which Verify
// bounds to MaxLength bytes.
func (c *cache) put(raw string, e *entry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.current) >= c.perGen {
		c.previous, c.current = c.current, make(map[string]*entry, c.perGen)
	}
	c.current[raw] = e
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.current) + len(c.previous)
}

// newEntry computes the validity window of claims that golang-jwt's
// validator has just accepted, applying its rules: exp is exclusive, nbf and
// iat inclusive, each widened by leeway.
func newEntry(claims *Claims, leeway time.Duration) *entry {
	e := &entry{claims: claims, notAfter: claims.ExpiresAt.Add(leeway)}
	for _, d := range []*jwt.NumericDate{claims.NotBefore, claims.IssuedAt} {
		if d != nil && d.Add(-leeway).After(e.notBefore) {
			e.notBefore = d.Add(-leeway)
		}
	}
	return e
}

// checkTime answers as golang-jwt's validator would for the entry's token.
func (e *entry) checkTime(now time.Time) error {
	switch {
	case !now.Before(e.notAfter):
		return jwt.ErrTokenExpired
	case now.Before(e.notBefore):
		return jwt.ErrTokenNotValidYet
	}
	return nil
}
