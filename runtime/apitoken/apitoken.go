// Package apitoken makes and reads personal access tokens: long-lived
// secrets that a user hands to a script in place of a password login.
//
// A token is "agt_" and 58 characters of lower-case base32: 32 random bytes
// followed by their CRC-32. The prefix and the checksum are for secret
// scanners (GitHub's, gitleaks, trufflehog), which can then tell a leaked
// authgen token from random text without asking the service; the checksum
// also lets a service refuse a mistyped or made-up token without a store
// lookup. Only the token's SHA-256 digest is stored, and a token is found by
// its digest alone, so the time of a lookup says nothing about how close a
// guess came to a real token.
package apitoken

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"regexp"
	"strings"
)

// Prefix starts every token.
const Prefix = "agt_"

// Length is the length of a token, prefix included.
const Length = len(Prefix) + 58

// secretBytes is the entropy of a token: 256 bits.
const secretBytes = 32

var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Pattern matches a token anywhere in a text, as a secret scanner would.
var Pattern = regexp.MustCompile(`agt_[a-z2-7]{58}`)

// New returns a fresh token, and the digest to store in its place.
func New() (token, digest string, err error) {
	b := make([]byte, secretBytes, secretBytes+4)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	token = Prefix + encoding.EncodeToString(b)
	return token, Digest(token), nil
}

// Looks reports whether raw claims to be a personal access token: it has
// the prefix, which no JWT (base64url of a JSON header, "eyJ…") has. Such a
// credential is checked as a token of this package and nothing else.
func Looks(raw string) bool { return strings.HasPrefix(raw, Prefix) }

// Valid reports whether token is well formed and its checksum holds: a
// token that could have been issued. Only a valid token is worth a lookup.
func Valid(token string) bool {
	if len(token) != Length || !Looks(token) {
		return false
	}
	b, err := encoding.DecodeString(token[len(Prefix):])
	if err != nil || len(b) != secretBytes+4 {
		return false
	}
	// The encoding accepts trailing bits that its own output never has;
	// re-encoding refuses a second spelling of one token.
	if encoding.EncodeToString(b) != token[len(Prefix):] {
		return false
	}
	return crc32.ChecksumIEEE(b[:secretBytes]) == binary.BigEndian.Uint32(b[secretBytes:])
}

// Digest returns the hex SHA-256 of token, the only form that is stored.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewID returns the public ID of a token, by which its owner lists and
// deletes it: random, so that it tells nothing of the secret or of how many
// tokens exist.
func NewID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
