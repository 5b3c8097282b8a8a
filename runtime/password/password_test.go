package password_test

import (
	"strings"
	"testing"

	"github.com/authgen/authgen/runtime/password"
)

func TestHashVerify(t *testing.T) {
	h := password.Default()
	phc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with OWASP parameters", phc)
	}
	if again, _ := h.Hash("correct horse battery staple"); again == phc {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	if ok, rehash, err := h.Verify("correct horse battery staple", phc); !ok || rehash || err != nil {
		t.Errorf("Verify(right) = %v, %v, %v", ok, rehash, err)
	}
	if ok, _, err := h.Verify("correct horse battery stapl", phc); ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v", ok, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	weak := &password.Argon2id{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	phc, _ := weak.Hash("pw")
	ok, rehash, err := password.Default().Verify("pw", phc)
	if !ok || !rehash || err != nil {
		t.Errorf("old parameters: ok=%v rehash=%v err=%v, want ok and rehash", ok, rehash, err)
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	h := password.Default()
	for _, bad := range []string{
		"", "plain", "$2a$12$abcdefghijklmnopqrstuv", // bcrypt is not argon2id
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
	} {
		if ok, _, err := h.Verify("pw", bad); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

func TestVerifyDummyIsSafeConcurrently(t *testing.T) {
	h := password.Default()
	done := make(chan struct{})
	for range 4 {
		go func() { h.VerifyDummy("x"); done <- struct{}{} }()
	}
	for range 4 {
		<-done
	}
}

func BenchmarkVerify(b *testing.B) {
	h := password.Default()
	phc, _ := h.Hash("pw")
	for b.Loop() {
		h.Verify("pw", phc)
	}
}

func BenchmarkVerifyDummy(b *testing.B) {
	h := password.Default()
	for b.Loop() {
		h.VerifyDummy("pw")
	}
}
