package throttle

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Devices issues and checks device cookies, OWASP's answer to lockout as a
// weapon: a client that has signed in to an account before holds a cookie
// naming a random device ID, bound to that one identity by an HMAC. Its
// attempts are counted per device (see Attempt.Device) instead of per
// identity, so strangers who keep the identity locked do not keep its owner
// out, while a stolen or guessed cookie buys only one device's allowance.
type Devices struct {
	key []byte
}

// deviceIDLen is the random part of a device cookie, in bytes.
const deviceIDLen = 16

// maxDeviceCookie bounds what Check reads; real cookies are 66 bytes.
const maxDeviceCookie = 128

// NewDevices derives the cookies' HMAC key from secret (the service's
// token-signing key material) with HKDF-SHA256, so that the two keys are
// independent although one secret is configured.
func NewDevices(secret []byte) (*Devices, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, "authgen device cookie v1", 32)
	if err != nil {
		return nil, err
	}
	return &Devices{key: key}, nil
}

// Issue returns a new device cookie value for identity.
func (d *Devices) Issue(identity string) (string, error) {
	id := make([]byte, deviceIDLen)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	return b64.EncodeToString(id) + "." + b64.EncodeToString(d.mac(identity, id)), nil
}

// Check returns the device ID of value when it is a device cookie this
// service issued for identity; any other value, another identity's cookie
// included, is no device.
func (d *Devices) Check(value, identity string) (string, bool) {
	if len(value) > maxDeviceCookie {
		return "", false
	}
	idPart, macPart, ok := strings.Cut(value, ".")
	if !ok {
		return "", false
	}
	id, err := b64.DecodeString(idPart)
	if err != nil || len(id) != deviceIDLen {
		return "", false
	}
	mac, err := b64.DecodeString(macPart)
	if err != nil || !hmac.Equal(mac, d.mac(identity, id)) {
		return "", false
	}
	return idPart, true
}

func (d *Devices) mac(identity string, id []byte) []byte {
	h := hmac.New(sha256.New, d.key)
	h.Write([]byte("device\x00"))
	h.Write([]byte(identity))
	h.Write([]byte{0})
	h.Write(id)
	return h.Sum(nil)
}

var b64 = base64.RawURLEncoding.Strict()
