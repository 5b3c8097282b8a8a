package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lestrrat-go/jwx/v3/jwk"
	jwxt "github.com/lestrrat-go/jwx/v3/jwt"
)

// verifyWithJWX verifies an access token the way another service would:
// with lestrrat-go/jwx, an independent JOSE implementation, and nothing but
// the JWK Set the service publishes. It returns the subject.
func verifyWithJWX(t *testing.T, jwksURL, access string) string {
	t.Helper()
	set, err := jwk.Fetch(context.Background(), jwksURL)
	if err != nil {
		t.Fatalf("jwx: fetch %s: %v", jwksURL, err)
	}
	tok, err := jwxt.Parse([]byte(access), jwxt.WithKeySet(set), jwxt.WithValidate(true),
		jwxt.WithIssuer(confIssuer), jwxt.WithAudience(confAudience))
	if err != nil {
		t.Fatalf("jwx: the service's access token does not verify with its JWK Set: %v", err)
	}
	sub, _ := tok.Subject()
	return sub
}

// jwxRejects reports whether jwx refuses raw against the published set.
func jwxRejects(t *testing.T, jwksURL, raw string) bool {
	t.Helper()
	set, err := jwk.Fetch(context.Background(), jwksURL)
	if err != nil {
		t.Fatalf("jwx: fetch %s: %v", jwksURL, err)
	}
	_, err = jwxt.Parse([]byte(raw), jwxt.WithKeySet(set), jwxt.WithValidate(true))
	return err != nil
}

// thumbprint is the RFC 7638 thumbprint of pub as jwx computes it: the kid
// the service must give the key.
func thumbprint(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	key, err := jwk.Import(pub)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// forgery is a token that the service must refuse, though it may look right.
type forgery struct{ name, token string }

// forgeries are the algorithm and key confusions of checklist items 1 and 2
// for the service's profile, made once per suite (they cost key generation).
func (s *suite) forgeries() []forgery {
	s.t.Helper()
	if s.forged == nil {
		s.forged = s.forge()
	}
	return s.forged
}

func (s *suite) forge() []forgery {
	typ := map[string]any{"typ": "at+jwt"}
	withKid := func(kid string) map[string]any { return map[string]any{"typ": "at+jwt", "kid": kid} }
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		s.t.Fatal(err)
	}
	if !s.asymmetric() {
		return []forgery{
			{"alg none", forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, typ, nil)},
			{"wrong algorithm (HS512)", forge(jwt.SigningMethodHS512, s.key, typ, nil)},
			{"asymmetric algorithm (ES256)", forge(jwt.SigningMethodES256, ecKey, typ, nil)},
			{"wrong key", forge(jwt.SigningMethodHS256, []byte(strings.Repeat("k", 48)), typ, nil)},
		}
	}
	other := otherKey(s.t, s.alg)
	foreignAlg, foreignKey := jwt.SigningMethod(jwt.SigningMethodES256), crypto.Signer(ecKey)
	if s.alg == "ES256" {
		foreignAlg, foreignKey = jwt.SigningMethodEdDSA, otherKey(s.t, "EdDSA")
	}
	return []forgery{
		{"alg none", forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, withKid(s.kid), nil)},
		{"HS256 signed with the public key PEM", forge(jwt.SigningMethodHS256, s.publicPEM, withKid(s.kid), nil)},
		{"HS256 signed with the public key PEM, no kid", forge(jwt.SigningMethodHS256, s.publicPEM, typ, nil)},
		{"another algorithm (" + foreignAlg.Alg() + ") under the service's kid", forge(foreignAlg, foreignKey, withKid(s.kid), nil)},
		{"another key of the same algorithm under the service's kid", forge(s.method, other, withKid(s.kid), nil)},
		{"another key of the same algorithm under its own kid", forge(s.method, other, withKid(thumbprint(s.t, other.Public())), nil)},
		{"the service's key with an unknown kid", forge(s.method, s.key, withKid("not-a-key"), nil)},
		{"the service's key without a kid", forge(s.method, s.key, typ, nil)},
	}
}

// otherKey is a fresh key of the family alg pins.
func otherKey(t *testing.T, alg string) crypto.Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	switch alg {
	case "RS256":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// publishedKeys checks GET /.well-known/jwks.json: asymmetric services
// publish exactly their key under its thumbprint, cacheable, and jwx verifies
// their access token with nothing else; HMAC services publish nothing.
func (s *suite) publishedKeys(access string) {
	s.t.Helper()
	const name = "jwks: the public keys"
	r := s.send("GET", "/.well-known/jwks.json", "", nil)
	if !s.asymmetric() {
		s.transcript = append(s.transcript, fmt.Sprintf("%s: %d", name, r.status))
		s.names = append(s.names, name+" | 404 (HMAC: nothing to publish)")
		if r.status != http.StatusNotFound {
			s.t.Errorf("%s: an HMAC service answered %d %s", name, r.status, r.body)
		}
		return
	}
	s.names = append(s.names, name+" | 200 (verified with lestrrat-go/jwx)")
	if s.observed == nil {
		s.observed = map[string]bool{}
	}
	s.observed[fmt.Sprintf("GET /.well-known/jwks.json %d", r.status)] = true
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	json.Unmarshal(r.body, &set)
	s.transcript = append(s.transcript, fmt.Sprintf("%s: %d %q %q %d", name, r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"), len(set.Keys)))
	if r.status != 200 || r.header.Get("Cache-Control") != "public, max-age=300" || len(set.Keys) != 1 {
		s.t.Fatalf("%s: %d %v %s", name, r.status, r.header, r.body)
	}
	k := set.Keys[0]
	if k["kid"] != s.kid || k["alg"] != s.alg || k["use"] != "sig" || k["d"] != nil || k["p"] != nil {
		s.t.Errorf("%s: published %v, want kid %s (RFC 7638), alg %s, use sig, no private member", name, k, s.kid, s.alg)
	}
	if sub := verifyWithJWX(s.t, s.base+"/.well-known/jwks.json", access); sub == "" {
		s.t.Errorf("%s: jwx verified a token without a subject", name)
	}
	for _, f := range s.forgeries() {
		if !jwxRejects(s.t, s.base+"/.well-known/jwks.json", f.token) {
			s.t.Errorf("%s: jwx accepts the forgery %q: the JWK Set is too permissive", name, f.name)
		}
	}
}
