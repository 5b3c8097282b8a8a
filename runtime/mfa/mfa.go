// Package mfa makes the one-time secrets of a second factor that are not
// TOTP codes: recovery codes, which stand in for a lost authenticator, and
// the mfa_token of a login that still needs its second factor.
//
// Both are random, so their SHA-256 digest is all a store keeps and all a
// lookup needs; both are checked for form before any lookup, so that a
// malformed value costs the store nothing.
package mfa

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// RecoveryCodes is how many recovery codes a user is given at a time.
const RecoveryCodes = 10

// recoveryBytes is a recovery code's entropy: 80 bits, 16 base32 characters.
const recoveryBytes = 10

var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns n fresh recovery codes, as the user is shown them
// ("xxxx-xxxx-xxxx-xxxx"), and their digests, in the same order.
func NewRecoveryCodes(n int) (codes, digests []string, err error) {
	for range n {
		raw := make([]byte, recoveryBytes)
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, err
		}
		plain := recoveryEncoding.EncodeToString(raw)
		codes = append(codes, plain[0:4]+"-"+plain[4:8]+"-"+plain[8:12]+"-"+plain[12:16])
		digests = append(digests, digest(plain))
	}
	return codes, digests, nil
}

// RecoveryDigest returns the digest of a recovery code as a user may type
// it: in either case, with or without its dashes and spaces. ok is false
// for anything that cannot be a recovery code.
func RecoveryDigest(code string) (string, bool) {
	if len(code) > 64 {
		return "", false
	}
	plain := strings.Map(func(c rune) rune {
		switch {
		case c == '-' || c == ' ':
			return -1
		case 'A' <= c && c <= 'Z':
			return c + ('a' - 'A')
		}
		return c
	}, code)
	if len(plain) != 16 {
		return "", false
	}
	if raw, err := recoveryEncoding.DecodeString(plain); err != nil || len(raw) != recoveryBytes {
		return "", false
	}
	return digest(plain), true
}

// challengeBytes is an mfa_token's entropy: 256 bits.
const challengeBytes = 32

// NewChallenge returns a fresh mfa_token and its digest.
func NewChallenge() (token, tokenDigest string, err error) {
	raw := make([]byte, challengeBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, digest(token), nil
}

// ChallengeDigest returns the digest of an mfa_token; ok is false for
// anything NewChallenge cannot have made.
func ChallengeDigest(token string) (string, bool) {
	if len(token) != base64.RawURLEncoding.EncodedLen(challengeBytes) {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return "", false
	}
	return digest(token), true
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
