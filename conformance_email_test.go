package main

import (
	"bytes"
	"strings"
)

// mail checks the mail flows that every conformance service is built with
// (password_reset, email_verification: optional) over real SMTP: the
// services send to their own Mailpit, which requires STARTTLS, and the suite
// reads the mail from Mailpit's API and follows its links, on an instance
// that runs with AUTH_EMAIL_VERIFICATION=required.
func (s *suite) mail() {
	const (
		reset, confirm, verify, resend = "/auth/password-reset", "/auth/password-reset/confirm", "/auth/verify-email", "/auth/verify-email/resend"
		login, refresh                 = "/auth/login", "/auth/refresh"
		bea, nobody, form              = "bea@example.com", "nobody@example.com", "application/json"
		newPassword                    = "a passphrase set by mail"
	)
	// Every request goes to the instance that requires verification: its
	// failed logins count in its own memory, not against the address's
	// allowance that the throttle checks spend on the first instance.
	at := *s
	at.base = s.required
	s.expect("mail: register", at.postJSON("/auth/register", s.creds(bea, confPassword)), 201, "")
	s.expect("mail: login before verifying", at.postJSON(login, s.creds(bea, confPassword)), 403, "email_unverified")
	s.expect("mail: login before verifying, with a wrong password", at.postJSON(login, s.creds(bea, "not the password")), 401, "invalid_credentials")
	first := linkIn(s.t, s.mailpit.next(s.t, bea, "Verify"), "/verify-email")
	s.expect("mail: resend", at.postJSON(resend, map[string]string{"email": bea}), 202, "")
	token := linkIn(s.t, s.mailpit.next(s.t, bea, "Verify"), "/verify-email")
	s.expect("mail: the link the resend replaced", at.postJSON(verify, map[string]string{"token": first}), 400, "invalid_link")
	s.expect("mail: verify with a made-up token", at.postJSON(verify, map[string]string{"token": strings.Repeat("A", 43)}), 400, "invalid_link")
	s.expect("mail: verify with the link's token", at.postJSON(verify, map[string]string{"token": token}), 204, "")
	s.expect("mail: the verification token again", at.postJSON(verify, map[string]string{"token": token}), 400, "invalid_link")
	s.expect("mail: resend for a verified address", at.postJSON(resend, map[string]string{"email": bea}), 202, "")

	before := s.tokens("mail: login before the reset", at.postJSON(login, s.creds(bea, confPassword)))
	known := s.expect("mail: reset request for an account", at.postJSON(reset, map[string]string{"email": bea}), 202, "")
	unknown := s.expect("mail: reset request for no account", at.postJSON(reset, map[string]string{"email": nobody}), 202, "")
	if !bytes.Equal(known.body, unknown.body) || known.header.Get("Content-Type") != unknown.header.Get("Content-Type") {
		s.t.Errorf("mail: the reset requests' answers differ: %s and %s", known.body, unknown.body)
	}
	s.expect("mail: reset request for a malformed address", at.postJSON(reset, map[string]string{"email": "not an address"}), 422, "validation_failed")
	s.expect("mail: reset request with NUL and invalid UTF-8", at.send("POST", reset, form, []byte("{\"email\":\"a\\u0000b@example.com\xff\"}")), 400, "malformed_body")
	token = linkIn(s.t, s.mailpit.next(s.t, bea, "Reset"), "/reset-password")
	for _, bad := range []struct{ name, body string }{
		{"a made-up token", `{"token":"` + strings.Repeat("A", 43) + `","new_password":"` + newPassword + `"}`},
		{"a token cut short", `{"token":"` + token[:42] + `","new_password":"` + newPassword + `"}`},
		{"a path for a token", `{"token":"../../reset-password?token=x","new_password":"` + newPassword + `"}`},
	} {
		s.expect("mail: reset with "+bad.name, at.send("POST", confirm, form, []byte(bad.body)), 400, "invalid_link")
	}
	s.expect("mail: reset with a password too short", at.postJSON(confirm, map[string]string{"token": token, "new_password": "short"}), 422, "validation_failed")
	s.expect("mail: reset with malformed JSON", at.send("POST", confirm, form, []byte(`{"token":`)), 400, "malformed_body")
	s.expect("mail: reset with text/plain", at.send("POST", confirm, "text/plain", []byte(`{}`)), 415, "unsupported_media_type")
	s.expect("mail: reset with a 2 MiB body", at.send("POST", confirm, form, []byte(`{"token":"`+strings.Repeat("A", 2<<20)+`"}`)), 413, "body_too_large")
	s.expect("mail: reset with the link's token", at.postJSON(confirm, map[string]string{"token": token, "new_password": newPassword}), 204, "")
	s.expect("mail: the reset token again", at.postJSON(confirm, map[string]string{"token": token, "new_password": "yet another passphrase"}), 400, "invalid_link")
	s.expect("mail: refresh of a session from before the reset", at.postJSON(refresh, map[string]string{"refresh_token": before.refresh}), 401, "invalid_token")
	s.expect("mail: login with the old password", at.postJSON(login, s.creds(bea, confPassword)), 401, "invalid_credentials")
	s.tokens("mail: login with the new password", at.postJSON(login, s.creds(bea, newPassword)))
	if notice := s.mailpit.next(s.t, bea, "changed"); mailedLink.MatchString(notice.Text) {
		s.t.Errorf("mail: the notice of the new password carries a link: %s", notice.Text)
	}
	if n := s.mailpit.count(s.t, nobody, ""); n != 0 {
		s.t.Errorf("mail: an address without an account was mailed %d times", n)
	}

	// The bad requests of every mail route.
	for _, route := range []struct{ path, body string }{
		{reset, `{"email":"` + bea + `"}`},
		{resend, `{"email":"` + bea + `"}`},
		{confirm, `{"token":"` + strings.Repeat("A", 43) + `","new_password":"` + newPassword + `"}`},
		{verify, `{"token":"` + strings.Repeat("A", 43) + `"}`},
	} {
		s.expect("mail: "+route.path+" with malformed JSON", at.send("POST", route.path, form, []byte(`{"email":`)), 400, "malformed_body")
		s.expect("mail: "+route.path+" with text/plain", at.send("POST", route.path, "text/plain", []byte(route.body)), 415, "unsupported_media_type")
		s.expect("mail: "+route.path+" with a 2 MiB body", at.send("POST", route.path, form, []byte(`{"email":"`+strings.Repeat("a", 2<<20)+`"}`)), 413, "body_too_large")
		if s.transport != "header" {
			cross := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
			s.expect("mail: "+route.path+" cross-site (CSRF)", at.send("POST", route.path, form, []byte(route.body), cross...), 403, "cross_origin")
		}
	}
	s.expect("mail: resend for a malformed address", at.postJSON(resend, map[string]string{"email": "ünïcode@example.com"}), 422, "validation_failed")
	// Floods: an address gets a few mails an hour, asked for by anyone; a
	// client that tries many link tokens waits.
	for _, path := range []string{reset, resend} {
		var last reply
		for range 6 {
			if last = at.postJSON(path, map[string]string{"email": "flood@example.com"}); last.status != 202 {
				break
			}
		}
		if r := s.expect("mail: "+path+" flooded for one address", last, 429, "rate_limited"); r.header.Get("Retry-After") == "" {
			s.t.Errorf("mail: %s refused without Retry-After", path)
		}
	}
	var last reply
	for range 25 {
		if last = at.postJSON(verify, map[string]string{"token": strings.Repeat("B", 43)}); last.status != 400 {
			break
		}
	}
	s.expect("mail: many bad link tokens from one client", last, 429, "rate_limited")
	s.expect("mail: then a reset waits too", at.postJSON(confirm, map[string]string{"token": strings.Repeat("B", 43), "new_password": newPassword}), 429, "rate_limited")
}
