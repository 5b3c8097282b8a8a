package token

import (
	"strings"
	"sync"
	"time"
)

// DefaultCacheSize is the number of verified tokens a Tokens remembers when
// Config.CacheSize is zero: enough for the access tokens of a few thousand
// active clients, at most a few MiB.
const DefaultCacheSize = 4096

// cache remembers the claims of tokens whose signature and decoding have
// been checked, keyed by the exact token text, so that a client reusing its
// access token pays for a map lookup instead of an HMAC and a JSON decode.
// Only the signature work is saved: Verify still validates the times, issuer,
// audience and revocation of a cached token on every request. Only verified
// tokens enter, so an attacker cannot fill it with garbage.
type cache struct {
	mu      sync.RWMutex
	entries map[string]*Claims
	max     int
}

func newCache(size int) *cache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = DefaultCacheSize
	}
	return &cache{entries: make(map[string]*Claims), max: size}
}

func (c *cache) get(raw string) *Claims {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	claims := c.entries[raw]
	c.mu.RUnlock()
	return claims
}

// put remembers claims for raw. When the cache is full it first forgets the
// expired tokens, then arbitrary ones (map order is random), until a quarter
// of it is free: amortised, each put costs O(1).
func (c *cache) put(raw string, claims *Claims, expired func(*Claims) bool) {
	if c == nil {
		return
	}
	raw = strings.Clone(raw) // raw may share memory with a much larger header
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if expired(e) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) <= c.max*3/4 {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[raw] = claims
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

// expiredBefore reports whether claims expired before now, leeway included.
func expiredBefore(now time.Time, leeway time.Duration) func(*Claims) bool {
	return func(c *Claims) bool {
		return c.ExpiresAt == nil || !now.Before(c.ExpiresAt.Add(leeway))
	}
}
