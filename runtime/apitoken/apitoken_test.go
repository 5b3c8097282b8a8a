package apitoken

import (
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

func TestNewTokensAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, digest, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != Length || !Valid(tok) || !Pattern.MatchString(tok) {
			t.Fatalf("New made %q, which does not read back", tok)
		}
		if digest != Digest(tok) || len(digest) != 64 || strings.Contains(digest, tok[len(Prefix):]) {
			t.Fatalf("digest %q of %q", digest, tok)
		}
		if seen[tok] {
			t.Fatalf("New repeated %q", tok)
		}
		seen[tok] = true
	}
}

func TestValidRefusesAlteredTokens(t *testing.T) {
	tok, _, err := New()
	if err != nil {
		t.Fatal(err)
	}
	body := tok[len(Prefix):]
	flip := func(i int) string {
		c := byte('a')
		if body[i] == 'a' {
			c = 'b'
		}
		return Prefix + body[:i] + string(c) + body[i+1:]
	}
	// Every single-character change breaks the checksum: CRC-32 catches
	// every burst of up to 32 bits, and a character is 5.
	for i := range body {
		if Valid(flip(i)) {
			t.Fatalf("a change at %d still validates: %q", i, flip(i))
		}
	}
	// A made-up secret with its correct checksum is valid: the checksum is
	// for scanners and typos, not a secret; the store lookup decides.
	raw := make([]byte, secretBytes)
	forged := Prefix + encoding.EncodeToString(binary.BigEndian.AppendUint32(raw, crc32.ChecksumIEEE(raw)))
	if !Valid(forged) {
		t.Fatalf("a well-formed token with its checksum is refused: %q", forged)
	}
	for _, bad := range []string{
		"", Prefix, tok + "a", tok[:len(tok)-1], strings.ToUpper(tok), "agt-" + body, "xgt_" + body,
		Prefix + strings.Repeat("a", 58), tok[:20] + "\x00" + tok[21:], tok[:20] + "é" + tok[22:],
		Prefix + body[:57] + "8", // outside the alphabet
	} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}

func TestLooksTellsTokensFromJWTs(t *testing.T) {
	tok, _, _ := New()
	if !Looks(tok) || Looks("eyJhbGciOiJIUzI1NiJ9.e30.x") || Looks("") {
		t.Fatal("Looks confuses a token and a JWT")
	}
}

func TestNewIDs(t *testing.T) {
	a, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewID()
	if len(a) != 22 || a == b || strings.ContainsAny(a, "+/=") {
		t.Fatalf("NewID: %q, %q", a, b)
	}
}
