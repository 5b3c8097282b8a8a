package token

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// leanClaims holds decoded claims together with the storage their pointers
// and slices use, so that decoding allocates once.
type leanClaims struct {
	Claims
	dates [4]jwt.NumericDate
	aud   [1]string
	amr   [2]string
}

// decodeClaims is the fast path's claims decoder. It accepts only the compact
// form Issue writes (encoding/json output: no whitespace, the known claim names
// once each, printable-ASCII strings without escapes, integer dates from 0 to
// maxNumericDate) and reports false for anything else, so that the caller
// hands the token to golang-jwt's parser instead. That path's strict checks
// refuse what this decoder never takes: names in another case or named twice,
// and dates that are not numbers or out of range. On what it accepts it must
// produce exactly what encoding/json would; FuzzVerifyMatchesParser holds it
// to that.
func decodeClaims(s string, c *leanClaims) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	if s == "{}" {
		return true
	}
	var seen uint16
	for i := 1; ; {
		name, next, ok := leanString(s, i)
		if !ok || next >= len(s) || s[next] != ':' {
			return false
		}
		bit := claimBit(name)
		if bit == 0 || seen&bit != 0 {
			return false // unknown (or differently cased) claim, or a duplicate
		}
		seen |= bit
		if i, ok = decodeClaim(s, next+1, name, c); !ok || i >= len(s) {
			return false
		}
		switch {
		case s[i] == '}':
			return i == len(s)-1
		case s[i] != ',':
			return false
		}
		i++
	}
}

// decodeClaim decodes the value of claim name starting at s[i] and returns
// the index after it.
func decodeClaim(s string, i int, name string, c *leanClaims) (int, bool) {
	var (
		str string
		ok  bool
	)
	switch name {
	case "exp", "nbf", "iat", "auth_time":
		var n int64
		if n, i, ok = leanInt(s, i); !ok || n > maxNumericDate {
			return 0, false
		}
		var date *jwt.NumericDate
		switch name {
		case "exp":
			date, c.ExpiresAt = &c.dates[0], &c.dates[0]
		case "nbf":
			date, c.NotBefore = &c.dates[1], &c.dates[1]
		case "iat":
			date, c.IssuedAt = &c.dates[2], &c.dates[2]
		default:
			date, c.AuthTime = &c.dates[3], &c.dates[3]
		}
		date.Time = time.Unix(n, 0).Truncate(jwt.TimePrecision) // as jwt.NewNumericDate
		return i, true
	case "aud":
		return leanAudience(s, i, c)
	case "amr":
		return leanAMR(s, i, c)
	}
	if str, i, ok = leanString(s, i); !ok {
		return 0, false
	}
	switch name {
	case "iss":
		c.Issuer = str
	case "sub":
		c.Subject = str
	case "jti":
		c.ID = str
	default:
		c.SessionID = str
	}
	return i, true
}

// leanAudience decodes "aud" as a string or an array of strings, the two
// forms jwt.ClaimStrings accepts; an empty array leaves it nil, as there.
func leanAudience(s string, i int, c *leanClaims) (int, bool) {
	if i < len(s) && s[i] == '"' {
		str, next, ok := leanString(s, i)
		if ok {
			c.aud[0] = str
			c.Audience = c.aud[:]
		}
		return next, ok
	}
	aud, next, ok := leanStrings(s, i, c.aud[:0])
	if ok && len(aud) > 0 {
		c.Audience = aud
	}
	return next, ok
}

// leanAMR decodes "amr", an array of strings; an empty array is an empty,
// non-nil slice, as encoding/json decodes it.
func leanAMR(s string, i int, c *leanClaims) (int, bool) {
	amr, next, ok := leanStrings(s, i, c.amr[:0])
	if ok {
		c.AMR = amr
	}
	return next, ok
}

// leanStrings reads a JSON array of lean strings at s[i] into dst and
// returns it with the index after the array.
func leanStrings(s string, i int, dst []string) ([]string, int, bool) {
	if i >= len(s) || s[i] != '[' {
		return nil, 0, false
	}
	if i++; i < len(s) && s[i] == ']' {
		return dst, i + 1, true
	}
	for {
		str, next, ok := leanString(s, i)
		if !ok || next >= len(s) {
			return nil, 0, false
		}
		dst = append(dst, str)
		switch s[next] {
		case ']':
			return dst, next + 1, true
		case ',':
			i = next + 1
		default:
			return nil, 0, false
		}
	}
}

func claimBit(name string) uint16 {
	switch name {
	case "iss":
		return 1 << 0
	case "sub":
		return 1 << 1
	case "aud":
		return 1 << 2
	case "exp":
		return 1 << 3
	case "nbf":
		return 1 << 4
	case "iat":
		return 1 << 5
	case "jti":
		return 1 << 6
	case "sid":
		return 1 << 7
	case "auth_time":
		return 1 << 8
	case "amr":
		return 1 << 9
	}
	return 0
}

// leanString reads a JSON string at s[i] made only of printable ASCII other
// than the quote and the backslash: the strings whose decoding is the bytes
// between the quotes.
func leanString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch b := s[j]; {
		case b == '"':
			return s[i+1 : j], j + 1, true
		case b < 0x20 || b > 0x7e || b == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

// leanInt reads a JSON integer of at most 15 digits at s[i]: no sign, no
// fraction, no exponent, no leading zero. Below 2^53 a float64 holds it
// exactly, so it means what jwt.NumericDate's own decoding makes of it.
func leanInt(s string, i int) (int64, int, bool) {
	var n int64
	j := i
	for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
		n = n*10 + int64(s[j]-'0')
	}
	if digits := j - i; digits == 0 || digits > 15 || (digits > 1 && s[i] == '0') {
		return 0, 0, false
	}
	return n, j, true
}
