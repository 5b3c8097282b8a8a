package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
)

// MinRSABits is the smallest RSA modulus accepted for RS256 (RFC 7518
// section 3.3 asks for 2048 bits or more); authgen keys writes 3072.
const MinRSABits = 2048

// IsAsymmetric reports whether alg signs with a private key and verifies
// with a public one (RS256, ES256, EdDSA) rather than a shared secret.
func IsAsymmetric(alg string) bool {
	_, ok := asymmetricMethods[alg]
	return ok
}

// checkKey reports whether pub is a key of the one family alg allows, so
// that a key can never be used with another algorithm.
func checkKey(alg string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg != "RS256" {
			break
		}
		if k.N.BitLen() < MinRSABits {
			return fmt.Errorf("token: RSA key has %d bits, need at least %d", k.N.BitLen(), MinRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if alg != "ES256" {
			break
		}
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("token: ES256 needs a P-256 key, not %s", k.Curve.Params().Name)
		}
		return nil
	case ed25519.PublicKey:
		if alg == "EdDSA" {
			return nil
		}
	}
	return fmt.Errorf("token: a %s key cannot sign or verify %s (%s)", keyKind(pub), alg, keyAdvice(alg))
}

func keyKind(pub crypto.PublicKey) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "ECDSA"
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

func keyAdvice(alg string) string {
	return fmt.Sprintf("create one with: authgen keys --alg %s --out keys", alg)
}

// ParsePrivateKey reads the first PEM block of data: PKCS #8 "PRIVATE KEY",
// or the older "RSA PRIVATE KEY" and "EC PRIVATE KEY".
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("token: no PEM block: expected a private key file such as authgen keys writes")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("token: PEM block is %q, expected a PRIVATE KEY", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("token: parse private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("token: %T cannot sign", key)
	}
	return signer, nil
}

// ParsePublicKey reads the first PEM block of data, a PKIX "PUBLIC KEY".
func ParsePublicKey(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("token: no PEM block: expected a public key file such as authgen keys writes")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("token: PEM block is %q, expected a PUBLIC KEY", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("token: parse public key: %w", err)
	}
	return pub, nil
}

// SigningKeyFromEnv loads the private key from the PEM file named by the
// environment variable name, and refuses a missing one or one that does not
// fit alg.
func SigningKeyFromEnv(name, alg string) (crypto.Signer, error) {
	file := os.Getenv(name)
	if file == "" {
		return nil, fmt.Errorf("%s is not set: point it at the %s private key file (%s)", name, alg, keyAdvice(alg))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key, err := ParsePrivateKey(data)
	if err == nil {
		err = checkKey(alg, key.Public())
	}
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", name, file, err)
	}
	return key, nil
}

// PublicKeysFromEnv loads the public keys from the comma-separated PEM files
// named by the environment variable name; unset means none. They are the
// earlier keys a service still accepts after a rotation.
func PublicKeysFromEnv(name, alg string) ([]crypto.PublicKey, error) {
	var keys []crypto.PublicKey
	for file := range strings.SplitSeq(os.Getenv(name), ",") {
		if file = strings.TrimSpace(file); file == "" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pub, err := ParsePublicKey(data)
		if err == nil {
			err = checkKey(alg, pub)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, file, err)
		}
		keys = append(keys, pub)
	}
	return keys, nil
}

// JWK is a public key as RFC 7517 writes it.
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	Crv string `json:"crv,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// NewJWK describes pub for signature verification with alg; its kid is the
// RFC 7638 thumbprint.
func NewJWK(alg string, pub crypto.PublicKey) (JWK, error) {
	b64 := base64.RawURLEncoding.EncodeToString
	var k JWK
	switch p := pub.(type) {
	case *rsa.PublicKey:
		k = JWK{Kty: "RSA", N: b64(p.N.Bytes()), E: b64(big.NewInt(int64(p.E)).Bytes())}
	case *ecdsa.PublicKey:
		raw, err := p.Bytes() // 0x04 || X || Y, each padded to the curve size
		if err != nil {
			return JWK{}, fmt.Errorf("token: %w", err)
		}
		size := (len(raw) - 1) / 2
		k = JWK{Kty: "EC", Crv: p.Curve.Params().Name, X: b64(raw[1 : 1+size]), Y: b64(raw[1+size:])}
	case ed25519.PublicKey:
		k = JWK{Kty: "OKP", Crv: "Ed25519", X: b64(p)}
	default:
		return JWK{}, fmt.Errorf("token: no JWK for %T", pub)
	}
	k.Kid = thumbprint(k)
	k.Use, k.Alg = "sig", alg
	return k, nil
}

// thumbprint is the RFC 7638 SHA-256 thumbprint of k: the required members
// in lexicographic order, no white space. Base64url values need no escaping.
func thumbprint(k JWK) string {
	var canonical string
	switch k.Kty {
	case "RSA":
		canonical = fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, k.E, k.N)
	case "EC":
		canonical = fmt.Sprintf(`{"crv":%q,"kty":"EC","x":%q,"y":%q}`, k.Crv, k.X, k.Y)
	case "OKP":
		canonical = fmt.Sprintf(`{"crv":%q,"kty":"OKP","x":%q}`, k.Crv, k.X)
	}
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// KeyID returns the kid of pub: its RFC 7638 thumbprint.
func KeyID(pub crypto.PublicKey) (string, error) {
	k, err := NewJWK("", pub)
	return k.Kid, err
}
