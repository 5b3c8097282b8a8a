package httpauth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/httpauth"
)

func TestCookiesAreHardened(t *testing.T) {
	for _, secure := range []bool{true, false} {
		c := httpauth.Cookies{Secure: secure}
		w := httptest.NewRecorder()
		c.Set(w, "AT", 15*time.Minute, "RT", 720*time.Hour)
		set := w.Result().Cookies()
		if len(set) != 2 {
			t.Fatalf("Set wrote %d cookies", len(set))
		}
		access, refresh := set[0], set[1]
		wantAccess, wantRefresh := "access_token", "refresh_token"
		if secure {
			wantAccess, wantRefresh = "__Host-access_token", "__Host-refresh_token"
		}
		if access.Name != wantAccess || access.Path != "/" || access.Domain != "" || access.MaxAge != 900 || access.Value != "AT" {
			t.Errorf("access cookie %+v", access)
		}
		if refresh.Name != wantRefresh || refresh.Path != "/" || refresh.Domain != "" || refresh.MaxAge != 2592000 || refresh.Value != "RT" {
			t.Errorf("refresh cookie %+v", refresh)
		}
		for _, ck := range set {
			if !ck.HttpOnly || ck.Secure != secure || ck.SameSite != http.SameSiteStrictMode {
				t.Errorf("cookie %s: HttpOnly %v Secure %v SameSite %v", ck.Name, ck.HttpOnly, ck.Secure, ck.SameSite)
			}
		}
		w = httptest.NewRecorder()
		c.Clear(w)
		for _, line := range w.Result().Header.Values("Set-Cookie") {
			if !strings.Contains(line, "Max-Age=0") || !strings.Contains(line, "=;") {
				t.Errorf("Clear wrote %q, want an empty value with Max-Age=0", line)
			}
		}
	}
}

func TestCookiesRead(t *testing.T) {
	c := httpauth.Cookies{Secure: true}
	req := func(cookies ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		for _, ck := range cookies {
			r.Header.Add("Cookie", ck)
		}
		return r
	}
	if tok, err := c.Access(req("__Host-access_token=abc")); tok != "abc" || err != nil {
		t.Errorf("Access = %q, %v", tok, err)
	}
	if tok, err := c.Refresh(req("__Host-refresh_token=r1; other=x")); tok != "r1" || err != nil {
		t.Errorf("Refresh = %q, %v", tok, err)
	}
	cases := map[string]struct {
		r    *http.Request
		want error
	}{
		"none":               {req(), httpauth.ErrNoToken},
		"unprefixed name":    {req("access_token=abc"), httpauth.ErrNoToken},
		"empty":              {req("__Host-access_token="), httpauth.ErrMalformed},
		"twice":              {req("__Host-access_token=a; __Host-access_token=b"), httpauth.ErrMalformed},
		"twice, two headers": {req("__Host-access_token=a", "__Host-access_token=b"), httpauth.ErrMalformed},
		"twice, one unparsable (net/http drops it)": {req(`__Host-access_token=a; __Host-access_token=x"y`), httpauth.ErrMalformed},
		"twice, one in another header with é":       {req("__Host-access_token=a", "__Host-access_token=\u00e9"), httpauth.ErrMalformed},
		"once, unparsable":                          {req(`__Host-access_token=x"y`), httpauth.ErrMalformed},
		"longer than the cap":                       {req("__Host-access_token=" + strings.Repeat("a", httpauth.MaxHeaderLength+1)), httpauth.ErrMalformed},
	}
	for name, tc := range cases {
		if _, err := c.Access(tc.r); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	// A refresh cookie sent twice is refused, not resolved in favour of
	// either: one of them may be a sibling's.
	if _, err := c.Refresh(req("__Host-refresh_token=mine; __Host-refresh_token=planted")); !errors.Is(err, httpauth.ErrMalformed) {
		t.Errorf("two refresh cookies: err = %v, want ErrMalformed", err)
	}
	// The name of the previous releases' refresh cookie, which a sibling
	// could plant, is not read.
	if _, err := c.Refresh(req("__Secure-refresh_token=planted")); !errors.Is(err, httpauth.ErrNoToken) {
		t.Errorf("__Secure- refresh cookie: err = %v, want ErrNoToken", err)
	}
}
