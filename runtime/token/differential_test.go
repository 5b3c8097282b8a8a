package token_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgen/authgen/runtime/token"
)

// reference verifies raw the way the token package promises to: golang-jwt's
// Parser with every check configured, written here independently of the
// package's own code.
func reference(raw string, now time.Time) (*token.Claims, error) {
	if len(raw) > token.MaxLength {
		return nil, errors.New("too long")
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer("https://issuer.test"),
		jwt.WithAudience("api"),
		jwt.WithLeeway(token.DefaultLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithStrictDecoding(),
	)
	claims := new(token.Claims)
	_, err := p.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		if t.Header["typ"] != "at+jwt" {
			return nil, errors.New("typ")
		}
		return secret, nil
	})
	if err != nil {
		return nil, err
	}
	if claims.Subject == "" {
		return nil, errors.New("no subject")
	}
	return claims, nil
}

// errStrict stands for the refusal of a token golang-jwt accepts but that
// falls into a class Verify refuses on purpose (see strictlyRefused).
var errStrict = errors.New("refused by a strict rule")

// strictlyRefused reports whether raw falls into one of the classes Verify
// refuses beyond golang-jwt: a crit header, a header or payload member named
// twice, a payload member whose name is a case variant of a registered claim
// (which encoding/json would decode into it), or a date claim that is not a
// JSON number from 0 to 253402300799 (the end of year 9999). It is written
// apart from the package's own checks, which the fuzz target compares with it.
func strictlyRefused(raw string) bool {
	parts := splitDots(raw)
	if len(parts) != 3 {
		return false
	}
	header, err1 := base64.RawURLEncoding.Strict().DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.Strict().DecodeString(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	names, members := topLevel(header)
	if _, crit := members["crit"]; crit || len(names) != len(members) {
		return true
	}
	names, members = topLevel(payload)
	if len(names) != len(members) {
		return true
	}
	for _, name := range names {
		for _, claim := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "auth_time", "amr"} {
			if name != claim && strings.EqualFold(name, claim) {
				return true
			}
		}
	}
	for _, claim := range []string{"exp", "nbf", "iat", "auth_time"} {
		if v, ok := members[claim]; ok {
			f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
			if err != nil || f < 0 || f > 253402300799 {
				return true
			}
		}
	}
	return false
}

// topLevel lists the member names of the JSON object doc in order, with
// repeats, and maps each to its last value; nil for anything but an object.
func topLevel(doc []byte) ([]string, map[string]json.RawMessage) {
	var members map[string]json.RawMessage
	if json.Unmarshal(doc, &members) != nil {
		return nil, nil
	}
	var names []string
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.Token() // {
	for dec.More() {
		tok, _ := dec.Token()
		name, ok := tok.(string)
		var skip json.RawMessage
		if !ok || dec.Decode(&skip) != nil {
			return nil, nil
		}
		names = append(names, name)
	}
	return names, members
}

// expect is what Verify must answer for raw at now: golang-jwt's answer,
// except that a token of a strictly refused class is refused.
func expect(raw string, now time.Time) (*token.Claims, error) {
	want, err := reference(raw, now)
	if err == nil && strictlyRefused(raw) {
		return nil, errStrict
	}
	return want, err
}

// signed joins an encoded header and payload with a valid HS256 signature,
// so that the input reaches claims decoding on both paths.
func signed(header, payload []byte) string {
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

const canonicalHeader = `{"alg":"HS256","typ":"at+jwt"}`

// FuzzVerifyMatchesParser feeds Verify and golang-jwt's Parser the same
// tokens and fails on any disagreement about accept/reject or the claims,
// save that Verify must refuse, and may only refuse beyond golang-jwt, the
// tokens strictlyRefused describes.
// mode picks how the two inputs become a token: 0 signs header and payload
// as given, 1 signs payload under the header Issue writes (the fast path), 2
// joins them unsigned as hostile text. The token is then verified again from
// the cache, shift seconds later (or earlier), against the parser at that
// instant.
func FuzzVerifyMatchesParser(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	c := &clock{now}
	issued, _, err := newTokens(f, c).Issue("user-1", "session-1")
	if err != nil {
		f.Fatal(err)
	}
	parts := [3][]byte{}
	for i, p := range splitDots(issued) {
		parts[i], _ = base64.RawURLEncoding.DecodeString(p)
	}
	payload := string(parts[1])
	for _, seed := range []struct {
		header, payload string
		mode            uint8
	}{
		{canonicalHeader, payload, 1},
		{canonicalHeader, payload, 0},
		{issued[:len(issued)-1], "x", 2},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"iat":1800000000}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":[],"exp":1800000600}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":["x","api"],"exp":1800000600}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600.9}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"SUB":""}`, 1},
		{canonicalHeader, `{"sub":"u","sub":"","iss":"https://issuer.test","aud":"api","exp":1800000600}`, 1},
		{canonicalHeader, `{"sub":"\u0075","iss":"https://issuer.test","aud":"api","exp":01800000600}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1799999000}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600} `, 1},
		{canonicalHeader, `null`, 1},
		{`{"typ":"at+jwt","alg":"HS256"}`, payload, 0},
		{`{"alg":"HS256","typ":"at+jwt","alg":"none"}`, payload, 0},
		{`{"alg":"HS256","typ":"JWT"}`, payload, 0},
		// The classes refused beyond golang-jwt.
		{`{"alg":"HS256","typ":"at+jwt","crit":["exp"]}`, payload, 0},
		{`{"alg":"none","alg":"HS256","typ":"at+jwt"}`, payload, 0},
		{canonicalHeader, `{"Sub":"admin","iss":"https://issuer.test","aud":"api","exp":1800000600}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","EXP":1800000600,"ſid":"s"}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":"1800000600"}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"nbf":-1,"iat":1e300}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":253402300800}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":253402300799,"nbf":null}`, 1},
		{canonicalHeader, `{"sub":"admin","sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"role":"a","r\u006fle":"b"}`, 1},
		// auth_time and amr (step-up).
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"auth_time":1799999000,"amr":["pwd","otp"]}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"auth_time":1799999000,"amr":[]}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"amr":["pwd","otp","hwk"]}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"amr":"pwd"}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"amr":null,"auth_time":null}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"auth_time":"1799999000"}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"auth_time":-5}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"AMR":["pwd"],"Auth_Time":1}`, 1},
		{canonicalHeader, `{"sub":"u","iss":"https://issuer.test","aud":"api","exp":1800000600,"amr":["pwd"],"amr":["otp"]}`, 1},
	} {
		for _, shift := range []int32{0, 629, 630, 929, 930, -30, -31} {
			f.Add([]byte(seed.header), []byte(seed.payload), seed.mode, shift)
		}
	}
	later := &clock{now}
	cached := newTokens(f, later)
	f.Fuzz(func(t *testing.T, header, payload []byte, mode uint8, shift int32) {
		var raw string
		switch mode % 3 {
		case 0:
			raw = signed(header, payload)
		case 1:
			raw = signed([]byte(canonicalHeader), payload)
		default:
			raw = string(header) + "." + string(payload)
		}
		want, wantErr := expect(raw, now)
		fresh := newTokens(t, c, func(cfg *token.Config) { cfg.CacheSize = -1 })
		got, err := fresh.Verify(raw)
		agree(t, "uncached", raw, want, wantErr, got, err)

		later.t = now
		got, err = cached.Verify(raw)
		agree(t, "first", raw, want, wantErr, got, err)
		later.t = now.Add(time.Duration(shift) * time.Second)
		want, wantErr = expect(raw, later.t)
		got, err = cached.Verify(raw)
		agree(t, "cached", raw, want, wantErr, got, err)
	})
}

func agree(t *testing.T, path, raw string, want *token.Claims, wantErr error, got *token.Claims, err error) {
	t.Helper()
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%s Verify(%q): err = %v, golang-jwt says %v", path, raw, err, wantErr)
	case err != nil && !errors.Is(err, token.ErrInvalid):
		t.Fatalf("%s Verify(%q): error %v does not wrap ErrInvalid", path, raw, err)
	case err == nil && (!reflect.DeepEqual(got.RegisteredClaims, want.RegisteredClaims) || got.SessionID != want.SessionID):
		t.Fatalf("%s Verify(%q): claims\n%+v\ngolang-jwt decodes\n%+v", path, raw, got, want)
	case err == nil:
		// Decode must see the payload golang-jwt saw.
		var mine, theirs map[string]any
		if derr := got.Decode(&mine); derr != nil {
			t.Fatalf("%s Verify(%q): Decode: %v", path, raw, derr)
		}
		body, _ := base64.RawURLEncoding.DecodeString(splitDots(raw)[1])
		json.Unmarshal(body, &theirs)
		if !reflect.DeepEqual(mine, theirs) {
			t.Fatalf("%s Verify(%q): Decode gives %v, the payload is %v", path, raw, mine, theirs)
		}
	}
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
