// Package sealed encrypts the secrets a service must read back, such as a
// user's TOTP key, so that a copy of the database alone does not give them
// away. It seals with AES-256-GCM under the current key and opens with the
// current or any previous key, so that keys can be rotated without
// re-encrypting every row at once: a value opened with a previous key is
// reported stale, and the service seals it again under the current one.
//
// A sealed value is "v1." and the base64url (unpadded) of a 4-byte key ID, a
// 12-byte random nonce and the ciphertext with its tag. The caller's context
// (e.g. the user ID) is authenticated with it, so a value copied to another
// row does not open there.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

const (
	version = "v1."
	idSize  = 4
)

// ErrOpen is the error of a value that no key opens: it was sealed under a
// key no longer given, with another context, or it was altered.
var ErrOpen = errors.New("sealed: the value does not open with any key and context given")

// Keys seals under the first of its keys and opens with any of them.
type Keys struct {
	keys []key
}

type key struct {
	id   []byte
	aead cipher.AEAD
}

// ParseKeys reads the current key and the previous ones, each 32 bytes in
// standard or URL base64 (padded or not), as AUTH_ENCRYPTION_KEY and its
// predecessors give them.
func ParseKeys(current string, previous ...string) (*Keys, error) {
	k := &Keys{}
	for i, text := range append([]string{current}, previous...) {
		raw, err := decodeKey(strings.TrimSpace(text))
		if err != nil {
			if i == 0 {
				return nil, fmt.Errorf("sealed: the current key: %w", err)
			}
			return nil, fmt.Errorf("sealed: previous key %d: %w", i, err)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.keys = append(k.keys, key{id: keyID(raw), aead: aead})
	}
	return k, nil
}

func decodeKey(text string) ([]byte, error) {
	if text == "" {
		return nil, errors.New("it is empty (make one with: openssl rand -base64 32)")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(text); err == nil {
			if len(raw) != KeySize {
				return nil, fmt.Errorf("it is %d bytes; it must be %d (make one with: openssl rand -base64 32)", len(raw), KeySize)
			}
			return raw, nil
		}
	}
	return nil, errors.New("it is not base64 (make one with: openssl rand -base64 32)")
}

// keyID names a key in the values it sealed without saying anything about it.
func keyID(raw []byte) []byte {
	sum := sha256.Sum256(append([]byte("authgen sealed key id\x00"), raw...))
	return sum[:idSize]
}

// Seal encrypts plaintext under the current key, bound to context.
func (k *Keys) Seal(plaintext, context []byte) (string, error) {
	cur := k.keys[0]
	nonce := make([]byte, cur.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := append(append([]byte{}, cur.id...), nonce...)
	out = cur.aead.Seal(out, nonce, plaintext, context)
	return version + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value of Seal bound to context. stale reports that a
// previous key opened it: seal it again to move it to the current key.
func (k *Keys) Open(value string, context []byte) (plaintext []byte, stale bool, err error) {
	body, ok := strings.CutPrefix(value, version)
	if !ok {
		return nil, false, ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < idSize+12 {
		return nil, false, ErrOpen
	}
	id, nonce, ct := raw[:idSize], raw[idSize:idSize+12], raw[idSize+12:]
	for i, kk := range k.keys {
		if subtle.ConstantTimeCompare(kk.id, id) != 1 {
			continue
		}
		if plaintext, err := kk.aead.Open(nil, nonce, ct, context); err == nil {
			return plaintext, i > 0, nil
		}
	}
	return nil, false, ErrOpen
}
