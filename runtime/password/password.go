// Package password hashes and verifies passwords with argon2id (RFC 9106),
// storing hashes as PHC strings so that parameters travel with each hash and
// can be raised later without invalidating old ones.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes and verifies passwords. Verify reports whether password
// matches hash and whether hash should be replaced by a fresh Hash because
// its parameters are outdated.
type Hasher interface {
	Hash(password string) (string, error)
	Verify(password, hash string) (ok, rehash bool, err error)
	// VerifyDummy does the work of a failed Verify without a stored hash, so
	// that an unknown user costs as much time as a wrong password.
	VerifyDummy(password string)
}

// ErrMalformed is returned for a stored hash that is not a PHC argon2id string.
var ErrMalformed = errors.New("password: malformed hash")

// Argon2id is a Hasher. The zero value is not usable; start from Default.
type Argon2id struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8
	SaltLen uint32
	KeyLen  uint32

	dummyOnce sync.Once
	dummy     string
}

// Default returns the OWASP Password Storage Cheat Sheet parameters:
// m=19 MiB, t=2, p=1, a 16-byte salt and a 32-byte key.
func Default() *Argon2id {
	return &Argon2id{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Hash returns the PHC string of password with a fresh random salt.
func (a *Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, a.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, a.Time, a.Memory, a.Threads, a.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, a.Memory, a.Time, a.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// Verify checks password against a PHC hash in constant time. A bcrypt hash
// is checked too, and asks for a rehash, so that a service moving from bcrypt
// to argon2id keeps its users.
func (a *Argon2id) Verify(password, hash string) (ok, rehash bool, err error) {
	if isBcrypt(hash) {
		legacy := &Bcrypt{Cost: MinBcryptCost}
		ok, _, err := legacy.Verify(password, hash)
		return ok, ok, err
	}
	p, err := parse(hash)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	if subtle.ConstantTimeCompare(key, p.key) != 1 {
		return false, false, nil
	}
	rehash = p.memory != a.Memory || p.time != a.Time || p.threads != a.Threads ||
		uint32(len(p.key)) != a.KeyLen || uint32(len(p.salt)) != a.SaltLen
	return true, rehash, nil
}

// VerifyDummy runs one verification against a fixed hash with the current
// parameters and throws the result away.
func (a *Argon2id) VerifyDummy(password string) {
	a.dummyOnce.Do(func() { a.dummy, _ = a.Hash("authgen dummy password") })
	_, _, _ = a.Verify(password, a.dummy)
}

type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parse reads "$argon2id$v=19$m=...,t=...,p=...$salt$key".
func parse(hash string) (phc, error) {
	var p phc
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, ErrMalformed
	}
	// Bound the parameters a stored hash can ask for, so that a corrupted or
	// planted row cannot make one login allocate gigabytes.
	if p.memory < 8 || p.memory > 1<<21 || p.time < 1 || p.time > 64 || p.threads < 1 {
		return p, ErrMalformed
	}
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, ErrMalformed
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 128 {
		return p, ErrMalformed
	}
	return p, nil
}
