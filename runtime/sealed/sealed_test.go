package sealed

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func newKey(t *testing.T) string {
	t.Helper()
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

func TestSealOpens(t *testing.T) {
	k, err := ParseKeys(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Seal([]byte("JBSWY3DPEHPK3PXP"), []byte("user-1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "JBSWY3DP") || !strings.HasPrefix(v, "v1.") {
		t.Fatalf("sealed value %q shows its plaintext or lacks the version", v)
	}
	got, stale, err := k.Open(v, []byte("user-1"))
	if err != nil || stale || string(got) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v, %v", got, stale, err)
	}
	again, _ := k.Seal([]byte("JBSWY3DPEHPK3PXP"), []byte("user-1"))
	if again == v {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
}

func TestOpenRefusesOtherContextKeyOrTampering(t *testing.T) {
	k, _ := ParseKeys(newKey(t))
	other, _ := ParseKeys(newKey(t))
	v, _ := k.Seal([]byte("secret"), []byte("user-1"))
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(v, "v1."))
	raw[len(raw)-1] ^= 1
	tampered := "v1." + base64.RawURLEncoding.EncodeToString(raw)
	for name, open := range map[string]func() error{
		"other context": func() error { _, _, err := k.Open(v, []byte("user-2")); return err },
		"other key":     func() error { _, _, err := other.Open(v, []byte("user-1")); return err },
		"tampered":      func() error { _, _, err := k.Open(tampered, []byte("user-1")); return err },
		"no version":    func() error { _, _, err := k.Open(strings.TrimPrefix(v, "v1."), []byte("user-1")); return err },
		"short":         func() error { _, _, err := k.Open("v1.AAAA", []byte("user-1")); return err },
		"not base64":    func() error { _, _, err := k.Open("v1.!!!", []byte("user-1")); return err },
	} {
		if err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open error = %v, want ErrOpen", name, err)
		}
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKeyText := newKey(t), newKey(t)
	before, _ := ParseKeys(oldKey)
	v, _ := before.Seal([]byte("secret"), nil)
	after, err := ParseKeys(newKeyText, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	got, stale, err := after.Open(v, nil)
	if err != nil || !stale || !bytes.Equal(got, []byte("secret")) {
		t.Fatalf("Open of a value under the previous key = %q, stale %v, %v; want it, stale", got, stale, err)
	}
	resealed, _ := after.Seal(got, nil)
	if _, stale, err := after.Open(resealed, nil); err != nil || stale {
		t.Fatalf("resealed value: stale %v, %v", stale, err)
	}
	current, _ := ParseKeys(newKeyText)
	if _, _, err := current.Open(v, nil); !errors.Is(err, ErrOpen) {
		t.Fatalf("without the previous key, Open = %v, want ErrOpen", err)
	}
}

func TestParseKeysSaysWhatIsWrong(t *testing.T) {
	for _, tc := range []struct{ current, prev, want string }{
		{"", "", "the current key: it is empty"},
		{"c2hvcnQ=", "", "it is 5 bytes; it must be 32"},
		{newKey(t), "%%%", "previous key 1: it is not base64"},
	} {
		prev := []string{}
		if tc.prev != "" {
			prev = append(prev, tc.prev)
		}
		_, err := ParseKeys(tc.current, prev...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKeys(%q, %q) = %v, want an error saying %q", tc.current, tc.prev, err, tc.want)
		}
	}
	raw := make([]byte, KeySize)
	for _, text := range []string{base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw), " " + base64.StdEncoding.EncodeToString(raw) + "\n"} {
		if _, err := ParseKeys(text); err != nil {
			t.Errorf("ParseKeys(%q) = %v", text, err)
		}
	}
}
