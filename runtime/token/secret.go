package token

import (
	"fmt"
	"os"
)

// SecretFromEnv reads an HMAC secret from the environment variable name and
// refuses a missing or short one, so that a service never starts with a key
// that can be guessed. The value is used as raw bytes; generate one with
// `openssl rand -base64 48`.
func SecretFromEnv(name string) ([]byte, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return nil, fmt.Errorf("%s is not set: export a random secret of at least %d bytes (e.g. openssl rand -base64 48)", name, MinSecretLength)
	}
	if len(v) < MinSecretLength {
		return nil, fmt.Errorf("%s is %d bytes: it must be at least %d random bytes (e.g. openssl rand -base64 48)", name, len(v), MinSecretLength)
	}
	return []byte(v), nil
}
