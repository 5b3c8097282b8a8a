package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// rfc6238 computes a TOTP code as RFC 6238 defines it (HMAC-SHA1, 30-second
// steps from the Unix epoch, RFC 4226's dynamic truncation), written here
// from the RFC and independent of the library the services use, so that
// the conformance checks would catch that library drifting.
func rfc6238(key []byte, at time.Time, digits int) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	value := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, value%mod)
}

// codeFor is the six-digit code of a base32 secret, as an authenticator app
// shows it at the time at.
func codeFor(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		t.Fatalf("the secret %q is not base32: %v", secret, err)
	}
	return rfc6238(key, at, 6)
}

// TestTOTPMatchesRFC6238 pins both implementations, the tests' and the
// services' (github.com/pquerna/otp), to RFC 6238's Appendix B vectors (the
// SHA-1 ones, eight digits).
func TestTOTPMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	secret := base32.StdEncoding.EncodeToString(key)
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(v.unix, 0).UTC()
		if got := rfc6238(key, at, 8); got != v.code {
			t.Errorf("the tests' TOTP at %d: %s, want %s", v.unix, got, v.code)
		}
		got, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || got != v.code {
			t.Errorf("pquerna/otp at %d: %s (%v), want %s", v.unix, got, err, v.code)
		}
		if six := codeFor(t, secret, at); six != v.code[2:] {
			t.Errorf("six digits at %d: %s, want %s", v.unix, six, v.code[2:])
		}
	}
}

var recoveryCodePattern = regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`)

// amrOf is the amr claim of an access token, space-separated.
func (s *suite) amrOf(access string) string {
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(access, &claims); err != nil {
		s.t.Fatalf("mfa: an access token: %v", err)
	}
	amr, _ := claims["amr"].([]any)
	out := make([]string, len(amr))
	for i, m := range amr {
		out[i], _ = m.(string)
	}
	return strings.Join(out, " ")
}

// mfa checks the second factor (mfa: totp, which every conformance service
// is built with): enrolment, the mfa_required challenge on both login paths,
// verification with a code and with a recovery code, that neither is
// accepted twice, that an mfa_token is good once and, with a second
// instance on the same store, on another instance; that an old access token
// cannot turn it off; re-authentication with a recovery code; and the bad
// requests of each route. Codes come from rfc6238, not from the services'
// library.
func (s *suite) mfa() {
	const (
		start, confirm, verify, codes = "/auth/mfa/totp", "/auth/mfa/totp/confirm", "/auth/mfa/verify", "/auth/mfa/recovery-codes"
		mia, form                     = "mia@example.com", "application/json"
	)
	s.expect("mfa: register", s.postJSON("/auth/register", s.creds(mia, confPassword)), 201, "")
	login := s.tokens("mfa: login before enrolling", s.postJSON("/auth/login", s.creds(mia, confPassword)))
	auth := s.auth(login.access)
	s.expect("mfa: start without a token", s.send("POST", start, "", nil), 401, "missing_token")
	if s.transport != "header" {
		cross := []string{"Cookie", accessCookie + "=" + login.access, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
		for _, route := range []struct{ method, path, body string }{
			{"POST", start, ""},
			{"POST", confirm, `{"code":"123456"}`},
			{"DELETE", start, ""},
			{"POST", codes, ""},
			{"POST", verify, `{"mfa_token":"` + strings.Repeat("A", 43) + `","code":"123456"}`},
		} {
			s.expect("mfa: "+route.method+" "+route.path+" cross-site with the cookie (CSRF)", s.send(route.method, route.path, form, []byte(route.body), cross...), 403, "cross_origin")
		}
	}
	started := s.expect("mfa: start", s.send("POST", start, "", nil, auth...), 200, "")
	secret, _ := started.json()["secret"].(string)
	uri, _ := started.json()["otpauth_uri"].(string)
	if secret == "" || !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) || started.header.Get("Cache-Control") != "no-store" {
		s.t.Fatalf("mfa: the enrolment %v %s", started.header, started.body)
	}
	s.expect("mfa: confirm without a token", s.postJSON(confirm, map[string]string{"code": "123456"}), 401, "missing_token")
	s.expect("mfa: confirm with malformed JSON", s.send("POST", confirm, form, []byte(`{"code":`), auth...), 400, "malformed_body")
	s.expect("mfa: confirm with text/plain", s.send("POST", confirm, "text/plain", []byte(`{}`), auth...), 415, "unsupported_media_type")
	s.expect("mfa: confirm with a 2 MiB body", s.send("POST", confirm, form, []byte(`{"code":"`+strings.Repeat("1", 2<<20)+`"}`), auth...), 413, "body_too_large")
	s.expect("mfa: confirm with a wrong code", s.postJSON(confirm, map[string]string{"code": codeFor(s.t, secret, time.Now().Add(time.Hour))}, auth...), 400, "invalid_code")
	s.expect("mfa: confirm with NUL and invalid UTF-8", s.send("POST", confirm, form, []byte("{\"code\":\"12\\u000034\xff\"}"), auth...), 400, "malformed_body")
	step := time.Now()
	confirmed := s.expect("mfa: confirm", s.postJSON(confirm, map[string]string{"code": codeFor(s.t, secret, step)}, auth...), 200, "")
	recovery, _ := confirmed.json()["recovery_codes"].([]any)
	if len(recovery) != 10 || !recoveryCodePattern.MatchString(fmt.Sprint(recovery[0])) {
		s.t.Fatalf("mfa: the recovery codes %s", confirmed.body)
	}
	s.expect("mfa: start again while it is on", s.send("POST", start, "", nil, auth...), 409, "mfa_enabled")
	s.expect("mfa: confirm again while it is on", s.postJSON(confirm, map[string]string{"code": codeFor(s.t, secret, step)}, auth...), 409, "mfa_enabled")

	challenged := s.expect("mfa: login answers mfa_required", s.postJSON("/auth/login", s.creds(mia, confPassword)), 403, "mfa_required")
	token, _ := challenged.json()["mfa_token"].(string)
	if token == "" || challenged.header.Get("Cache-Control") != "no-store" {
		s.t.Fatalf("mfa: the challenge %v %s", challenged.header, challenged.body)
	}
	grant := s.send("POST", "/auth/login", "application/x-www-form-urlencoded", []byte("grant_type=password&username="+mia+"&password="+strings.ReplaceAll(confPassword, " ", "+")))
	if grant.status != 403 || grant.json()["error"] != "mfa_required" || grant.json()["mfa_token"] == nil {
		s.t.Errorf("mfa: the password grant of an account with a second factor: %d %s", grant.status, grant.body)
	}
	s.expect("mfa: verify with a made-up mfa_token", s.postJSON(verify, map[string]string{"mfa_token": strings.Repeat("A", 43), "code": "123456"}), 401, "invalid_token")
	s.expect("mfa: verify without a code", s.postJSON(verify, map[string]string{"mfa_token": token}), 400, "invalid_code")
	s.expect("mfa: verify with a wrong code", s.postJSON(verify, map[string]string{"mfa_token": token, "code": codeFor(s.t, secret, step.Add(time.Hour))}), 400, "invalid_code")
	s.expect("mfa: verify with the confirming code", s.postJSON(verify, map[string]string{"mfa_token": token, "code": codeFor(s.t, secret, step)}), 400, "invalid_code")
	s.expect("mfa: verify with text/plain", s.send("POST", verify, "text/plain", []byte(`{}`)), 415, "unsupported_media_type")
	s.expect("mfa: verify with a 2 MiB body", s.send("POST", verify, form, []byte(`{"mfa_token":"`+strings.Repeat("A", 2<<20)+`"}`)), 413, "body_too_large")
	s.expect("mfa: verify with a bad-bytes mfa_token", s.send("POST", verify, form, []byte("{\"mfa_token\":\"\xe9\xff\x00\",\"code\":\"1\"}")), 400, "malformed_body")
	code := codeFor(s.t, secret, step.Add(30*time.Second)) // the next step's, within the skew
	at := *s
	if s.another != "" {
		at.base = s.another // an mfa_token of one instance is good on every other
	}
	verified := s.tokens("mfa: verify with a code", at.postJSON(verify, map[string]string{"mfa_token": token, "code": code}))
	if amr := s.amrOf(verified.access); amr != "pwd otp" {
		s.t.Errorf("mfa: the verified access token's amr is %q, want pwd otp", amr)
	}
	s.expect("mfa: me with the verified token", s.send("GET", "/auth/me", "", nil, s.auth(verified.access)...), 200, "")
	s.expect("mfa: the used mfa_token", s.postJSON(verify, map[string]string{"mfa_token": token, "code": code}), 401, "invalid_token")
	again, _ := s.expect("mfa: login again", s.postJSON("/auth/login", s.creds(mia, confPassword)), 403, "mfa_required").json()["mfa_token"].(string)
	s.expect("mfa: the same code again (replay)", s.postJSON(verify, map[string]string{"mfa_token": again, "code": code}), 400, "invalid_code")
	rc := fmt.Sprint(recovery[0])
	s.tokens("mfa: verify with a recovery code", s.postJSON(verify, map[string]string{"mfa_token": again, "recovery_code": strings.ToUpper(rc)}))
	third, _ := s.expect("mfa: login a third time", s.postJSON("/auth/login", s.creds(mia, confPassword)), 403, "mfa_required").json()["mfa_token"].(string)
	s.expect("mfa: the used recovery code", s.postJSON(verify, map[string]string{"mfa_token": third, "recovery_code": rc}), 400, "invalid_code")

	// A stolen access token, older than recent_auth, cannot turn it off.
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(verified.access, &claims); err != nil {
		s.t.Fatal(err)
	}
	stale := s.own("at+jwt", func(c jwt.MapClaims) {
		c["sub"], c["sid"], c["amr"] = claims["sub"], claims["sid"], []string{"pwd", "otp"}
		c["auth_time"] = time.Now().Add(-11 * time.Minute).Unix()
	})
	s.expect("mfa: turn it off with an old authentication", s.send("DELETE", start, "", nil, s.auth(stale)...), 401, "reauthentication_required")
	s.expect("mfa: new recovery codes with an old authentication", s.send("POST", codes, "", nil, s.auth(stale)...), 401, "reauthentication_required")
	s.expect("mfa: re-authenticate with the password alone", s.postJSON("/auth/reauthenticate", map[string]string{"password": confPassword}, s.auth(stale)...), 400, "invalid_code")
	r := s.expect("mfa: re-authenticate with the password and a recovery code", s.postJSON("/auth/reauthenticate", map[string]string{"password": confPassword, "recovery_code": fmt.Sprint(recovery[1])}, s.auth(stale)...), 200, "")
	fresh, _ := r.json()["access_token"].(string)
	if s.transport == "cookie" {
		fresh = cookieOf(r, accessCookie).Value
	}
	if amr := s.amrOf(fresh); amr != "pwd otp" {
		s.t.Errorf("mfa: the re-authenticated token's amr is %q, want pwd otp", amr)
	}
	renewed := s.expect("mfa: new recovery codes", s.send("POST", codes, "", nil, s.auth(fresh)...), 200, "")
	if list, _ := renewed.json()["recovery_codes"].([]any); len(list) != 10 || renewed.header.Get("Cache-Control") != "no-store" {
		s.t.Errorf("mfa: new recovery codes %v %s", renewed.header, renewed.body)
	}
	s.expect("mfa: an old recovery code after the renewal", s.postJSON(verify, map[string]string{"mfa_token": third, "recovery_code": fmt.Sprint(recovery[2])}), 400, "invalid_code")
	// Five wrong codes per mfa_token (two above), then not even a right one.
	for i := range 3 {
		s.expect(fmt.Sprintf("mfa: wrong code %d of 5 for one mfa_token", i+3), s.postJSON(verify, map[string]string{"mfa_token": third, "code": codeFor(s.t, secret, step.Add(time.Duration(i+2)*time.Hour))}), 400, "invalid_code")
	}
	s.expect("mfa: the sixth guess at one mfa_token, even a right one", s.postJSON(verify, map[string]string{"mfa_token": third, "code": codeFor(s.t, secret, time.Now())}), 401, "invalid_token")
	s.expect("mfa: turn it off", s.send("DELETE", start, "", nil, s.auth(fresh)...), 204, "")
	s.tokens("mfa: login once it is off", s.postJSON("/auth/login", s.creds(mia, confPassword)))
	s.expect("mfa: new recovery codes once it is off", s.send("POST", codes, "", nil, s.auth(fresh)...), 409, "mfa_not_enabled")

	// A session that proved only the password before the factor was on (an
	// attacker who had it) ends when it is turned on, and cannot change it.
	s.expect("mfa: register nia", s.postJSON("/auth/register", s.creds("nia@example.com", confPassword)), 201, "")
	attacker := s.tokens("mfa: an attacker logs in as nia", s.postJSON("/auth/login", s.creds("nia@example.com", confPassword)))
	nia := s.tokens("mfa: nia logs in", s.postJSON("/auth/login", s.creds("nia@example.com", confPassword)))
	niaSecret, _ := s.expect("mfa: nia starts enrolling", s.send("POST", start, "", nil, s.auth(nia.access)...), 200, "").json()["secret"].(string)
	s.expect("mfa: nia confirms", s.postJSON(confirm, map[string]string{"code": codeFor(s.t, niaSecret, time.Now())}, s.auth(nia.access)...), 200, "")
	s.expect("mfa: the attacker's older session no longer refreshes", s.postJSON("/auth/refresh", map[string]string{"refresh_token": attacker.refresh}), 401, "invalid_token")
	s.expect("mfa: the attacker's access token cannot turn it off", s.send("DELETE", start, "", nil, s.auth(attacker.access)...), 401, "")
	s.expect("mfa: nor make new recovery codes", s.send("POST", codes, "", nil, s.auth(attacker.access)...), 401, "")

	// Wrong codes wait like wrong passwords: five free per user, on counts of
	// their own.
	s.expect("mfa: register max", s.postJSON("/auth/register", s.creds("max@example.com", confPassword)), 201, "")
	maxAuth := s.auth(s.tokens("mfa: max logs in", s.postJSON("/auth/login", s.creds("max@example.com", confPassword))).access)
	maxSecret, _ := s.expect("mfa: max starts enrolling", s.send("POST", start, "", nil, maxAuth...), 200, "").json()["secret"].(string)
	var last reply
	for i := range 7 {
		if last = s.postJSON(confirm, map[string]string{"code": codeFor(s.t, maxSecret, time.Now().Add(time.Duration(i+1)*time.Hour))}, maxAuth...); last.status != 400 {
			break
		}
	}
	s.expect("mfa: wrong codes at confirmation wait like wrong passwords", last, 429, "rate_limited")
	// Nia's wrong codes at login, each on a fresh mfa_token, wait alike.
	for i := range 7 {
		token, _ := s.postJSON("/auth/login", s.creds("nia@example.com", confPassword)).json()["mfa_token"].(string)
		if last = s.postJSON(verify, map[string]string{"mfa_token": token, "code": codeFor(s.t, niaSecret, time.Now().Add(time.Duration(i+1)*time.Hour))}); last.status != 400 {
			break
		}
	}
	if s.expect("mfa: wrong codes over many mfa_tokens wait like wrong passwords", last, 429, "rate_limited").header.Get("Retry-After") == "" {
		s.t.Error("mfa: 429 without Retry-After")
	}
}
