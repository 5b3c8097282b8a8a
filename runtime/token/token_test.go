package token_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgen/authgen/runtime/token"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTokens(t testing.TB, c *clock, mod ...func(*token.Config)) *token.Tokens {
	t.Helper()
	cfg := token.Config{Algorithm: "HS256", Secret: secret, Issuer: "https://issuer.test", Audience: "api", TTL: 15 * time.Minute, Now: c.now}
	for _, m := range mod {
		m(&cfg)
	}
	tk, err := token.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		t.Run(alg, func(t *testing.T) {
			tk := newTokens(t, c, func(cfg *token.Config) { cfg.Algorithm = alg })
			raw, issued, err := tk.Issue("user-1", "s1")
			if err != nil {
				t.Fatal(err)
			}
			got, err := tk.Verify(raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Subject != "user-1" || got.ID != issued.ID || got.ID == "" || got.SessionID != "s1" {
				t.Errorf("claims = %+v, want subject user-1 and jti %q", got, issued.ID)
			}
			hdr, _, _ := jwt.NewParser().ParseUnverified(raw, &jwt.RegisteredClaims{})
			if hdr.Header["typ"] != "at+jwt" || hdr.Header["alg"] != alg {
				t.Errorf("header = %v, want typ at+jwt alg %s", hdr.Header, alg)
			}
		})
	}
}

// sign builds a token with arbitrary header and claims, as an attacker would.
func sign(t *testing.T, method jwt.SigningMethod, key any, typ string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if typ != "" {
		tok.Header["typ"] = typ
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejectsHostileTokens(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	tk := newTokens(t, c)
	now := c.t.Unix()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://issuer.test", "aud": "api", "sub": "u1", "iat": now, "nbf": now, "exp": now + 600, "jti": "j"}
	}
	with := func(k string, v any) jwt.MapClaims { m := good(); m[k] = v; return m }
	without := func(k string) jwt.MapClaims { m := good(); delete(m, k); return m }
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	valid := sign(t, jwt.SigningMethodHS256, secret, "at+jwt", good())
	if _, err := tk.Verify(valid); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	parts := strings.Split(valid, ".")

	cases := map[string]string{
		"alg none":              sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "at+jwt", good()),
		"alg none unsigned":     "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0." + parts[1] + ".",
		"wrong alg HS512":       sign(t, jwt.SigningMethodHS512, secret, "at+jwt", good()),
		"asymmetric ES256":      sign(t, jwt.SigningMethodES256, ecKey, "at+jwt", good()),
		"wrong key":             sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-!!"), "at+jwt", good()),
		"expired":               sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("exp", now-120)),
		"expired within leeway": "", // filled below: must pass
		"no exp":                sign(t, jwt.SigningMethodHS256, secret, "at+jwt", without("exp")),
		"not yet valid":         sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("nbf", now+120)),
		"issued in the future":  sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("iat", now+120)),
		"wrong issuer":          sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("iss", "https://evil.test")),
		"no issuer":             sign(t, jwt.SigningMethodHS256, secret, "at+jwt", without("iss")),
		"wrong audience":        sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("aud", "other")),
		"no audience":           sign(t, jwt.SigningMethodHS256, secret, "at+jwt", without("aud")),
		"no subject":            sign(t, jwt.SigningMethodHS256, secret, "at+jwt", without("sub")),
		"refresh typ":           sign(t, jwt.SigningMethodHS256, secret, "refresh+jwt", good()),
		"plain JWT typ":         sign(t, jwt.SigningMethodHS256, secret, "JWT", good()),
		"no typ":                sign(t, jwt.SigningMethodHS256, secret, "", good()),
		"truncated":             valid[:len(valid)-5],
		"signature stripped":    parts[0] + "." + parts[1] + ".",
		"two segments":          parts[0] + "." + parts[1],
		"garbage":               "not-a-token",
		"empty":                 "",
		"tampered payload":      parts[0] + "." + parts[1] + "x." + parts[2],
		"too long":              valid + strings.Repeat("A", token.MaxLength),
		"opaque refresh token":  "dGhpcyBpcyBhIHJlZnJlc2ggdG9rZW4gbm90IGEgSldU",
	}
	delete(cases, "expired within leeway")
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			claims, err := tk.Verify(raw)
			if err == nil {
				t.Fatalf("accepted: %+v", claims)
			}
			if !errors.Is(err, token.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
	t.Run("expired within leeway is accepted", func(t *testing.T) {
		if _, err := tk.Verify(sign(t, jwt.SigningMethodHS256, secret, "at+jwt", with("exp", now-10))); err != nil {
			t.Fatalf("rejected within the 30s leeway: %v", err)
		}
	})
}

func TestTokenExpiresWithClock(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	tk := newTokens(t, c, func(cfg *token.Config) { cfg.Leeway = -1 })
	raw, _, _ := tk.Issue("u", "s")
	c.t = c.t.Add(15*time.Minute - time.Second)
	if _, err := tk.Verify(raw); err != nil {
		t.Fatalf("rejected before expiry: %v", err)
	}
	c.t = c.t.Add(2 * time.Second)
	if _, err := tk.Verify(raw); err == nil {
		t.Fatal("accepted after expiry")
	}
}

func TestNewRejectsWeakConfig(t *testing.T) {
	base := token.Config{Algorithm: "HS256", Secret: secret, Issuer: "i", Audience: "a", TTL: time.Minute}
	for name, mod := range map[string]func(*token.Config){
		"short secret": func(c *token.Config) { c.Secret = secret[:31] },
		"alg none":     func(c *token.Config) { c.Algorithm = "none" },
		"RS256 now":    func(c *token.Config) { c.Algorithm = "RS256" },
		"no issuer":    func(c *token.Config) { c.Issuer = "" },
		"no audience":  func(c *token.Config) { c.Audience = "" },
		"no TTL":       func(c *token.Config) { c.TTL = 0 },
	} {
		cfg := base
		mod(&cfg)
		if _, err := token.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSecretFromEnv(t *testing.T) {
	t.Setenv("TEST_SECRET", "short")
	if _, err := token.SecretFromEnv("TEST_SECRET"); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("short secret: err = %v", err)
	}
	if _, err := token.SecretFromEnv("TEST_SECRET_UNSET"); err == nil || !strings.Contains(err.Error(), "not set") {
		t.Errorf("missing secret: err = %v", err)
	}
	t.Setenv("TEST_SECRET", string(secret))
	if got, err := token.SecretFromEnv("TEST_SECRET"); err != nil || string(got) != string(secret) {
		t.Errorf("good secret: %q, %v", got, err)
	}
}

// BenchmarkVerify compares the paths of Verify with golang-jwt's Parser
// configured with the same checks. "first" cycles through more distinct
// tokens than the cache holds, so every call verifies a token it has not seen.
func BenchmarkVerify(b *testing.B) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	tk := newTokens(b, c, func(cfg *token.Config) { cfg.CacheSize = 64 })
	raws := make([]string, 1024)
	for i := range raws {
		raws[i], _, _ = tk.Issue("user-1", "session-1")
	}
	b.Run("golang-jwt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reference(raws[0], c.t); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := tk.Verify(raws[i%len(raws)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	// "custom" is "first" for tokens with custom claims, which the fast path
	// leaves to golang-jwt's parser and the strict checks after it.
	custom := make([]string, len(raws))
	for i := range custom {
		custom[i], _, _ = tk.IssueWith("user-1", "session-1", map[string]any{"roles": []string{"admin"}, "tenant": "acme"})
	}
	b.Run("custom", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := tk.Verify(custom[i%len(custom)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("again", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tk.Verify(raws[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCachedTokensAreStillChecked proves that the cache of verified tokens
// saves only the signature work: expiry and revocation apply to a token seen
// before, and claims handed out cannot change what the cache holds.
func TestCachedTokensAreStillChecked(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	revoked := map[string]bool{}
	tk := newTokens(t, c, func(cfg *token.Config) {
		cfg.Revoked = func(claims *token.Claims) bool { return revoked[claims.SessionID] }
	})
	raw, _, err := tk.Issue("user-1", "s1")
	if err != nil {
		t.Fatal(err)
	}
	first, err := tk.Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	first.Subject = "someone-else"
	again, err := tk.Verify(raw)
	if err != nil || again.Subject != "user-1" {
		t.Fatalf("cached Verify = %+v, %v; want subject user-1", again, err)
	}

	revoked["s1"] = true
	if _, err := tk.Verify(raw); !errors.Is(err, token.ErrRevoked) {
		t.Errorf("revoked session: err = %v, want ErrRevoked", err)
	}
	revoked["s1"] = false

	c.t = c.t.Add(15*time.Minute + token.DefaultLeeway - time.Second)
	if _, err := tk.Verify(raw); err != nil {
		t.Errorf("within leeway: %v", err)
	}
	c.t = c.t.Add(time.Second)
	if _, err := tk.Verify(raw); !errors.Is(err, token.ErrInvalid) || !errors.Is(err, jwt.ErrTokenExpired) {
		t.Errorf("expired cached token: err = %v, want ErrInvalid wrapping ErrTokenExpired", err)
	}
}

// TestOneSpellingPerToken: base64url lets the last character of a segment
// carry unused bits; a token whose signature differs from a valid one only
// there is refused, so that a token has exactly one accepted spelling.
func TestOneSpellingPerToken(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	for _, cache := range []int{0, -1} {
		tk := newTokens(t, c, func(cfg *token.Config) { cfg.CacheSize = cache })
		raw, _, err := tk.Issue("user-1", "s1")
		if err != nil {
			t.Fatal(err)
		}
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		last := strings.IndexByte(alphabet, raw[len(raw)-1])
		variant := raw[:len(raw)-1] + string(alphabet[last|1]) // 32-byte MAC: the low 2 bits are padding
		if _, err := tk.Verify(raw); err != nil {
			t.Fatal(err)
		}
		if _, err := tk.Verify(variant); !errors.Is(err, token.ErrInvalid) {
			t.Errorf("cache %d: a second spelling of a valid token: err = %v, want ErrInvalid", cache, err)
		}
	}
}

func TestCustomClaims(t *testing.T) {
	type custom struct {
		Roles  []string `json:"roles,omitempty"`
		Tenant string   `json:"tenant,omitempty"`
	}
	c := &clock{time.Unix(1_800_000_000, 0)}
	for _, tk := range []*token.Tokens{newTokens(t, c), newTokens(t, c, asymmetric("ES256", keyFor(t, "ES256")))} {
		raw, _, err := tk.IssueWith("user-1", "s1", custom{Roles: []string{"admin", "ops"}, Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // fresh, then cached
			claims, err := tk.Verify(raw)
			if err != nil {
				t.Fatal(err)
			}
			var got custom
			if err := claims.Decode(&got); err != nil || got.Tenant != "acme" || len(got.Roles) != 2 || got.Roles[0] != "admin" {
				t.Errorf("Decode = %+v, %v", got, err)
			}
			if claims.Subject != "user-1" || claims.SessionID != "s1" {
				t.Errorf("registered claims %+v", claims)
			}
		}
		// No custom members: the token is exactly what Issue writes.
		plain, _, _ := tk.IssueWith("user-1", "s1", custom{})
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(plain, ".")[1])
		var members map[string]any
		if json.Unmarshal(payload, &members); len(members) != 8 || members["roles"] != nil {
			t.Errorf("empty custom claims changed the payload: %s", payload)
		}
	}
	tk := newTokens(t, c)
	for _, bad := range []any{map[string]any{"sub": "someone-else"}, map[string]any{"exp": 1}, map[string]any{"sid": "x"}, []string{"a"}, "text", 42} {
		if _, _, err := tk.IssueWith("user-1", "s1", bad); err == nil {
			t.Errorf("IssueWith(%v) succeeded: custom claims may neither replace registered ones nor be other than an object", bad)
		}
	}
}

func TestScopesOfPersonalTokens(t *testing.T) {
	session := &token.Claims{}
	if session.Personal() || !session.HasScope("write") {
		t.Fatal("an access token's claims must pass every scope")
	}
	pat := &token.Claims{Scopes: []string{"read"}}
	if !pat.Personal() || !pat.HasScope("read") || pat.HasScope("write") || pat.HasScope("") {
		t.Fatal("a personal access token must pass only its own scopes")
	}
	if empty := (&token.Claims{Scopes: []string{}}); !empty.Personal() || empty.HasScope("read") {
		t.Fatal("a personal access token without scopes must pass none")
	}
}

func TestPersonalClaims(t *testing.T) {
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	c := token.PersonalClaims("u1", "t1", exp, nil)
	if !c.Personal() || c.HasScope("read") || c.Subject != "u1" || c.ID != "t1" || !c.ExpiresAt.Time.Equal(exp) || c.SessionID != "" {
		t.Fatalf("PersonalClaims: %+v", c)
	}
	var custom struct{ Roles []string }
	if err := c.Decode(&custom); err == nil {
		t.Fatal("a personal access token's claims decode custom claims (roles) it never had")
	}
}

func TestIssueAuthenticatedStatesTheProof(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	tk := newTokens(t, c)
	at := c.t.Add(-3 * time.Minute)
	raw, _, err := tk.IssueAuthenticated("u", "s", token.Auth{Time: at, Methods: []string{"pwd", "otp"}}, map[string]any{"roles": []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := tk.Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !claims.AuthTime.Equal(at) || strings.Join(claims.AMR, ",") != "pwd,otp" {
		t.Fatalf("auth_time %v amr %v", claims.AuthTime, claims.AMR)
	}
	if !claims.AuthenticatedWithin(3*time.Minute, c.t) || claims.AuthenticatedWithin(3*time.Minute-time.Second, c.t) {
		t.Error("AuthenticatedWithin misplaces the edge of max_age")
	}
	plain, _, _ := tk.Issue("u", "s")
	if claims, _ := tk.Verify(plain); claims.AuthTime != nil || claims.AMR != nil || claims.AuthenticatedWithin(time.Hour, c.t) {
		t.Fatalf("a token without auth_time counts as recently authenticated: %+v", claims)
	}
	for _, name := range []string{"amr", "Auth_Time"} {
		if _, _, err := tk.IssueWith("u", "s", map[string]any{name: 1}); err == nil {
			t.Errorf("IssueWith let custom claims set %q", name)
		}
	}
}
