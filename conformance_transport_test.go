package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The conformance checks that depend on the service's transport, the OAuth2
// token request every service answers, and RequireRole.

// presentations are malformed or misplaced presentations of a token, for
// the profile's transport.
func (s *suite) presentations(access string) []struct {
	name   string
	header []string
	code   string
} {
	type entry = struct {
		name   string
		header []string
		code   string
	}
	var out []entry
	if s.transport != "cookie" {
		out = append(out,
			entry{"me: empty Authorization header", []string{"Authorization", ""}, "invalid_token"},
			entry{"me: 10 KB Authorization header", bearerHeader(strings.Repeat("a", 10<<10)), "invalid_token"},
			entry{"me: unknown scheme", []string{"Authorization", "Basic YWRhOnB3"}, "invalid_token"},
			entry{"me: scheme without token", []string{"Authorization", "Bearer"}, "invalid_token"},
			entry{"me: two Authorization headers", []string{"Authorization", "Bearer " + access, "Authorization", "Bearer " + access}, "invalid_token"},
		)
	}
	if s.transport != "header" {
		out = append(out,
			entry{"me: empty access cookie", []string{"Cookie", accessCookie + "="}, "invalid_token"},
			entry{"me: 10 KB access cookie", []string{"Cookie", accessCookie + "=" + strings.Repeat("a", 10<<10)}, "invalid_token"},
			entry{"me: access cookie twice (one planted)", []string{"Cookie", accessCookie + "=" + access + "; " + accessCookie + "=planted"}, "invalid_token"},
			entry{"me: access cookie twice, the planted copy one net/http cannot parse", []string{"Cookie", accessCookie + "=" + access + "; " + accessCookie + `=x"y`}, "invalid_token"},
			entry{"me: the token in a cookie without the __Host- prefix", []string{"Cookie", "access_token=" + access}, "missing_token"},
		)
	}
	if s.transport == "cookie" {
		out = append(out, entry{"me: a cookie-only service reads no Authorization header", bearerHeader(access), "missing_token"})
	}
	if s.transport == "both" {
		out = append(out, entry{"me: the header wins over the cookie", []string{"Authorization", "Bearer garbage", "Cookie", accessCookie + "=" + access}, "invalid_token"})
	}
	return out
}

// transportChecks: a header service never sets or reads a cookie; a cookie
// service sets hardened cookies, authenticates by them, refuses the
// cross-site requests they would authenticate, and deletes them at logout.
func (s *suite) transportChecks(p pair) {
	const login, refresh, logout, logoutAll, me = "/auth/login", "/auth/refresh", "/auth/logout", "/auth/logout-all", "/auth/me"
	ada := s.creds("ada@example.com", confPassword)
	if s.transport == "header" {
		// No token cookie is ever set (the device cookie of the login
		// throttle authenticates nothing), and a cookie carrying a valid
		// access token authenticates nothing either, so no request can be
		// forged cross-site with the user's credentials (DESIGN.md checklist
		// item 8).
		s.tokens("login: a token pair and no token cookie", s.postJSON(login, ada))
		for _, c := range []string{"access_token", "token", "jwt", "Authorization", accessCookie} {
			s.expect("me: an access token in a "+c+" cookie is ignored", s.send("GET", me, "", nil, "Cookie", c+"="+p.access), 401, "missing_token")
		}
		return
	}
	r := s.postJSON(login, ada)
	session := s.tokens("login: tokens in hardened cookies", r)
	ac, rc := cookieOf(r, accessCookie), cookieOf(r, refreshCookie)
	if !ac.HttpOnly || !ac.Secure || ac.SameSite != http.SameSiteStrictMode || ac.Path != "/" || ac.Domain != "" || ac.MaxAge != 900 {
		s.t.Errorf("access cookie %+v: want HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, Max-Age=900", ac)
	}
	// __Host- (Secure, Path=/, no Domain) is the one prefix a sibling
	// subdomain cannot plant: a __Secure- refresh cookie set with Domain=
	// from evil.example.com logged the browser into the attacker's session.
	if !rc.HttpOnly || !rc.Secure || rc.SameSite != http.SameSiteStrictMode || rc.Path != "/" || rc.Domain != "" || rc.MaxAge != 2592000 || !strings.HasPrefix(rc.Name, "__Host-") {
		s.t.Errorf("refresh cookie %+v: want __Host-, HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, Max-Age=2592000", rc)
	}
	cookie := func(name, value string, more ...string) []string {
		return append([]string{"Cookie", name + "=" + value}, more...)
	}
	crossSite := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
	s.expect("me: the access cookie authenticates", s.send("GET", me, "", nil, cookie(accessCookie, session.access)...), 200, "")
	s.expect("me: a cross-site GET with the cookie is safe and passes", s.send("GET", me, "", nil, cookie(accessCookie, session.access, crossSite...)...), 200, "")
	s.expect("logout-all: cross-site with the cookie (CSRF)", s.send("POST", logoutAll, "", nil, cookie(accessCookie, session.access, crossSite...)...), 403, "cross_origin")
	s.expect("logout-all: another Origin, no Sec-Fetch-Site (older browsers)", s.send("POST", logoutAll, "", nil, cookie(accessCookie, session.access, "Origin", "https://evil.example")...), 403, "cross_origin")
	form := url.Values{"grant_type": {"password"}, "username": {"ada@example.com"}, "password": {confPassword}}.Encode()
	s.expect("login: a cross-site form post (login CSRF)", s.send("POST", login, "application/x-www-form-urlencoded", []byte(form), crossSite...), 403, "cross_origin")
	s.expect("register: a cross-site post", s.send("POST", "/auth/register", "application/json", []byte(`{"email":"mallory@example.com","password":"long enough pw"}`), crossSite...), 403, "cross_origin")
	s.expect("logout: cross-site with the cookie", s.send("POST", logout, "", nil, cookie(accessCookie, session.access, crossSite...)...), 403, "cross_origin")
	s.expect("refresh: cross-site with the refresh cookie", s.send("POST", refresh, "", nil, cookie(refreshCookie, session.refresh, crossSite...)...), 403, "cross_origin")
	s.expect("refresh: a planted refresh cookie under the old __Secure- name is not read", s.send("POST", refresh, "", nil, cookie("__Secure-refresh_token", session.refresh)...), 401, "invalid_token")
	s.expect("refresh: the refresh cookie twice, the planted copy in another header and unparsable", s.send("POST", refresh, "", nil, "Cookie", refreshCookie+"="+session.refresh, "Cookie", refreshCookie+`=x"y`), 401, "invalid_token")
	s.expect("refresh: the refresh cookie twice (one planted)", s.send("POST", refresh, "", nil, "Cookie", refreshCookie+"="+session.refresh+"; "+refreshCookie+"=planted"), 401, "invalid_token")
	if r := s.send("POST", refresh, "", nil, "Cookie", refreshCookie+"=planted; "+refreshCookie+"="+session.refresh); r.status != 401 || !strings.Contains(string(r.body), "more than once") {
		s.t.Errorf("refresh: two refresh cookies, the real one last: %d %s, want 401 naming the duplicate", r.status, r.body)
	}
	r = s.send("POST", refresh, "", nil, cookie(refreshCookie, session.refresh, "Sec-Fetch-Site", "same-origin")...)
	next := s.tokens("refresh: the refresh cookie alone, same origin", r)
	if next.refresh == session.refresh {
		s.t.Errorf("refresh by cookie returned the same refresh token")
	}
	r = s.expect("logout: with the access cookie, from this origin", s.send("POST", logout, "", nil, cookie(accessCookie, next.access, "Origin", s.base)...), 204, "")
	if a, b := cookieOf(r, accessCookie), cookieOf(r, refreshCookie); a.MaxAge >= 0 || b.MaxAge >= 0 || b.Path != "/" {
		s.t.Errorf("logout deleted no cookies: %v", r.header.Values("Set-Cookie"))
	}
	s.expect("refresh: the session ended at logout", s.send("POST", refresh, "", nil, cookie(refreshCookie, next.refresh)...), 401, "invalid_token")
	// Once the access cookie has expired the browser sends only the refresh
	// cookie: logout must still end the session (CSRF-checked like the rest).
	later := s.tokens("login: a second session", s.postJSON(login, ada))
	s.expect("logout: cross-site with the refresh cookie alone", s.send("POST", logout, "", nil, cookie(refreshCookie, later.refresh, crossSite...)...), 403, "cross_origin")
	r = s.expect("logout: with the refresh cookie alone (the access cookie expired)", s.send("POST", logout, "", nil, cookie(refreshCookie, later.refresh, "Sec-Fetch-Site", "same-origin")...), 204, "")
	if b := cookieOf(r, refreshCookie); b.MaxAge >= 0 {
		s.t.Errorf("logout by refresh cookie deleted no cookie: %v", r.header.Values("Set-Cookie"))
	}
	s.expect("refresh: the session ended at logout by refresh cookie", s.send("POST", refresh, "", nil, cookie(refreshCookie, later.refresh)...), 401, "invalid_token")
}

// tokenRequests drives the RFC 6749 token requests of the login route.
func (s *suite) tokenRequests() {
	const login, me = "/auth/login", "/auth/me"
	post := func(v url.Values) reply {
		return s.send("POST", login, "application/x-www-form-urlencoded", []byte(v.Encode()))
	}
	oauth := func(name string, r reply, status int, code, oauthError string) {
		s.t.Helper()
		s.expect(name, r, status, code)
		if got := r.json()["error"]; got != oauthError || r.json()["error_description"] == nil {
			s.t.Errorf("%s: error %v, want %s with a description: %s", name, got, oauthError, r.body)
		}
	}
	p := s.tokens("token request: grant_type=password", post(url.Values{"grant_type": {"password"}, "username": {"ada@example.com"}, "password": {confPassword}}))
	s.expect("me: with the token request's access token", s.send("GET", me, "", nil, s.auth(p.access)...), 200, "")
	s.tokens("token request: grant_type=refresh_token", post(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {p.refresh}}))
	oauth("token request: the spent refresh token", post(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {p.refresh}}), 400, "invalid_token", "invalid_grant")
	oauth("token request: a wrong password", post(url.Values{"grant_type": {"password"}, "username": {"ada@example.com"}, "password": {"not the password"}}), 400, "invalid_credentials", "invalid_grant")
	oauth("token request: no grant_type", post(url.Values{"username": {"ada"}, "password": {"x"}}), 400, "malformed_body", "invalid_request")
	oauth("token request: grant_type=client_credentials", post(url.Values{"grant_type": {"client_credentials"}}), 400, "malformed_body", "unsupported_grant_type")
	oauth("token request: grant_type twice", s.send("POST", login, "application/x-www-form-urlencoded", []byte("grant_type=password&grant_type=refresh_token")), 400, "malformed_body", "invalid_request")
	oauth("token request: 2 MiB form", s.send("POST", login, "application/x-www-form-urlencoded", []byte("grant_type="+strings.Repeat("a", 2<<20))), 413, "body_too_large", "invalid_request")
}

// roles checks RequireRole on the scaffolded main's GET /hello/admin, after
// buildService gave claims.go a rule: addresses starting with "admin" get
// the admin role.
func (s *suite) roles() {
	const reg, login = "/auth/register", "/auth/login"
	user := s.tokens("roles: a user logs in", s.postJSON(login, s.creds("ada@example.com", confPassword)))
	s.expect("roles: register an admin", s.postJSON(reg, s.creds("admin@example.com", confPassword)), 201, "")
	admin := s.tokens("roles: the admin logs in", s.postJSON(login, s.creds("admin@example.com", confPassword)))
	s.expect("roles: RequireRole(admin) refuses a user", s.send("GET", "/hello/admin", "", nil, s.auth(user.access)...), 403, "forbidden")
	s.expect("roles: RequireRole(admin) without a token", s.send("GET", "/hello/admin", "", nil), 401, "missing_token")
	r := s.send("GET", "/hello/admin", "", nil, s.auth(admin.access)...)
	s.transcript = append(s.transcript, fmt.Sprintf("roles: the admin passes: %d", r.status))
	s.names = append(s.names, "roles: RequireRole(admin) lets the admin through | 200")
	if r.status != 200 || !strings.HasPrefix(string(r.body), "hello, ") {
		s.t.Errorf("roles: the admin got %d %s", r.status, r.body)
	}
}

// grantAdmins is the rule buildService writes into the service's claims.go,
// the way a user edits the file authgen scaffolded once.
const grantAdmins = `if strings.HasPrefix(u.Email, "admin") {
		return TokenClaims{Roles: []string{"admin"}}, nil
	}
	return TokenClaims{}, nil`
