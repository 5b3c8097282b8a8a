package throttle_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/throttle"
)

func TestPolicyWait(t *testing.T) {
	p := throttle.Policy{Free: 3, Base: time.Second, Max: 10 * time.Second, Forget: time.Hour}
	last := time.Unix(1_800_000_000, 0)
	for _, c := range []struct {
		failures int
		after    time.Duration
		want     time.Duration
	}{
		{0, 0, 0},
		{3, 0, 0},           // free
		{4, 0, time.Second}, // first paid failure: Base
		{4, 400 * time.Millisecond, 600 * time.Millisecond}, // the wait runs down
		{4, time.Second, 0},
		{5, 0, 2 * time.Second}, // doubles
		{6, 0, 4 * time.Second},
		{8, 0, 10 * time.Second},   // 16s capped at Max
		{500, 0, 10 * time.Second}, // no overflow
		{500, time.Hour, 0},        // forgotten
	} {
		if got := p.Wait(c.failures, last, last.Add(c.after)); got != c.want {
			t.Errorf("Wait(%d failures, %v later) = %v, want %v", c.failures, c.after, got, c.want)
		}
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newLogin(c *clock) *throttle.Login {
	return &throttle.Login{
		Store:    throttle.NewMemory(0),
		Identity: throttle.Policy{Free: 2, Base: time.Second, Max: time.Minute, Forget: time.Hour},
		Address:  throttle.Policy{Free: 4, Base: time.Second, Max: time.Minute, Forget: time.Hour},
		Now:      c.now,
	}
}

func wait(t *testing.T, l *throttle.Login, identity, address string) time.Duration {
	t.Helper()
	d, err := l.Check(context.Background(), identity, address)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fail(t *testing.T, l *throttle.Login, identity, address string) {
	t.Helper()
	if err := l.Failed(context.Background(), identity, address); err != nil {
		t.Fatal(err)
	}
}

func TestLoginBacksOffPerIdentity(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for range 2 {
		fail(t, l, "ada", "10.0.0.1")
	}
	if d := wait(t, l, "ada", "10.0.0.1"); d != 0 {
		t.Fatalf("after the free failures: wait %v, want 0", d)
	}
	fail(t, l, "ada", "10.0.0.1")
	if d := wait(t, l, "ada", "10.0.0.2"); d != time.Second {
		t.Fatalf("identity over its free failures, from another address: wait %v, want 1s", d)
	}
	if d := wait(t, l, "bob", "10.0.0.1"); d != 0 {
		t.Fatalf("another identity from the same address: wait %v, want 0", d)
	}
	c.t = c.t.Add(time.Second)
	fail(t, l, "ada", "10.0.0.2")
	if d := wait(t, l, "ada", "10.0.0.3"); d != 2*time.Second {
		t.Fatalf("next failure: wait %v, want 2s", d)
	}
	c.t = c.t.Add(2 * time.Second)
	if err := l.Succeeded(context.Background(), "ada"); err != nil {
		t.Fatal(err)
	}
	fail(t, l, "ada", "10.0.0.4")
	if d := wait(t, l, "ada", "10.0.0.4"); d != 0 {
		t.Fatalf("a success resets the identity: wait %v, want 0", d)
	}
}

func TestLoginBacksOffPerAddress(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 5 { // one failure each for five identities: the address's fifth is paid
		fail(t, l, "user-"+strconv.Itoa(i), "10.0.0.1")
	}
	if d := wait(t, l, "someone-new", "10.0.0.1"); d != time.Second {
		t.Fatalf("address over its free failures: wait %v, want 1s", d)
	}
	if d := wait(t, l, "someone-new", "10.0.0.9"); d != 0 {
		t.Fatalf("another address: wait %v, want 0", d)
	}
	if err := l.Succeeded(context.Background(), "user-0"); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, l, "user-0", "10.0.0.1"); d != time.Second {
		t.Fatalf("a success must not reset the address: wait %v, want 1s", d)
	}
}

// TestMemoryStaysBounded sends a million distinct identities, as a spraying
// attacker would, through a store bounded at a thousand keys.
func TestMemoryStaysBounded(t *testing.T) {
	m := throttle.NewMemory(1000)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	hot := throttle.Key("identity", "victim")
	for i := range 1_000_000 {
		if i%100 == 0 {
			m.AddLoginFailure(ctx, hot, now, now.Add(-time.Hour))
		}
		m.AddLoginFailure(ctx, throttle.Key("identity", strconv.Itoa(i)), now, now.Add(-time.Hour))
		if i%10_000 == 0 && m.Len() > 1000 {
			t.Fatalf("%d keys after %d identities, bound is 1000", m.Len(), i)
		}
	}
	if n, _, _ := m.LoginFailures(ctx, hot); n != 10_000 {
		t.Errorf("a key under steady attack has %d failures, want all 10000 kept", n)
	}
}

func TestKeyHidesItsValue(t *testing.T) {
	k := throttle.Key("identity", "ada@example.com")
	if len(k) != 32 || k == throttle.Key("address", "ada@example.com") {
		t.Errorf("Key = %q: want 32 hex characters that differ by kind", k)
	}
}
