package password_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/authgen/authgen/runtime/password"
)

func TestBcrypt(t *testing.T) {
	if _, err := password.NewBcrypt(10); err == nil {
		t.Error("NewBcrypt(10) accepted a cost below 12")
	}
	if h, err := password.DefaultBcrypt().Hash("correct horse battery staple"); err != nil || !strings.HasPrefix(h, "$2a$12$") {
		t.Fatalf("DefaultBcrypt().Hash = %q, %v; want a $2a$12$ hash", h, err)
	}
	// Below, cost 4: the race detector makes cost 12 take seconds a hash.
	b := &password.Bcrypt{Cost: 4}
	h, err := b.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := b.Verify("correct horse battery staple", h); !ok || rehash || err != nil {
		t.Errorf("Verify(right) = %v %v %v", ok, rehash, err)
	}
	if ok, _, err := b.Verify("wrong horse battery staple", h); ok || err != nil {
		t.Errorf("Verify(wrong) = %v %v", ok, err)
	}
	if _, err := b.Hash(strings.Repeat("a", 73)); !errors.Is(err, password.ErrTooLong) {
		t.Errorf("Hash of 73 bytes: %v, want ErrTooLong (bcrypt would truncate it)", err)
	}
	// 72 bytes in common with the stored password must not be enough.
	long := strings.Repeat("a", 72)
	hl, _ := b.Hash(long)
	if ok, _, _ := b.Verify(long+"tail", hl); ok {
		t.Error("Verify accepted a longer password that shares the first 72 bytes")
	}
	if ok, rehash, _ := (&password.Bcrypt{Cost: 5}).Verify("correct horse battery staple", h); !ok || !rehash {
		t.Errorf("a cost-4 hash under a cost-5 hasher: ok %v rehash %v, want both", ok, rehash)
	}
	if _, _, err := b.Verify("x", "$2a$31$"+strings.Repeat("a", 53)); !errors.Is(err, password.ErrMalformed) {
		t.Errorf("cost 31 hash: %v, want ErrMalformed", err)
	}
}

// TestHashersMigrate: each hasher verifies the other's hashes and asks for
// a rehash, so switching password_hash keeps every user.
func TestHashersMigrate(t *testing.T) {
	b := &password.Bcrypt{Cost: 4}
	a := password.Default()
	bh, _ := b.Hash("correct horse battery staple")
	ah, _ := a.Hash("correct horse battery staple")
	if ok, rehash, err := a.Verify("correct horse battery staple", bh); !ok || !rehash || err != nil {
		t.Errorf("argon2id hasher on a bcrypt hash: %v %v %v", ok, rehash, err)
	}
	if ok, rehash, err := b.Verify("correct horse battery staple", ah); !ok || !rehash || err != nil {
		t.Errorf("bcrypt hasher on an argon2id hash: %v %v %v", ok, rehash, err)
	}
	if ok, rehash, _ := a.Verify("wrong", bh); ok || rehash {
		t.Error("argon2id hasher accepted a wrong password against a bcrypt hash")
	}
}
