package mfa

import (
	"regexp"
	"strings"
	"testing"
)

func TestRecoveryCodes(t *testing.T) {
	codes, digests, err := NewRecoveryCodes(RecoveryCodes)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(digests) != 10 {
		t.Fatalf("got %d codes and %d digests, want 10 of each", len(codes), len(digests))
	}
	shape := regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`)
	seen := map[string]bool{}
	for i, code := range codes {
		if !shape.MatchString(code) {
			t.Errorf("code %q is not xxxx-xxxx-xxxx-xxxx", code)
		}
		if seen[code] {
			t.Errorf("code %q twice", code)
		}
		seen[code] = true
		for _, typed := range []string{code, strings.ToUpper(code), strings.ReplaceAll(code, "-", ""), strings.ReplaceAll(code, "-", " ")} {
			if d, ok := RecoveryDigest(typed); !ok || d != digests[i] {
				t.Errorf("RecoveryDigest(%q) = %q, %v; want the code's digest", typed, d, ok)
			}
		}
		if strings.Contains(digests[i], strings.ReplaceAll(code, "-", "")) {
			t.Error("the digest contains the code")
		}
	}
}

func TestRecoveryDigestRefusesWhatNoCodeIs(t *testing.T) {
	for _, typed := range []string{"", "abcd-efgh-ijkl-mno", "abcd-efgh-ijkl-mnop-q", "abcd-efgh-ijkl-mn01", "abcd\x00efgh-ijkl-mnop", "abcd-efgh-ijkl-mnö", strings.Repeat("-", 100) + "abcdefghijklmnop", "123456"} {
		if _, ok := RecoveryDigest(typed); ok {
			t.Errorf("RecoveryDigest(%q) accepted it", typed)
		}
	}
}

func TestChallenge(t *testing.T) {
	tok, d, err := NewChallenge()
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := NewChallenge()
	if tok == other {
		t.Fatal("two challenges are equal")
	}
	if got, ok := ChallengeDigest(tok); !ok || got != d {
		t.Fatalf("ChallengeDigest = %q, %v; want %q", got, ok, d)
	}
	for _, bad := range []string{"", tok[1:], tok + "A", "!" + tok[1:], strings.Repeat("é", 22)} {
		if _, ok := ChallengeDigest(bad); ok {
			t.Errorf("ChallengeDigest(%q) accepted it", bad)
		}
	}
}
