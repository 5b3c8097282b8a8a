package password

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// MinBcryptCost is the lowest cost Bcrypt accepts (OWASP Password Storage
// Cheat Sheet: 10 at the very least; authgen asks for 12).
const MinBcryptCost = 12

// maxBcryptCost bounds the cost a stored hash can ask for, so that a planted
// row cannot make one login take minutes.
const maxBcryptCost = 16

// BcryptMaxBytes is the most bcrypt reads of a password. Longer passwords
// are refused with ErrTooLong rather than silently truncated.
const BcryptMaxBytes = 72

// ErrTooLong is returned by Bcrypt.Hash for a password over BcryptMaxBytes.
var ErrTooLong = fmt.Errorf("password: longer than bcrypt's %d bytes", BcryptMaxBytes)

// Bcrypt is a Hasher for services that must use bcrypt. Prefer Argon2id:
// bcrypt is not memory-hard and reads only 72 bytes. Start from NewBcrypt or
// DefaultBcrypt, which refuse a cost below MinBcryptCost; only tests should
// set a lower Cost directly.
type Bcrypt struct {
	Cost      int
	dummyOnce sync.Once
	dummy     string
}

// NewBcrypt returns a Bcrypt of cost, at least MinBcryptCost.
func NewBcrypt(cost int) (*Bcrypt, error) {
	if cost < MinBcryptCost || cost > maxBcryptCost {
		return nil, fmt.Errorf("password: bcrypt cost %d is outside %d..%d", cost, MinBcryptCost, maxBcryptCost)
	}
	return &Bcrypt{Cost: cost}, nil
}

// Hash returns the bcrypt hash of password.
func (b *Bcrypt) Hash(password string) (string, error) {
	if len(password) > BcryptMaxBytes {
		return "", ErrTooLong
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), b.Cost)
	if err != nil {
		return "", fmt.Errorf("password: bcrypt: %w", err)
	}
	return string(h), nil
}

// Verify checks password against a bcrypt hash, and against an argon2id one
// (asking for a rehash) so that a service moving between the two keeps its
// users.
func (b *Bcrypt) Verify(password, hash string) (ok, rehash bool, err error) {
	if strings.HasPrefix(hash, "$argon2id$") {
		ok, _, err := Default().Verify(password, hash)
		return ok, ok, err
	}
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil || cost > maxBcryptCost {
		return false, false, ErrMalformed
	}
	if len(password) > BcryptMaxBytes {
		// bcrypt would compare only the first 72 bytes; no stored password
		// is longer, so a longer one is wrong (for known and unknown users
		// alike, since VerifyDummy comes here too).
		return false, false, nil
	}
	switch err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)); {
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
		return false, false, nil
	case err != nil:
		return false, false, ErrMalformed
	}
	return true, cost != b.Cost, nil
}

// VerifyDummy runs one verification against a fixed hash of the current cost.
func (b *Bcrypt) VerifyDummy(password string) {
	b.dummyOnce.Do(func() { b.dummy, _ = b.Hash("authgen dummy password") })
	_, _, _ = b.Verify(password, b.dummy)
}

// isBcrypt reports whether hash looks like a bcrypt hash.
func isBcrypt(hash string) bool {
	return strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$")
}

// DefaultBcrypt returns a Bcrypt of cost MinBcryptCost.
func DefaultBcrypt() *Bcrypt { return &Bcrypt{Cost: MinBcryptCost} }
