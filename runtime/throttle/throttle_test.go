package throttle_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
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
		Store:        throttle.NewMemory(0),
		Identity:     throttle.Policy{Free: 2, Base: time.Second, Max: time.Minute, Forget: time.Hour},
		Address:      throttle.Policy{Free: 4, Base: time.Second, Max: time.Minute, Forget: time.Hour},
		Device:       throttle.Policy{Free: 3, Base: time.Second, Max: time.Minute, Forget: time.Hour},
		Registration: throttle.Policy{Free: 2, Base: time.Minute, Max: time.Hour, Forget: time.Hour},
		Now:          c.now,
	}
}

// try reserves an attempt and returns its wait (zero: it went ahead).
func try(t *testing.T, l *throttle.Login, identity, address string) time.Duration {
	t.Helper()
	d, err := l.Reserve(context.Background(), throttle.Attempt{Identity: identity, Address: address})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReserveBacksOffPerIdentity(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 3 { // two free attempts, and the third is the first paid one
		if d := try(t, l, "ada", "10.0.0.1"); d != 0 {
			t.Fatalf("attempt %d: wait %v, want 0", i+1, d)
		}
	}
	if d := try(t, l, "ada", "10.0.0.2"); d != time.Second {
		t.Fatalf("identity past its allowance, from another address: wait %v, want 1s", d)
	}
	if d := try(t, l, "bob", "10.0.0.1"); d != 0 {
		t.Fatalf("another identity from the same address: wait %v, want 0", d)
	}
	c.t = c.t.Add(time.Second)
	if d := try(t, l, "ada", "10.0.0.2"); d != 0 {
		t.Fatalf("after the wait: wait %v, want 0", d)
	}
	if d := try(t, l, "ada", "10.0.0.3"); d != 2*time.Second {
		t.Fatalf("next attempt: wait %v, want 2s (doubled)", d)
	}
	c.t = c.t.Add(2 * time.Second)
	if d := try(t, l, "ada", "10.0.0.4"); d != 0 {
		t.Fatalf("after the second wait: wait %v, want 0", d)
	}
	if err := l.Succeeded(context.Background(), throttle.Attempt{Identity: "ada", Address: "10.0.0.4"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if d := try(t, l, "ada", "10.0.0.5"); d != 0 {
			t.Fatalf("a success starts the identity over: attempt %d waits %v", i+1, d)
		}
	}
}

// TestReserveHoldsUnderBurst is the attack that broke check-then-count: 200
// concurrent attempts on one identity. Exactly the allowance goes ahead.
func TestReserveHoldsUnderBurst(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	var passed atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d, err := l.Reserve(context.Background(), throttle.Attempt{Identity: "ada", Address: "10.0.1." + strconv.Itoa(i)})
			if err == nil && d == 0 {
				passed.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if got := passed.Load(); got != 3 {
		t.Fatalf("%d of 200 concurrent attempts went ahead, want the allowance of 3", got)
	}
}

func TestRefusedAttemptCountsNothing(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for range 3 {
		try(t, l, "ada", "10.0.0.1")
	}
	for range 50 { // hammering while refused does not make the wait longer
		if d := try(t, l, "ada", "10.0.0.1"); d != time.Second {
			t.Fatalf("refused attempt: wait %v, want 1s", d)
		}
	}
	// Nor does it spend the address's allowance: the identity refused
	// first and handed the address its attempt back.
	for i := range 2 {
		if d := try(t, l, "someone-"+strconv.Itoa(i), "10.0.0.1"); d != 0 {
			t.Fatalf("address after refused attempts: wait %v, want 0", d)
		}
	}
}

func TestReserveBacksOffPerAddress(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 5 { // one attempt each for five identities: the address's fifth is paid
		if d := try(t, l, "user-"+strconv.Itoa(i), "10.0.0.1"); d != 0 {
			t.Fatalf("attempt %d: wait %v", i, d)
		}
	}
	if d := try(t, l, "someone-new", "10.0.0.1"); d != time.Second {
		t.Fatalf("address past its allowance: wait %v, want 1s", d)
	}
	if d := try(t, l, "someone-new", "10.0.0.9"); d != 0 {
		t.Fatalf("another address: wait %v, want 0", d)
	}
}

func TestSuccessGivesTheAddressItsAttemptBack(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 20 { // twenty good logins from one office address
		a := throttle.Attempt{Identity: "user-" + strconv.Itoa(i), Address: "10.0.0.1"}
		if d, err := l.Reserve(context.Background(), a); err != nil || d != 0 {
			t.Fatalf("login %d: wait %v, err %v", i, d, err)
		}
		if err := l.Succeeded(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeviceOutlivesALockout: strangers lock the identity; the owner's
// device, which signed in before, still gets its own attempts.
func TestDeviceOutlivesALockout(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 10 {
		try(t, l, "ada", "203.0.113."+strconv.Itoa(i))
	}
	if d := try(t, l, "ada", "198.51.100.1"); d == 0 {
		t.Fatal("a stranger got through a locked identity")
	}
	owner := throttle.Attempt{Identity: "ada", Address: "192.0.2.1", Device: "device-1"}
	if d, err := l.Reserve(context.Background(), owner); err != nil || d != 0 {
		t.Fatalf("the owner's device: wait %v, err %v, want 0", d, err)
	}
	for range 3 { // the device has an allowance of its own, and it is bounded
		l.Reserve(context.Background(), owner)
	}
	if d, _ := l.Reserve(context.Background(), owner); d == 0 {
		t.Fatal("a device past its allowance went ahead")
	}
}

func TestIPv6IsKeyedByItsSlash64(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"fe80::1%eth0", "fe80::2", true},
		{"::ffff:192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
	} {
		if got := throttle.AddressKey(c.a) == throttle.AddressKey(c.b); got != c.same {
			t.Errorf("AddressKey(%s) == AddressKey(%s): %v, want %v", c.a, c.b, got, c.same)
		}
	}
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	for i := range 5 {
		try(t, l, "user-"+strconv.Itoa(i), "2001:db8:1:2::"+strconv.Itoa(i+1))
	}
	if d := try(t, l, "someone", "2001:db8:1:2::99"); d != time.Second {
		t.Fatalf("a fresh address inside an attacking /64: wait %v, want 1s", d)
	}
}

func TestRegistrationPerAddress(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := newLogin(c)
	ctx := context.Background()
	for i := range 3 {
		if d, err := l.ReserveRegistration(ctx, "10.0.0.1"); err != nil || d != 0 {
			t.Fatalf("registration %d: wait %v, err %v", i+1, d, err)
		}
	}
	if d, _ := l.ReserveRegistration(ctx, "10.0.0.1"); d != time.Minute {
		t.Fatalf("past the allowance: wait %v, want 1m", d)
	}
	if d, _ := l.ReserveRegistration(ctx, "10.0.0.2"); d != 0 {
		t.Fatalf("another address: wait %v, want 0", d)
	}
}

// TestFactorsAreCountedApart: wrong codes of a second factor wait on their
// own counts, per identity and per address, and leave the password's alone.
func TestFactorsAreCountedApart(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := &throttle.Login{Store: throttle.NewMemory(100), Now: c.now}
	ctx := context.Background()
	code := throttle.Attempt{Identity: "ada", Address: "10.0.0.1", Factor: "totp"}
	for i := range 6 {
		if d, err := l.Reserve(ctx, code); err != nil || d != 0 {
			t.Fatalf("code %d: wait %v, err %v", i+1, d, err)
		}
	}
	if d, _ := l.Reserve(ctx, code); d == 0 {
		t.Fatal("the seventh wrong code in a row did not wait")
	}
	if d, _ := l.Reserve(ctx, throttle.Attempt{Identity: "ada", Address: "10.0.0.1"}); d != 0 {
		t.Fatalf("the password after wrong codes waits %v, want 0", d)
	}
}

// TestMemoryStaysBounded sends a million distinct identities, as a spraying
// attacker would, through a store bounded at a thousand keys.
func TestMemoryStaysBounded(t *testing.T) {
	m := throttle.NewMemory(1000)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	hot := throttle.Key("identity", "victim")
	p := throttle.Policy{Free: 9_999, Base: time.Second, Max: time.Minute, Forget: time.Hour}
	for i := range 1_000_000 {
		if i%100 == 0 {
			m.ReserveAttempt(ctx, hot, p, now)
		}
		m.ReserveAttempt(ctx, throttle.Key("identity", strconv.Itoa(i)), p, now)
		if i%10_000 == 0 && m.Len() > 1000 {
			t.Fatalf("%d keys after %d identities, bound is 1000", m.Len(), i)
		}
	}
	// The victim's key, touched all along, kept its count: 10,000
	// attempts, past its free 9,999, so the next one waits.
	if d, _ := m.ReserveAttempt(ctx, hot, p, now); d != time.Second {
		t.Errorf("a key under steady attack: next attempt waits %v, want 1s (all 10000 attempts kept)", d)
	}
}

func TestKeyHidesItsValue(t *testing.T) {
	k := throttle.Key("identity", "ada@example.com")
	if len(k) != 32 || k == throttle.Key("address", "ada@example.com") {
		t.Errorf("Key = %q: want 32 hex characters that differ by kind", k)
	}
}

// TestReserveMailPerMailboxAndClient: a mailbox gets its free mails however
// many clients ask, whether or not it has an account (the throttle cannot
// tell), and a client that floods many mailboxes is stopped by its own count.
func TestReserveMailPerMailboxAndClient(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := &throttle.Login{Store: throttle.NewMemory(0), Now: c.now}
	ctx := context.Background()
	// A policy lets Free attempts and one more through before the first wait.
	for i := range throttle.DefaultMailbox.Free + 1 {
		if d, err := l.ReserveMail(ctx, "reset", "ada@example.com", "10.0.0."+strconv.Itoa(i)); err != nil || d != 0 {
			t.Fatalf("mail %d to one mailbox: wait %v, %v", i, d, err)
		}
	}
	d, err := l.ReserveMail(ctx, "reset", "ada@example.com", "10.0.9.9")
	if err != nil || d != throttle.DefaultMailbox.Base {
		t.Fatalf("a mail past the mailbox's free ones, from a new client: wait %v, %v; want %v", d, err, throttle.DefaultMailbox.Base)
	}
	// The refused request spent nothing of the new client's count.
	for i := range throttle.DefaultAddress.Free + 1 {
		if d, err := l.ReserveMail(ctx, "reset", "user"+strconv.Itoa(i)+"@example.com", "10.0.9.9"); err != nil || d != 0 {
			t.Fatalf("mail %d from one client: wait %v, %v", i, d, err)
		}
	}
	if d, _ := l.ReserveMail(ctx, "reset", "fresh@example.com", "10.0.9.9"); d == 0 {
		t.Fatal("a client past its free mails was let through")
	}
	// Kinds count apart: a flood of resets does not stop a verification.
	if d, _ := l.ReserveMail(ctx, "verify", "ada@example.com", "10.0.0.1"); d != 0 {
		t.Fatalf("a verification mail after the resets: wait %v", d)
	}
}

// TestReserveLinkUnderBurst: of 200 concurrent tries at link tokens from one
// client, exactly the free ones go ahead; a good one is given back.
func TestReserveLinkUnderBurst(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	l := &throttle.Login{Store: throttle.NewMemory(0), Now: c.now}
	var passed atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 200 {
		wg.Go(func() {
			<-start
			if d, err := l.ReserveLink(context.Background(), "2001:db8::1"); err == nil && d == 0 {
				passed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := passed.Load(); got != int64(throttle.DefaultLink.Free+1) {
		t.Fatalf("%d of 200 concurrent link tries went ahead, want %d", got, throttle.DefaultLink.Free+1)
	}
	// Another address of the same /64 is the same client.
	if d, _ := l.ReserveLink(context.Background(), "2001:db8::2"); d == 0 {
		t.Fatal("an address of the same /64 got a fresh count")
	}
	if err := l.RefundLink(context.Background(), "2001:db8::1"); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(throttle.DefaultLink.Max)
	if d, _ := l.ReserveLink(context.Background(), "2001:db8::1"); d != 0 {
		t.Fatalf("after the refund and the wait: %v", d)
	}
}
