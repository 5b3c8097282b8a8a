package httpauth

import (
	"net/http"
	"strings"
	"time"
)

// Cookies carries the tokens of browser clients in HttpOnly cookies, both
// host-only at path "/". Requests they authenticate can be forged
// cross-site, so a service that reads them must also check where unsafe
// requests come from (see http.CrossOriginProtection).
//
// Both are __Host- cookies, the one prefix that a sibling subdomain cannot
// plant (a cookie set with Domain= from evil.example.com would otherwise
// reach api.example.com too, and log its browser into the attacker's
// session). __Host- requires path "/", so the refresh cookie goes with every
// request to the host, not only to the refresh route: HttpOnly, Secure and
// SameSite keep it from scripts and other sites, and the service reads it
// only where a session is refreshed or ended.
type Cookies struct {
	// Secure marks both cookies Secure and gives them the __Host- prefix,
	// which browsers only accept over HTTPS from the host itself. Turn it
	// off only for plain-http local development, where a sibling can plant
	// cookies.
	Secure bool
	// SameSite applies to both cookies; zero means http.SameSiteStrictMode.
	SameSite http.SameSite
}

// AccessName is the access-token cookie's name. Its path is "/" and it has
// no Domain, which is what the __Host- prefix requires.
func (c Cookies) AccessName() string {
	if c.Secure {
		return "__Host-access_token"
	}
	return "access_token"
}

// RefreshName is the refresh-token cookie's name, with AccessName's
// attributes.
func (c Cookies) RefreshName() string {
	if c.Secure {
		return "__Host-refresh_token"
	}
	return "refresh_token"
}

func (c Cookies) cookie(name, value, path string, ttl time.Duration) *http.Cookie {
	sameSite := c.SameSite
	if sameSite == 0 {
		sameSite = http.SameSiteStrictMode
	}
	maxAge := int(ttl / time.Second)
	if ttl < 0 {
		maxAge = -1 // Max-Age=0: delete now
	}
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: c.Secure, SameSite: sameSite}
}

// Set sets both cookies, each living as long as its token.
func (c Cookies) Set(w http.ResponseWriter, access string, accessTTL time.Duration, refresh string, refreshTTL time.Duration) {
	http.SetCookie(w, c.cookie(c.AccessName(), access, "/", accessTTL))
	http.SetCookie(w, c.cookie(c.RefreshName(), refresh, "/", refreshTTL))
}

// SetAccess sets the access cookie alone: a fresh access token for the
// session whose refresh cookie the browser keeps.
func (c Cookies) SetAccess(w http.ResponseWriter, access string, accessTTL time.Duration) {
	http.SetCookie(w, c.cookie(c.AccessName(), access, "/", accessTTL))
}

// Clear tells the browser to delete both cookies.
func (c Cookies) Clear(w http.ResponseWriter) {
	http.SetCookie(w, c.cookie(c.AccessName(), "", "/", -1))
	http.SetCookie(w, c.cookie(c.RefreshName(), "", "/", -1))
}

// Access returns the access token of r's cookie: ErrNoToken without one,
// ErrMalformed when it is empty, too long, or sent twice (a second cookie of
// the name may have been planted by a sibling domain).
func (c Cookies) Access(r *http.Request) (string, error) {
	return c.read(r, c.AccessName())
}

// Refresh returns the refresh token of r's cookie, with Access's errors.
func (c Cookies) Refresh(r *http.Request) (string, error) {
	return c.read(r, c.RefreshName())
}

func (c Cookies) read(r *http.Request, name string) (string, error) {
	found := r.CookiesNamed(name)
	switch sent := timesSent(r, name); {
	case sent == 0:
		return "", ErrNoToken
	case sent > 1, len(found) != 1, found[0].Value == "", len(found[0].Value) > MaxHeaderLength:
		return "", ErrMalformed
	}
	return found[0].Value, nil
}

// timesSent counts the cookies called name in r's Cookie headers as sent,
// valid or not: net/http drops a cookie whose value it cannot parse, so a
// planted copy with a stray quote would otherwise leave the other one
// looking alone.
func timesSent(r *http.Request, name string) int {
	n := 0
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			if k, _, _ := strings.Cut(strings.TrimSpace(part), "="); k == name {
				n++
			}
		}
	}
	return n
}
