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
	attempts int
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

// ReserveAttempt implements Store.
func (m *Memory) ReserveAttempt(_ context.Context, key string, p Policy, now time.Time) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.get(key)
	n, wait := p.Reserve(c.attempts, c.last, now)
	if wait == 0 {
		m.put(key, counter{attempts: n, last: now})
	}
	return wait, nil
}

// RefundAttempt implements Store.
func (m *Memory) RefundAttempt(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.lookup(key); ok && c.attempts > 0 {
		c.attempts--
		m.put(key, c)
	}
	return nil
}

// ResetAttempts implements Store.
func (m *Memory) ResetAttempts(_ context.Context, key string) error {
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
	c, _ := m.lookup(key)
	return c
}

func (m *Memory) lookup(key string) (counter, bool) {
	if c, ok := m.current[key]; ok {
		return c, true
	}
	c, ok := m.previous[key]
	return c, ok
}

func (m *Memory) put(key string, c counter) {
	if _, ok := m.current[key]; !ok && len(m.current) >= m.perGen {
		m.previous, m.current = m.current, make(map[string]counter)
	}
	delete(m.previous, key)
	m.current[key] = c
}
