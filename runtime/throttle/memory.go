package throttle

import (
	"context"
	"sync"
	"time"
)

// DefaultMemoryKeys bounds a Memory store when NewMemory is given zero.
const DefaultMemoryKeys = 100_000

// Memory is a Store in the process's memory: counts are per instance and
// lost on restart. It holds at most its bound of keys, whatever an attacker
// sends, in two generations: when the current one is full the older one is
// dropped, so the keys forgotten first are those not seen for longest.
type Memory struct {
	mu                sync.Mutex
	current, previous map[string]counter
	perGen            int
}

type counter struct {
	failures int
	last     time.Time
}

// NewMemory returns a Memory holding at most keys keys (zero: DefaultMemoryKeys).
func NewMemory(keys int) *Memory {
	if keys <= 0 {
		keys = DefaultMemoryKeys
	}
	perGen := max(keys/2, 1)
	return &Memory{current: make(map[string]counter), perGen: perGen}
}

// LoginFailures implements Store.
func (m *Memory) LoginFailures(_ context.Context, key string) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.get(key)
	return c.failures, c.last, nil
}

// AddLoginFailure implements Store.
func (m *Memory) AddLoginFailure(_ context.Context, key string, now, forgetBefore time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.get(key)
	if c.last.Before(forgetBefore) {
		c.failures = 0
	}
	c.failures++
	c.last = now
	m.put(key, c)
	return c.failures, nil
}

// ResetLoginFailures implements Store.
func (m *Memory) ResetLoginFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.current, key)
	delete(m.previous, key)
	return nil
}

// Len reports how many keys m holds.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.current) + len(m.previous)
}

func (m *Memory) get(key string) counter {
	if c, ok := m.current[key]; ok {
		return c
	}
	return m.previous[key]
}

func (m *Memory) put(key string, c counter) {
	if _, ok := m.current[key]; !ok && len(m.current) >= m.perGen {
		m.previous, m.current = m.current, make(map[string]counter)
	}
	delete(m.previous, key)
	m.current[key] = c
}
