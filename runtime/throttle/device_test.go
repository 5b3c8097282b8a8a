package throttle_test

import (
	"strings"
	"testing"

	"github.com/authgen/authgen/runtime/throttle"
)

func TestDeviceCookiesAreBoundToOneIdentity(t *testing.T) {
	d, err := throttle.NewDevices([]byte("a service secret of at least 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Issue("ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	id, ok := d.Check(c, "ada@example.com")
	if !ok || id == "" || !strings.HasPrefix(c, id+".") {
		t.Fatalf("Check(own cookie) = %q, %v", id, ok)
	}
	other, _ := d.Issue("ada@example.com")
	if id2, _ := d.Check(other, "ada@example.com"); id2 == id {
		t.Error("two devices share an ID")
	}
	for name, bad := range map[string]string{
		"another identity": "", // c checked against bob below
		"tampered id":      otherChar(c[0]) + c[1:],
		"tampered mac":     c[:len(c)-1] + otherChar(c[len(c)-1]),
		"no dot":           strings.Replace(c, ".", "", 1),
		"empty":            "",
		"huge":             strings.Repeat("A", 4096),
		"padding":          c + "=",
	} {
		value, identity := bad, "ada@example.com"
		if name == "another identity" {
			value, identity = c, "bob@example.com"
		}
		if _, ok := d.Check(value, identity); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	e, _ := throttle.NewDevices([]byte("another service's secret, 32 bytes or more"))
	if _, ok := e.Check(c, "ada@example.com"); ok {
		t.Error("a cookie of another key was accepted")
	}
}

// otherChar is a base64url character that is not b, so that a tampered
// cookie always differs from the one it was made from (a fixed "A" left one
// cookie in 64 unchanged, and the test failed on it).
func otherChar(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}
