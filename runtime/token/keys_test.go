package token_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgen/authgen/runtime/token"
)

// TestKeyIDIsTheRFC7638Thumbprint uses the example of RFC 7638 section 3.1,
// whose thumbprint the RFC gives.
func TestKeyIDIsTheRFC7638Thumbprint(t *testing.T) {
	n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	if err != nil {
		t.Fatal(err)
	}
	kid, err := token.KeyID(&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537})
	if err != nil {
		t.Fatal(err)
	}
	if want := "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; kid != want {
		t.Errorf("KeyID = %s, want %s (RFC 7638 section 3.1)", kid, want)
	}
}

var (
	keysOnce sync.Once
	testKeys map[string]crypto.Signer
)

// keyFor returns a key for alg, made once per test binary (RSA takes a while).
func keyFor(t testing.TB, alg string) crypto.Signer {
	keysOnce.Do(func() {
		testKeys = map[string]crypto.Signer{}
		rsaKey, err := rsa.GenerateKey(rand.Reader, token.MinRSABits)
		if err != nil {
			panic(err)
		}
		testKeys["RS256"], testKeys["ES256"], testKeys["EdDSA"] = rsaKey, newECKey(), newEdKey()
	})
	return testKeys[alg]
}

func newECKey() crypto.Signer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return key
}

func newEdKey() crypto.Signer {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return key
}

// privatePEM and publicPEM are key as authgen keys writes it: PKCS #8 and
// PKIX in PEM.
func privatePEM(key crypto.Signer) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func publicPEM(key crypto.Signer) []byte {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func asymmetric(alg string, key crypto.Signer, previous ...crypto.PublicKey) func(*token.Config) {
	return func(cfg *token.Config) {
		cfg.Algorithm, cfg.Secret, cfg.SigningKey, cfg.VerifyKeys = alg, nil, key, previous
	}
}

func TestAsymmetricRoundTripAndJWKS(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			key := keyFor(t, alg)
			tk := newTokens(t, c, asymmetric(alg, key))
			raw, _, err := tk.Issue("user-1", "s1")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := tk.Verify(raw); err != nil || got.Subject != "user-1" {
				t.Fatalf("Verify = %v, %v", got, err)
			}
			var set struct{ Keys []token.JWK }
			if err := json.Unmarshal(tk.JWKS(), &set); err != nil || len(set.Keys) != 1 {
				t.Fatalf("JWKS = %s (%v), want one key", tk.JWKS(), err)
			}
			kid, _ := token.KeyID(key.Public())
			jwk := set.Keys[0]
			if jwk.Kid != kid || jwk.Alg != alg || jwk.Use != "sig" {
				t.Errorf("JWK = %+v, want kid %s alg %s use sig", jwk, kid, alg)
			}
			if strings.Contains(string(tk.JWKS()), `"d"`) {
				t.Errorf("JWKS leaks a private member: %s", tk.JWKS())
			}
			parsed, _, err := jwt.NewParser().ParseUnverified(raw, &jwt.RegisteredClaims{})
			if err != nil || parsed.Header["kid"] != kid || parsed.Header["alg"] != alg || parsed.Header["typ"] != "at+jwt" {
				t.Errorf("header = %v (%v), want kid %s alg %s typ at+jwt", parsed.Header, err, kid, alg)
			}
			// The same token through golang-jwt's parser path (cache off, a
			// verifier that only knows the public key).
			verifier := newTokens(t, c, asymmetric(alg, key), func(cfg *token.Config) { cfg.CacheSize = -1 })
			if _, err := verifier.Verify(raw); err != nil {
				t.Errorf("fresh verifier: %v", err)
			}
		})
	}
	if jwks := newTokens(t, c).JWKS(); jwks != nil {
		t.Errorf("HS256 JWKS = %s, want nil: a secret is never published", jwks)
	}
}

// TestRotationKeepsSessions: tokens of the previous key verify while it is
// listed in VerifyKeys, and not after it is dropped.
func TestRotationKeepsSessions(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	oldKey := keyFor(t, "ES256")
	newKey := newECKey()
	old := newTokens(t, c, asymmetric("ES256", oldKey))
	rotated := newTokens(t, c, asymmetric("ES256", newKey, oldKey.Public()))
	dropped := newTokens(t, c, asymmetric("ES256", newKey))

	oldToken, _, _ := old.Issue("user-1", "s1")
	if _, err := rotated.Verify(oldToken); err != nil {
		t.Errorf("token of the previous key after rotation: %v", err)
	}
	if _, err := dropped.Verify(oldToken); !errors.Is(err, token.ErrInvalid) {
		t.Errorf("token of a dropped key: err = %v, want ErrInvalid", err)
	}
	newToken, _, _ := rotated.Issue("user-1", "s1")
	if _, err := old.Verify(newToken); !errors.Is(err, token.ErrInvalid) {
		t.Errorf("the old service accepted a token of a key it never had: %v", err)
	}
	var set struct{ Keys []token.JWK }
	json.Unmarshal(rotated.JWKS(), &set)
	newKid, _ := token.KeyID(newKey.Public())
	oldKid, _ := token.KeyID(oldKey.Public())
	if len(set.Keys) != 2 || set.Keys[0].Kid != newKid || set.Keys[1].Kid != oldKid {
		t.Errorf("JWKS after rotation = %s, want the new key then the old", rotated.JWKS())
	}
}

// TestCrossAlgorithmTokensAreRejected covers checklist items 1 and 2 for key
// pairs: alg none, HS256 signed with the public key's PEM (the classic key
// confusion), a token of another asymmetric algorithm, an unknown or
// missing kid.
func TestCrossAlgorithmTokensAreRejected(t *testing.T) {
	c := &clock{time.Unix(1_800_000_000, 0)}
	rsaKey := keyFor(t, "RS256")
	service := newTokens(t, c, asymmetric("RS256", rsaKey))
	kid, _ := token.KeyID(rsaKey.Public())
	pubPEM := publicPEM(rsaKey)
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://issuer.test", "aud": "api", "sub": "attacker",
			"exp": c.t.Add(time.Minute).Unix(), "iat": c.t.Unix(), "nbf": c.t.Unix()}
	}
	sign := func(method jwt.SigningMethod, key any, header map[string]any) string {
		tok := jwt.NewWithClaims(method, claims())
		for k, v := range header {
			tok.Header[k] = v
		}
		raw, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	ecKey := keyFor(t, "ES256")
	ecKid, _ := token.KeyID(ecKey.Public())
	cases := map[string]string{
		"none":                  sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, map[string]any{"typ": "at+jwt", "kid": kid}),
		"HS256 with PEM":        sign(jwt.SigningMethodHS256, pubPEM, map[string]any{"typ": "at+jwt", "kid": kid}),
		"HS256 with PEM no kid": sign(jwt.SigningMethodHS256, pubPEM, map[string]any{"typ": "at+jwt"}),
		"ES256 key":             sign(jwt.SigningMethodES256, ecKey, map[string]any{"typ": "at+jwt", "kid": ecKid}),
		"ES256 claiming kid":    sign(jwt.SigningMethodES256, ecKey, map[string]any{"typ": "at+jwt", "kid": kid}),
		"unknown kid":           sign(jwt.SigningMethodRS256, rsaKey, map[string]any{"typ": "at+jwt", "kid": "nope"}),
		"no kid":                sign(jwt.SigningMethodRS256, rsaKey, map[string]any{"typ": "at+jwt"}),
		"PS256 same key":        sign(jwt.SigningMethodPS256, rsaKey, map[string]any{"typ": "at+jwt", "kid": kid}),
	}
	for name, raw := range cases {
		if _, err := service.Verify(raw); !errors.Is(err, token.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	// The control: the same claims, rightly signed, pass.
	if _, err := service.Verify(sign(jwt.SigningMethodRS256, rsaKey, map[string]any{"typ": "at+jwt", "kid": kid})); err != nil {
		t.Errorf("control token: %v", err)
	}
}

func TestKeysAreTyped(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	base := token.Config{Issuer: "iss", Audience: "aud", TTL: time.Minute}
	cases := []struct {
		name string
		mod  func(*token.Config)
		want string
	}{
		{"RSA 1024", asymmetric("RS256", small), "at least 2048"},
		{"P-384 for ES256", asymmetric("ES256", p384), "P-256"},
		{"Ed25519 for RS256", asymmetric("RS256", edKey), "cannot sign or verify RS256"},
		{"RSA previous key for EdDSA", asymmetric("EdDSA", edKey, keyFor(t, "RS256").Public()), "cannot sign or verify EdDSA"},
		{"no key", asymmetric("ES256", nil), "authgen keys --alg ES256"},
		{"secret for ES256", func(c *token.Config) { asymmetric("ES256", keyFor(t, "ES256"))(c); c.Secret = secret }, "not with a secret"},
		{"key pair for HS256", func(c *token.Config) { c.Algorithm, c.Secret, c.SigningKey = "HS256", secret, edKey }, "not with a key pair"},
		{"PS256", func(c *token.Config) { c.Algorithm = "PS256" }, "unsupported algorithm"},
	}
	for _, tc := range cases {
		cfg := base
		tc.mod(&cfg)
		if _, err := token.New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestKeysFromEnv(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := keyFor(t, "EdDSA")
	other := newEdKey()
	priv, pub, otherPub := privatePEM(key), publicPEM(key), publicPEM(other)
	privFile, pubFile, otherFile := write("k.pem", priv), write("k.pub", pub), write("o.pub", otherPub)

	t.Setenv("KEY", privFile)
	got, err := token.SigningKeyFromEnv("KEY", "EdDSA")
	if err != nil || !key.(ed25519.PrivateKey).Equal(got) {
		t.Fatalf("SigningKeyFromEnv = %v, %v", got, err)
	}
	if _, err := token.SigningKeyFromEnv("KEY", "ES256"); err == nil || !strings.Contains(err.Error(), "KEY="+privFile) {
		t.Errorf("an Ed25519 key for ES256: err = %v, want one naming the variable and file", err)
	}
	t.Setenv("KEY", pubFile)
	if _, err := token.SigningKeyFromEnv("KEY", "EdDSA"); err == nil || !strings.Contains(err.Error(), "expected a PRIVATE KEY") {
		t.Errorf("a public key as the private key: err = %v", err)
	}
	t.Setenv("KEY", "")
	if _, err := token.SigningKeyFromEnv("KEY", "EdDSA"); err == nil || !strings.Contains(err.Error(), "KEY is not set") {
		t.Errorf("unset: err = %v", err)
	}

	t.Setenv("PUBS", pubFile+", "+otherFile)
	pubs, err := token.PublicKeysFromEnv("PUBS", "EdDSA")
	if err != nil || len(pubs) != 2 || !other.Public().(ed25519.PublicKey).Equal(pubs[1]) {
		t.Fatalf("PublicKeysFromEnv = %v, %v", pubs, err)
	}
	t.Setenv("PUBS", privFile)
	if _, err := token.PublicKeysFromEnv("PUBS", "EdDSA"); err == nil || !strings.Contains(err.Error(), "expected a PUBLIC KEY") {
		t.Errorf("a private key among the public ones: err = %v", err)
	}
	t.Setenv("PUBS", "")
	if pubs, err := token.PublicKeysFromEnv("PUBS", "EdDSA"); err != nil || len(pubs) != 0 {
		t.Errorf("unset PUBS = %v, %v, want none", pubs, err)
	}
}
