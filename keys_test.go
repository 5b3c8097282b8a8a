package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeysCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for alg, check := range map[string]func(any) bool{
		"RS256": func(k any) bool { r, ok := k.(*rsa.PrivateKey); return ok && r.N.BitLen() == 3072 },
		"ES256": func(k any) bool { e, ok := k.(*ecdsa.PrivateKey); return ok && e.Curve.Params().Name == "P-256" },
		"EdDSA": func(k any) bool { _, ok := k.(ed25519.PrivateKey); return ok },
	} {
		out := authgen(t, dir, "keys", "--alg", alg, "--out", "keys")
		if out.code != 0 {
			t.Fatalf("keys --alg %s: exit %d: %s", alg, out.code, out.stderr)
		}
		keyFile, ok := strings.CutPrefix(strings.SplitN(out.stdout, "\n", 2)[0], "AUTH_JWT_PRIVATE_KEY_FILE=")
		if !ok || !strings.HasPrefix(keyFile, "keys/"+strings.ToLower(alg)+"-") {
			t.Fatalf("stdout = %q, want the env line first", out.stdout)
		}
		info, err := os.Stat(filepath.Join(dir, keyFile))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("private key %s: %v, mode %v, want 0600", keyFile, err, info.Mode())
		}
		block, _ := pem.Decode(mustRead(t, filepath.Join(dir, keyFile)))
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil || !check(key) {
			t.Errorf("%s: private key %T (%v) is not what the algorithm pins", alg, key, err)
		}
		block, _ = pem.Decode(mustRead(t, filepath.Join(dir, strings.TrimSuffix(keyFile, ".key")+".pub")))
		if block == nil || block.Type != "PUBLIC KEY" {
			t.Errorf("%s: no PUBLIC KEY block beside the private key", alg)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, "keys")); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("keys dir mode = %v (%v), want 0700", info.Mode(), err)
	}
	// A second run writes a second pair beside the first: rotation.
	authgen(t, dir, "keys", "--alg", "EdDSA", "--out", "keys")
	if pubs, _ := filepath.Glob(filepath.Join(dir, "keys", "eddsa-*.pub")); len(pubs) != 2 {
		t.Errorf("after two EdDSA runs: %v, want two public keys", pubs)
	}
	for _, args := range [][]string{{"keys"}, {"keys", "--alg", "HS256"}, {"keys", "--alg", "PS256"}} {
		if out := authgen(t, dir, args...); out.code != 2 || !strings.Contains(out.stderr, "RS256, ES256 or EdDSA") && !strings.Contains(out.stderr, "AUTH_JWT_SECRET") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with advice", args, out.code, out.stderr)
		}
	}
}

func TestKeysNeverOverwrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.key")
	writeFile(t, path, "precious")
	if err := writeNew(path, []byte("new"), 0o600); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("writeNew over an existing file: %v", err)
	}
	if got := string(mustRead(t, path)); got != "precious" {
		t.Errorf("file now holds %q", got)
	}
}

// TestKeysOutIsOneLine: the printed env line is meant to be appended to an
// env file, so --out cannot smuggle a second line into it.
func TestKeysOutIsOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := authgen(t, dir, "keys", "--alg", "EdDSA", "--out", "x\nAUTH_JWT_SECRET=evil")
	if r.code != 2 || strings.Contains(r.stdout, "AUTH_JWT_SECRET=evil") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("wrote %v", entries)
	}
}
