package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/authgen/authgen/generator"
)

// keysCmd writes a new key pair for an asymmetric algorithm and prints the
// environment lines that point a generated service at it. The names carry
// a digest of the public key, so that a rotation adds files beside the old
// ones; an existing file is never overwritten.
func (a *app) keysCmd(c *cli.Context) error {
	alg := c.String("alg")
	switch {
	case alg == "":
		return usageErr("--alg is required: RS256, ES256 or EdDSA")
	case strings.HasPrefix(alg, "HS"):
		return usageErr("%s signs with a shared secret, not a key pair: export AUTH_JWT_SECRET=\"$(openssl rand -base64 48)\"", alg)
	}
	if !generator.IsAsymmetric(generator.Algorithm(alg)) {
		return usageErr("--alg %s has no key pair: use RS256, ES256 or EdDSA", alg)
	}
	out := c.String("out")
	if strings.IndexFunc(out, unicode.IsControl) >= 0 {
		// The output is meant for an env file: a newline would add a line.
		return usageErr("--out %q holds a control character: choose a plain directory name, e.g. keys", out)
	}
	keyFile, err := a.writeKeyPair(out, alg)
	if err != nil {
		return failure(err)
	}
	fmt.Fprintf(a.stdout, "AUTH_JWT_PRIVATE_KEY_FILE=%s\n", keyFile)
	fmt.Fprintf(a.stdout, "# after a rotation, keep the previous public keys until their tokens expire:\n# AUTH_JWT_PUBLIC_KEY_FILES=%s/<previous>.pub\n", out)
	return nil
}

// writeKeyPair writes a new key pair for alg into dir (created 0700) as
// <alg>-<digest>.key (mode 0600) and .pub, reports them on stderr, and
// returns the private key's path.
func (a *app) writeKeyPair(dir, alg string) (string, error) {
	key, err := newKey(alg)
	if err != nil {
		return "", err
	}
	private, public, err := encodeKeyPair(key)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	sum := sha256.Sum256(public)
	base := filepath.Join(dir, strings.ToLower(alg)+"-"+hex.EncodeToString(sum[:4]))
	keyFile, pubFile := base+".key", base+".pub"
	if err := writeNew(keyFile, private, 0o600); err != nil {
		return "", err
	}
	if err := writeNew(pubFile, public, 0o644); err != nil {
		os.Remove(keyFile)
		return "", err
	}
	fmt.Fprintf(a.stderr, "wrote %s (private key, mode 0600: keep it out of version control)\nwrote %s\n", keyFile, pubFile)
	return keyFile, nil
}

// newKey makes a private key of the family alg pins: the sizes the runtime
// accepts (RSA 3072 bits, P-256, Ed25519).
func newKey(alg string) (crypto.Signer, error) {
	switch alg {
	case "RS256":
		return rsa.GenerateKey(rand.Reader, 3072)
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return key, err
	}
	return nil, fmt.Errorf("--alg %s has no key pair: use RS256, ES256 or EdDSA", alg)
}

// encodeKeyPair is key as PKCS #8 and its public key as PKIX, both PEM.
func encodeKeyPair(key crypto.Signer) (private, public []byte, err error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), nil
}

// writeNew creates path with data, and fails if it exists.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists: authgen never overwrites a key; choose another --out", path)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
