package token_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgen/authgen/runtime/token"
)

// strictNow is the instant of the tests below; the claims in their payloads
// are valid at it.
var strictNow = time.Unix(1_800_000_000, 0)

// claimsWith is a payload with the issuer and audience Verify requires and
// members, so that only members decides whether the token is valid.
func claimsWith(members string) string {
	return `{"iss":"https://issuer.test","aud":"api",` + members + `}`
}

// Both headers name HS256 and at+jwt: the first is the one Issue writes (the
// fast path), the second reaches golang-jwt's parser directly.
var strictHeaders = []string{canonicalHeader, `{"typ":"at+jwt","alg":"HS256"}`}

// refusedByRule asserts that golang-jwt's parser, configured as the package
// promises, accepts raw (so its signature and claims are otherwise valid) and
// that Verify refuses it all the same, with and without the cache.
func refusedByRule(t *testing.T, raw string) {
	t.Helper()
	if _, err := reference(raw, strictNow); err != nil {
		t.Fatalf("golang-jwt refuses the test token itself (%v): it does not isolate the rule", err)
	}
	for _, size := range []int{0, -1} {
		tk := newTokens(t, &clock{strictNow}, func(cfg *token.Config) { cfg.CacheSize = size })
		claims, err := tk.Verify(raw)
		if err == nil {
			t.Fatalf("cache %d: accepted, claims %+v", size, claims)
		}
		if !errors.Is(err, token.ErrInvalid) {
			t.Fatalf("cache %d: error %v does not wrap ErrInvalid", size, err)
		}
	}
}

func TestIssueWithRefusesRegisteredClaimsInAnyCase(t *testing.T) {
	tk := newTokens(t, &clock{strictNow})
	// U+017F (long s) folds to s: encoding/json maps "ſub" onto "sub" too.
	for _, name := range []string{"sub", "Sub", "SUB", "sid", "SID", "Sid", "Exp", "EXP", "Iss", "AUD", "Nbf", "IAT", "Jti", "ſub", "ſid"} {
		raw, _, err := tk.IssueWith("user-1", "s1", map[string]any{name: "x"})
		if err == nil {
			claims, verr := tk.Verify(raw)
			t.Errorf("IssueWith(custom claim %q) succeeded; Verify gives %+v, %v", name, claims, verr)
			continue
		}
		if want := `"` + name + `"`; !strings.Contains(err.Error(), want) {
			t.Errorf("IssueWith(custom claim %q): error %q does not name the claim", name, err)
		}
	}
	// Names that only resemble registered ones are the service's own.
	for _, name := range []string{"subject", "sub_", "roles", "Roles", "expiry"} {
		if _, _, err := tk.IssueWith("user-1", "s1", map[string]any{name: "x"}); err != nil {
			t.Errorf("IssueWith(custom claim %q): %v", name, err)
		}
	}
}

// duplicated marshals to an object that names one member twice, which
// encoding/json's Marshal lets through from a MarshalJSON method.
type duplicated struct{}

func (duplicated) MarshalJSON() ([]byte, error) { return []byte(`{"role":"user","role":"admin"}`), nil }

func TestIssueWithRefusesDuplicateCustomClaims(t *testing.T) {
	tk := newTokens(t, &clock{strictNow})
	if _, _, err := tk.IssueWith("user-1", "s1", duplicated{}); err == nil || !strings.Contains(err.Error(), `"role"`) {
		t.Errorf("IssueWith(a custom claim twice): err = %v, want an error naming \"role\"", err)
	}
}

func TestVerifyRefusesCritHeader(t *testing.T) {
	good := claimsWith(`"sub":"u","iat":1800000000,"exp":1800000600`)
	for _, header := range []string{
		`{"alg":"HS256","typ":"at+jwt","crit":["exp"]}`,
		`{"alg":"HS256","crit":["b64"],"b64":false,"typ":"at+jwt"}`,
		`{"alg":"HS256","typ":"at+jwt","crit":[]}`,
		`{"crit":"x","alg":"HS256","typ":"at+jwt"}`,
	} {
		t.Run(header, func(t *testing.T) { refusedByRule(t, signed([]byte(header), []byte(good))) })
	}
}

func TestVerifyRefusesCaseVariantsOfRegisteredClaims(t *testing.T) {
	for _, payload := range []string{
		claimsWith(`"Sub":"admin","exp":1800000600`),
		claimsWith(`"SUB":"admin","exp":1800000600`),
		claimsWith(`"ſub":"admin","exp":1800000600`),
		claimsWith(`"sub":"u","SID":"someone-else","exp":1800000600`),
		claimsWith(`"sub":"u","EXP":1800000600`),
		claimsWith(`"sub":"u","Exp":1800000600`),
		claimsWith(`"sub":"u","exp":1800000600,"Iat":1800000000`),
		claimsWith(`"sub":"u","exp":1800000600,"NBF":1799999000`),
		claimsWith(`"sub":"u","exp":1800000600,"JTI":"j2"`),
		`{"ISS":"https://issuer.test","aud":"api","sub":"u","exp":1800000600}`,
		`{"iss":"https://issuer.test","Aud":"api","sub":"u","exp":1800000600}`,
	} {
		for _, header := range strictHeaders {
			t.Run(header+payload, func(t *testing.T) { refusedByRule(t, signed([]byte(header), []byte(payload))) })
		}
	}
}

func TestVerifyRefusesBadNumericDates(t *testing.T) {
	for _, payload := range []string{
		claimsWith(`"sub":"u","exp":"1800000600"`),
		claimsWith(`"sub":"u","exp":1800000600,"nbf":"1799999000"`),
		claimsWith(`"sub":"u","exp":1800000600,"iat":"1e9"`),
		claimsWith(`"sub":"u","exp":1800000600,"nbf":null`),
		claimsWith(`"sub":"u","exp":1e18`), // fits int64 seconds: year 3e10
		claimsWith(`"sub":"u","exp":1800000600,"nbf":1e19`),
		claimsWith(`"sub":"u","exp":1800000600,"iat":1e300`),
		claimsWith(`"sub":"u","exp":1800000600,"nbf":-1`),
		claimsWith(`"sub":"u","exp":1800000600,"iat":-1e300`),
		claimsWith(`"sub":"u","exp":253402300800`),    // year 10000
		claimsWith(`"sub":"u","exp":253402300799.5`),  // past the last second of 9999
		claimsWith(`"sub":"u","exp":999999999999999`), // 15 digits, the fast path's longest
	} {
		for _, header := range strictHeaders {
			t.Run(header+payload, func(t *testing.T) { refusedByRule(t, signed([]byte(header), []byte(payload))) })
		}
	}
	tk := newTokens(t, &clock{strictNow})
	// golang-jwt already refuses exp 1e19, by accident: converting a float
	// beyond int64 is implementation-defined in Go, and amd64 wraps it to the
	// far past. The range check refuses it on purpose.
	if _, err := tk.Verify(signed([]byte(canonicalHeader), []byte(claimsWith(`"sub":"u","exp":1e19`)))); !errors.Is(err, token.ErrInvalid) {
		t.Errorf("exp 1e19: err = %v, want ErrInvalid", err)
	}
	// The edges of the range, and fractions within it, are dates.
	for _, payload := range []string{
		claimsWith(`"sub":"u","exp":253402300799`),
		claimsWith(`"sub":"u","exp":1800000600,"nbf":0,"iat":0`),
		claimsWith(`"sub":"u","exp":1800000600.5,"nbf":1799999999.5`),
		claimsWith(`"sub":"u","exp":18000006e2`),
	} {
		for _, header := range strictHeaders {
			if _, err := tk.Verify(signed([]byte(header), []byte(payload))); err != nil {
				t.Errorf("%s %s: %v", header, payload, err)
			}
		}
	}
}

func TestVerifyRefusesDuplicateMembers(t *testing.T) {
	good := claimsWith(`"sub":"u","iat":1800000000,"exp":1800000600`)
	for _, payload := range []string{
		claimsWith(`"sub":"admin","sub":"u","exp":1800000600`),
		claimsWith(`"sub":"u","s\u0075b":"admin","exp":1800000600`),
		claimsWith(`"sub":"u","exp":1,"exp":1800000600`),
		claimsWith(`"sub":"u","sid":"a","sid":"b","exp":1800000600`),
		claimsWith(`"sub":"u","exp":1800000600,"role":"user","role":"admin"`),
		`{"iss":"https://evil.test","iss":"https://issuer.test","aud":"api","sub":"u","exp":1800000600}`,
	} {
		for _, header := range strictHeaders {
			t.Run(header+payload, func(t *testing.T) { refusedByRule(t, signed([]byte(header), []byte(payload))) })
		}
	}
	for _, header := range []string{
		`{"alg":"none","alg":"HS256","typ":"at+jwt"}`,
		`{"alg":"HS256","typ":"JWT","typ":"at+jwt"}`,
		`{"alg":"HS256","typ":"at+jwt","kid":"a","kid":"b"}`,
	} {
		t.Run(header, func(t *testing.T) { refusedByRule(t, signed([]byte(header), []byte(good))) })
	}
}

// TestStrictRulesWithKeyPairs repeats a case of each rule with ES256 tokens
// signed by the service's own key under the header Issue writes, so that
// they take the fast path first.
func TestStrictRulesWithKeyPairs(t *testing.T) {
	key := keyFor(t, "ES256")
	tk := newTokens(t, &clock{strictNow}, asymmetric("ES256", key))
	kid, err := token.KeyID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	header := `{"alg":"ES256","kid":"` + kid + `","typ":"at+jwt"}`
	es256 := func(header, payload string) string {
		input := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		sig, err := jwt.SigningMethodES256.Sign(input, key)
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	good := claimsWith(`"sub":"u","iat":1800000000,"exp":1800000600`)
	if _, err := tk.Verify(es256(header, good)); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	for name, raw := range map[string]string{
		"crit":           es256(`{"alg":"ES256","crit":["exp"],"kid":"`+kid+`","typ":"at+jwt"}`, good),
		"duplicate alg":  es256(`{"alg":"none","alg":"ES256","kid":"`+kid+`","typ":"at+jwt"}`, good),
		"case variant":   es256(header, claimsWith(`"Sub":"admin","exp":1800000600`)),
		"string date":    es256(header, claimsWith(`"sub":"u","exp":"1800000600"`)),
		"year 10000":     es256(header, claimsWith(`"sub":"u","exp":253402300800`)),
		"negative date":  es256(header, claimsWith(`"sub":"u","exp":1800000600,"nbf":-1`)),
		"duplicate sub":  es256(header, claimsWith(`"sub":"admin","sub":"u","exp":1800000600`)),
		"duplicate role": es256(header, claimsWith(`"sub":"u","exp":1800000600,"role":"a","role":"b"`)),
	} {
		if claims, err := tk.Verify(raw); !errors.Is(err, token.ErrInvalid) {
			t.Errorf("%s: Verify = %+v, %v; want ErrInvalid", name, claims, err)
		}
	}
}
