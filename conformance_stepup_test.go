package main

import (
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// recentAuthChallenge is the RFC 9470 challenge of the sensitive endpoints
// under the default recent_auth (10m).
const recentAuthChallenge = `Bearer error="insufficient_user_authentication", error_description="a more recent authentication is required", max_age="600"`

// stepUp checks recent authentication: a login's access token states its
// auth_time and amr; a token of the same session whose auth_time is older
// than recent_auth is refused by a password change, revoke-others and
// RequireRecentAuth with RFC 9470's challenge, until the session
// re-authenticates. password is ada's password.
func (s *suite) stepUp(password string) {
	const reauth, form = "/auth/reauthenticate", "application/json"
	login := s.tokens("step-up: login", s.postJSON("/auth/login", s.creds("ada@example.com", password)))
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(login.access, &claims); err != nil {
		s.t.Fatalf("step-up: the login's access token: %v", err)
	}
	amr, _ := claims["amr"].([]any)
	authTime, _ := claims["auth_time"].(float64)
	if len(amr) != 1 || amr[0] != "pwd" || time.Since(time.Unix(int64(authTime), 0)) > time.Minute {
		s.t.Errorf("step-up: the login's access token has auth_time %v and amr %v", claims["auth_time"], claims["amr"])
	}
	stale := s.own("at+jwt", func(c jwt.MapClaims) {
		c["sub"], c["sid"], c["amr"] = claims["sub"], claims["sid"], []string{"pwd"}
		c["auth_time"] = time.Now().Add(-11 * time.Minute).Unix()
	})
	change := map[string]string{"current_password": password, "new_password": "a password nobody will set"}
	s.expect("step-up: a password change with an old authentication", s.postJSON("/auth/password", change, s.auth(stale)...), 401, "reauthentication_required")
	s.expect("step-up: revoke-others with an old authentication", s.send("POST", "/auth/sessions/revoke-others", "", nil, s.auth(stale)...), 401, "reauthentication_required")
	if r := s.send("GET", "/hello/recent", "", nil, s.auth(stale)...); r.status != 401 || r.json()["code"] != "reauthentication_required" || !strings.HasSuffix(r.header.Get("WWW-Authenticate"), `max_age="300"`) {
		s.t.Errorf("step-up: RequireRecentAuth(5m) with an old authentication: %d %v %s", r.status, r.header, r.body)
	}
	s.expect("step-up: re-authenticate without a token", s.postJSON(reauth, map[string]string{"password": password}), 401, "missing_token")
	s.expect("step-up: re-authenticate with a wrong password", s.postJSON(reauth, map[string]string{"password": "not the password"}, s.auth(stale)...), 401, "invalid_credentials")
	s.expect("step-up: re-authenticate with malformed JSON", s.send("POST", reauth, form, []byte(`{"password":`), s.auth(stale)...), 400, "malformed_body")
	s.expect("step-up: re-authenticate with text/plain", s.send("POST", reauth, "text/plain", []byte(`{}`), s.auth(stale)...), 415, "unsupported_media_type")
	s.expect("step-up: re-authenticate with a 2 MiB body", s.send("POST", reauth, form, []byte(`{"password":"`+strings.Repeat("a", 2<<20)+`"}`), s.auth(stale)...), 413, "body_too_large")
	if s.transport != "header" {
		cross := []string{"Cookie", accessCookie + "=" + stale, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
		s.expect("step-up: re-authenticate cross-site with the cookie (CSRF)", s.send("POST", reauth, form, []byte(`{"password":"`+password+`"}`), cross...), 403, "cross_origin")
	}
	r := s.expect("step-up: re-authenticate", s.postJSON(reauth, map[string]string{"password": password}, s.auth(stale)...), 200, "")
	fresh, _ := r.json()["access_token"].(string)
	if s.transport == "cookie" {
		fresh = cookieOf(r, accessCookie).Value
	}
	if fresh == "" {
		s.t.Fatalf("step-up: re-authenticate gave no access token: %v %s", r.header, r.body)
	}
	if r := s.send("GET", "/hello/recent", "", nil, s.auth(fresh)...); r.status != 200 {
		s.t.Errorf("step-up: RequireRecentAuth(5m) after re-authenticating: %d %s", r.status, r.body)
	}
	s.expect("step-up: revoke-others after re-authenticating", s.send("POST", "/auth/sessions/revoke-others", "", nil, s.auth(fresh)...), 204, "")
}
