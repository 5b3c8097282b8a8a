package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgen/authgen/generator"
)

// The conformance suite: for every router x store, `authgen new` a service,
// build its binary, start it on a loopback port with a temp database, and
// check the whole HTTP contract of DESIGN.md from outside. Every service must
// give every check the same answer: a difference between routers fails.

const (
	confSecret = "conformance-secret-0123456789abcdef0123456789"
	// confEncryptionKey seals the services' TOTP secrets (32 bytes).
	confEncryptionKey = "Y29uZm9ybWFuY2UgZW5jcnlwdGlvbiBrZXkgMzJieXQ="
	confIssuer        = "https://conformance.test"
	confAudience      = "api"
	confPassword      = "correct horse battery staple"
)

// combination is one generated service under test.
type combination struct {
	framework, storage string
	// gomod, when set, is the go.mod the service starts from (echo v4 is
	// chosen by a module that already requires it).
	gomod string
	profile
}

// profile is the token options of a service, and whether it has the user
// fields of fieldFlags: services of one profile must answer every check
// identically, whatever their router and store.
type profile struct {
	alg, transport string
	fields         bool
}

// hs256Header is the default profile.
var hs256Header = profile{alg: "HS256", transport: "header"}

// fieldFlags are the user fields of the profiles with fields: a unique
// required string and an optional time.
var fieldFlags = []string{"--user-field", "display_name:string:required:max_length=64:unique", "--user-field", "birthday:time"}

func (p profile) String() string {
	s := strings.ToLower(p.alg) + "+" + p.transport
	if p.fields {
		s += "+fields"
	}
	return s
}

func (c combination) name() string {
	n := c.framework
	if strings.Contains(c.gomod, "echo/v4") {
		n += "-v4"
	}
	n += "-" + c.storage
	switch {
	case c.alg != "" && (c.alg != hs256Header.alg || c.transport != hs256Header.transport):
		n += "-" + strings.ToLower(c.alg) + "-" + c.transport
	case c.alg == "" && c.fields:
		n += "-fields"
	}
	return n
}

const echoV4Module = "module example.com/svc\n\ngo 1.26\n\nrequire github.com/labstack/echo/v4 v4.16.0\n"

// combinations is every registered router x store with the default profile,
// plus echo v4, which a service gets when its go.mod already requires it;
// then every router again for each other profile the suite covers, each on
// one store.
func combinations() []combination {
	var out []combination
	for _, fw := range generator.FrameworkNames() {
		for _, st := range generator.StorageNames() {
			out = append(out, combination{framework: fw, storage: st, profile: hs256Header})
		}
	}
	for _, st := range generator.StorageNames() {
		out = append(out, combination{framework: "echo", storage: st, gomod: echoV4Module, profile: hs256Header})
	}
	for _, p := range []struct {
		profile
		storage string
	}{
		{profile{"RS256", "header", true}, "postgres"},
		{profile{"ES256", "cookie", true}, "sqlite"},
		{profile{"EdDSA", "both", true}, "memory"},
	} {
		for _, fw := range generator.FrameworkNames() {
			out = append(out, combination{framework: fw, storage: p.storage, profile: p.profile})
		}
	}
	return out
}

func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a service per router and store; skipped with -short")
	}
	t.Parallel()
	root := t.TempDir()
	// What the services answered, filled in by the subtests, which run in
	// parallel: every service has its own port, database and directories.
	var mu sync.Mutex
	transcripts := map[string][]string{}
	checks := map[profile][]string{}
	observed := map[profile]map[string]bool{}
	var profiles []profile
	names := map[profile][]string{} // every service of each profile, in order
	for _, combo := range combinations() {
		name := combo.name()
		if names[combo.profile] == nil {
			profiles = append(profiles, combo.profile)
			observed[combo.profile] = map[string]bool{}
		}
		names[combo.profile] = append(names[combo.profile], name)
		// AUTH.md's walk-through, on a fresh instance of the first service of
		// each other profile (TestNewServiceServes runs the default one).
		walkthrough := len(names[combo.profile]) == 1 && combo.profile != hs256Header
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bin := buildService(t, root, combo)
			s := &suite{t: t, profile: combo.profile}
			if walkthrough {
				walkEnv := s.keys(filepath.Join(root, name+"-walk-keys"), serviceEnv(t, "walk_"+name, combo.storage))
				walk := start(t, bin, walkEnv)
				out := runWalkthrough(t, filepath.Join(root, name, "internal", "auth", "AUTH.md"), walk.base+"/auth", mailDirOf(walkEnv))
				for _, want := range []string{"session walked through", "mfa walked through", "email verified", "reset walked through"} {
					if !strings.Contains(out, want) {
						t.Errorf("AUTH.md walk-through lacks %q: %s", want, out)
					}
				}
				walk.stop()
			}
			// 20 free registrations per address: more than the suite makes
			// before its registration check, which then floods past them.
			// The mail goes to a Mailpit that requires STARTTLS.
			s.mailpit = startMailpit(t, startTLS)
			env := s.mailpit.env(append(serviceEnv(t, "conf_"+name, combo.storage), "AUTH_REGISTER_FREE_ATTEMPTS=20"))
			env = s.keys(filepath.Join(root, name+"-keys"), env)
			s.base = start(t, bin, env).base
			if combo.storage != "memory" {
				s.another = start(t, bin, env).base
			}
			s.required = start(t, bin, append(env, "AUTH_EMAIL_VERIFICATION=required")).base
			s.run()
			mu.Lock()
			defer mu.Unlock()
			transcripts[name] = s.transcript
			checks[combo.profile] = s.names
			maps.Copy(observed[combo.profile], s.observed)
		})
	}
	// Once every subtest has finished (and before root is removed), compare
	// the services that ran.
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		compareConformance(t, root, profiles, names, transcripts, checks, observed)
	})
}

// compareConformance fails unless, within a profile, every router and store
// answered every check identically, and the routes and statuses observed are
// those the services' openapi.yaml declares; then it checks
// docs/CONFORMANCE.md. Only the services that ran are compared: with -run
// selecting some of them, the profiles none of them belongs to are left out,
// and so is the document, which lists them all.
func compareConformance(t *testing.T, root string, profiles []profile, names map[profile][]string, transcripts map[string][]string, checks map[profile][]string, observed map[profile]map[string]bool) {
	t.Helper()
	all, total := 0, 0
	for _, p := range profiles {
		all += len(names[p])
		var ran []string
		for _, name := range names[p] {
			if _, ok := transcripts[name]; ok {
				ran = append(ran, name)
			}
		}
		if len(ran) == 0 {
			t.Logf("conformance %s: none of its %d services ran", p, len(names[p]))
			continue
		}
		first := ran[0]
		for _, name := range ran[1:] {
			a, b := transcripts[first], transcripts[name]
			for i := range max(len(a), len(b)) {
				if i >= len(a) || i >= len(b) || a[i] != b[i] {
					t.Errorf("%s and %s differ:\n  %s\n  %s", first, name, lineAt(a, i), lineAt(b, i))
				}
			}
		}
		total += len(ran)
		t.Logf("conformance %s: %d services (%s) x %d checks passed, every router answered identically", p, len(ran), strings.Join(ran, ", "), len(checks[p]))
		checkOpenAPIDrift(t, filepath.Join(root, first, "internal", "auth", "openapi.yaml"), observed[p])
	}
	if total < all {
		t.Logf("only %d of the %d services ran (-run chose them): docs/CONFORMANCE.md, which lists them all, is neither checked nor rewritten", total, all)
		return
	}
	checkConformanceDoc(t, profiles, checks, names)
}

// lineAt is line i of a transcript, or a note that it has none.
func lineAt(transcript []string, i int) string {
	if i < len(transcript) {
		return transcript[i]
	}
	return fmt.Sprintf("(no check %d: the transcript has %d)", i+1, len(transcript))
}

// checkOpenAPIDrift fails unless the routes and statuses the service's
// openapi.yaml declares are exactly those the suite observed. 503 is the one
// exception: the suite's stores are up; TestDatabaseOutage checks that each
// 503 it observes is declared.
func checkOpenAPIDrift(t *testing.T, specPath string, observed map[string]bool) {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loadOpenAPI(data)
	if err != nil {
		t.Fatalf("%s: %v", specPath, err)
	}
	declared := declaredResponses(doc)
	for k := range declared {
		if !observed[k] && !strings.HasSuffix(k, " 503") {
			t.Errorf("openapi.yaml declares %q, which the conformance suite never observed", k)
		}
	}
	for k := range observed {
		if !declared[k] {
			t.Errorf("the service answered %q, which openapi.yaml does not declare", k)
		}
	}
}

// suite runs the checks against one service.
type suite struct {
	t    *testing.T
	base string
	profile
	// method, key and kid sign tokens as the service does: the secret, or
	// the private key the suite made for it with authgen keys.
	method    jwt.SigningMethod
	key       any
	kid       string
	publicPEM []byte
	forged    []forgery
	// another is a second instance of the service on the same store (SQL
	// stores only), for the bound of revocations across instances.
	another string
	// required is an instance with AUTH_EMAIL_VERIFICATION=required, on the
	// same store but for the memory store; mailpit receives every
	// instance's mail.
	required string
	mailpit  *mailpit
	// registrations counts the bodies of creds, which number display names.
	registrations int
	transcript    []string // one normalised line per check, compared across routers
	names         []string
	observed      map[string]bool // "METHOD path status", for the OpenAPI drift check
}

// route is the path of the route that path is a request to, as openapi.yaml
// writes it: a session's or a token's ID is its {id} parameter.
func route(path string) string {
	if id, ok := strings.CutPrefix(path, "/auth/sessions/"); ok && id != "revoke-others" {
		return "/auth/sessions/{id}"
	}
	if _, ok := strings.CutPrefix(path, "/auth/tokens/"); ok {
		return "/auth/tokens/{id}"
	}
	return path
}

// reply is a response with its body read.
type reply struct {
	method, path string
	ctype        string // of the request
	status       int
	header       http.Header
	body         []byte
}

func (r reply) json() map[string]any {
	var v map[string]any
	json.Unmarshal(r.body, &v)
	return v
}

// send performs one request. header holds name, value pairs.
func (s *suite) send(method, path, ctype string, body []byte, header ...string) reply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header[http.CanonicalHeaderKey(header[i])] = append(req.Header[http.CanonicalHeaderKey(header[i])], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{method, path, ctype, resp.StatusCode, resp.Header, b}
}

func (s *suite) postJSON(path string, v any, header ...string) reply {
	s.t.Helper()
	b, _ := json.Marshal(v)
	return s.send("POST", path, "application/json", b, header...)
}

// expect asserts one check: the status, never a 5xx, and for errors a
// problem+json body with code, a Bearer challenge on 401 (with
// error="invalid_token" when a token was presented), and no-store on every
// auth answer. It records the answer for the cross-router comparison.
func (s *suite) expect(name string, r reply, status int, code string) reply {
	s.t.Helper()
	s.names = append(s.names, fmt.Sprintf("%s | %d %s", name, status, code))
	if s.observed == nil {
		s.observed = map[string]bool{}
	}
	if strings.HasPrefix(r.path, "/auth/") {
		s.observed[fmt.Sprintf("%s %s %d", r.method, route(r.path), r.status)] = true
	}
	ctype := r.header.Get("Content-Type")
	challenge := r.header.Get("WWW-Authenticate")
	s.transcript = append(s.transcript, fmt.Sprintf("%s: %d %q %q %q %q", name, r.status, ctype, r.json()["code"], challenge, r.header.Get("Cache-Control")))
	if r.status >= 500 {
		s.t.Errorf("%s: server error %d: %s", name, r.status, r.body)
		return r
	}
	if r.status != status {
		s.t.Errorf("%s: status %d, want %d (body %s)", name, r.status, status, r.body)
		return r
	}
	if r.header.Get("Cache-Control") != "no-store" {
		s.t.Errorf("%s: Cache-Control %q, want no-store", name, r.header.Get("Cache-Control"))
	}
	if code == "" {
		return r
	}
	body := r.json()
	if ctype != "application/problem+json" {
		s.t.Errorf("%s: Content-Type %q, want application/problem+json", name, ctype)
	}
	for _, k := range []string{"type", "title", "status", "detail", "code"} {
		if _, ok := body[k]; !ok {
			s.t.Errorf("%s: problem without %q: %s", name, k, r.body)
		}
	}
	if body["code"] != code || body["status"] != float64(status) {
		s.t.Errorf("%s: problem %s, want status %d code %s", name, r.body, status, code)
	}
	if status == 401 {
		want := "Bearer"
		switch code {
		case "invalid_token":
			want = `Bearer error="invalid_token"`
		case "reauthentication_required":
			want = recentAuthChallenge
		}
		if challenge != want {
			s.t.Errorf("%s: WWW-Authenticate %q, want %q", name, challenge, want)
		}
	}
	if strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "SELECT") || strings.Contains(string(r.body), "goroutine") {
		s.t.Errorf("%s: the error leaks internals: %s", name, r.body)
	}
	return r
}

// creds is the JSON body of a registration or a login; for a profile with
// user fields, with values of them (login ignores them): a display name no
// other registration of the suite has, and a birthday.
func (s *suite) creds(identity, password string) map[string]any {
	body := map[string]any{"email": identity, "password": password}
	if s.fields {
		s.registrations++
		body["display_name"] = fmt.Sprintf("Member %d", s.registrations)
		body["birthday"] = "1990-06-15T08:30:00Z"
	}
	return body
}

// credsJSON is creds as JSON text.
func (s *suite) credsJSON(identity, password string) string {
	b, _ := json.Marshal(s.creds(identity, password))
	return string(b)
}

type pair struct{ access, refresh string }

func (s *suite) tokens(name string, r reply) pair {
	s.t.Helper()
	s.expect(name, r, 200, "")
	b := r.json()
	if r.header.Get("Content-Type") != "application/json" || b["token_type"] != "Bearer" || b["expires_in"] != float64(900) || b["refresh_expires_in"] != float64(2592000) {
		s.t.Errorf("%s: token response %s %s", name, r.header.Get("Content-Type"), r.body)
	}
	body := pair{str(b["access_token"]), str(b["refresh_token"])}
	cookies := pair{cookieOf(r, accessCookie).Value, cookieOf(r, refreshCookie).Value}
	form := strings.HasPrefix(r.ctype, "application/x-www-form-urlencoded")
	if d := cookieOf(r, deviceCookie); d.Name != "" && (!d.HttpOnly || !d.Secure || d.SameSite != http.SameSiteStrictMode || d.Path != "/auth/login" || strings.Contains(d.Value, body.access) && body.access != "") {
		s.t.Errorf("%s: device cookie %+v: want HttpOnly, Secure, SameSite=Strict, for /auth/login only", name, d)
	}
	switch {
	case s.transport == "header" || form:
		if cookieOf(r, accessCookie).Name != "" || cookieOf(r, refreshCookie).Name != "" {
			s.t.Errorf("%s: token cookies set: %v", name, r.header.Values("Set-Cookie"))
		}
	case s.transport == "cookie":
		if body != (pair{}) {
			s.t.Errorf("%s: a cookie-only service answered tokens in the body: %s", name, r.body)
		}
		body = cookies
	case cookies != body:
		s.t.Errorf("%s: the cookies %v do not hold the tokens of the body %s", name, cookies, r.body)
	}
	if body.access == "" || body.refresh == "" {
		s.t.Fatalf("%s: no tokens in %s %v", name, r.body, r.header)
	}
	return body
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// The cookie names of a service with cookie_secure (the default).
const accessCookie, refreshCookie = "__Host-access_token", "__Host-refresh_token"

// deviceCookie is the cookie of a client that signed in before: the login
// throttle counts its attempts per device.
const deviceCookie = "__Secure-auth_device"

// cookieOf returns the cookie name that r sets, or an empty one.
func cookieOf(r reply, name string) *http.Cookie {
	for _, line := range r.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			return c
		}
	}
	return &http.Cookie{}
}

// auth presents an access token the way the service's clients do: in the
// Authorization header, or for a cookie-only service in its cookie.
func (s *suite) auth(token string) []string {
	if s.transport == "cookie" {
		return []string{"Cookie", accessCookie + "=" + token}
	}
	return bearerHeader(token)
}

// forge signs a token with chosen header and claims: with the service's own
// key (s.own) the attacker's view when a check is missing, and the way to
// make expired or misaddressed tokens; with another key or algorithm, a
// forgery the service must refuse.
func forge(method jwt.SigningMethod, key any, header map[string]any, edit func(jwt.MapClaims)) string {
	now := time.Now().Unix()
	claims := jwt.MapClaims{"iss": confIssuer, "aud": confAudience, "sub": "someone", "iat": now, "nbf": now, "exp": now + 600, "jti": "j"}
	if edit != nil {
		edit(claims)
	}
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		panic(err)
	}
	return s
}

// own signs claims with the service's own algorithm and key (and kid), with
// the JOSE type typ.
func (s *suite) own(typ string, edit func(jwt.MapClaims)) string {
	header := map[string]any{"typ": typ}
	if s.kid != "" {
		header["kid"] = s.kid
	}
	return forge(s.method, s.key, header, edit)
}

// asymmetric reports whether the service signs with a key pair.
func (p profile) asymmetric() bool { return p.alg != "" && !strings.HasPrefix(p.alg, "HS") }

// keys sets the suite's signing key and returns the service's environment
// with it: the shared secret, or a key pair that `authgen keys` writes into
// dir, whose kid the suite computes with jwx as RFC 7638 says.
func (s *suite) keys(dir string, env []string) []string {
	s.t.Helper()
	if !s.asymmetric() {
		s.method, s.key = jwt.SigningMethodHS256, []byte(confSecret)
		return env
	}
	out := authgen(s.t, ".", "keys", "--alg", s.alg, "--out", dir)
	if out.code != 0 {
		s.t.Fatalf("authgen keys: %d %s", out.code, out.stderr)
	}
	line, _, _ := strings.Cut(out.stdout, "\n")
	file, ok := strings.CutPrefix(line, "AUTH_JWT_PRIVATE_KEY_FILE=")
	if !ok {
		s.t.Fatalf("authgen keys printed %q", out.stdout)
	}
	block, _ := pem.Decode(mustRead(s.t, file))
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		s.t.Fatal(err)
	}
	signer := key.(crypto.Signer)
	s.method, s.key = jwt.GetSigningMethod(s.alg), signer
	s.publicPEM = mustRead(s.t, strings.TrimSuffix(file, ".key")+".pub")
	s.kid = thumbprint(s.t, signer.Public())
	var kept []string
	for _, e := range env {
		if !strings.HasPrefix(e, "AUTH_JWT_SECRET=") {
			kept = append(kept, e)
		}
	}
	return append(kept, line)
}

// tamper changes one character inside the signature of tok (not the last,
// whose low bits may be padding).
func tamper(tok string) string {
	i := len(tok) - 8
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

func bearerHeader(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

func (s *suite) run() {
	const (
		reg, login, refresh, logout, me = "/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/me"
		ada                             = "ada@example.com"
	)

	// Success paths.
	sent := s.creds("Ada@Example.com", confPassword)
	r := s.expect("register: 201 with the user", s.postJSON(reg, sent), 201, "")
	user := r.json()
	if user["email"] != ada || user["id"] == nil || r.header.Get("Content-Type") != "application/json" || bytes.Contains(r.body, []byte("argon2")) || bytes.Contains(r.body, []byte(confPassword)) {
		s.t.Errorf("register answered %s %s", r.header.Get("Content-Type"), r.body)
	}
	p1 := s.tokens("login: 200 token pair", s.postJSON(login, s.creds(ada, confPassword)))
	r = s.expect("me: 200 the current user", s.send("GET", me, "", nil, s.auth(p1.access)...), 200, "")
	if r.json()["id"] != user["id"] {
		s.t.Errorf("me answered another user: %s", r.body)
	}
	if s.fields {
		s.userFields(sent, user, r.json())
	}
	s.publishedKeys(p1.access)
	p2 := s.tokens("refresh: 200 a new pair", s.postJSON(refresh, map[string]string{"refresh_token": p1.refresh}))
	if p2.refresh == p1.refresh {
		s.t.Error("refresh returned the same refresh token")
	}
	s.expect("me with the refreshed access token", s.send("GET", me, "", nil, s.auth(p2.access)...), 200, "")

	s.transportChecks(p2)
	s.tokenRequests()
	s.roles()

	// Hostile inputs: each gets its 4xx, never a 5xx, and changes nothing.
	hostileJSON := []struct {
		name, path, ctype, body string
		status                  int
		code                    string
	}{
		{"register: malformed JSON", reg, "application/json", `{"email":`, 400, "malformed_body"},
		{"register: JSON array", reg, "application/json", `[]`, 400, "malformed_body"},
		{"register: trailing data", reg, "application/json", `{"email":"x@example.com","password":"long enough pw"} {}`, 400, "malformed_body"},
		{"register: text/plain", reg, "text/plain", `{"email":"x@example.com","password":"long enough pw"}`, 415, "unsupported_media_type"},
		{"register: no content type", reg, "", `{"email":"x@example.com","password":"long enough pw"}`, 415, "unsupported_media_type"},
		{"register: 2 MiB body", reg, "application/json", `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "body_too_large"},
		{"register: invalid email", reg, "application/json", `{"email":"not-an-email","password":"long enough pw"}`, 422, "validation_failed"},
		{"register: short password", reg, "application/json", `{"email":"x@example.com","password":"short"}`, 422, "validation_failed"},
		{"register: missing fields", reg, "application/json", `{}`, 422, "validation_failed"},
		{"register: unicode identity", reg, "application/json", `{"email":"ädä@exämple.com","password":"long enough pw"}`, 422, "validation_failed"},
		{"register: SQL-looking identity", reg, "application/json", `{"email":"x@example.com'; DROP TABLE users;--","password":"long enough pw"}`, 422, "validation_failed"},
		{"register: SQL-looking identity without @", reg, "application/json", `{"email":"' OR '1'='1","password":"long enough pw"}`, 422, "validation_failed"},
		{"register: duplicate in other letter case", reg, "application/json", s.credsJSON("ADA@example.COM", "long enough pw"), 409, "identity_taken"},
		{"login: malformed JSON", login, "application/json", `{`, 400, "malformed_body"},
		{"login: text/plain", login, "text/plain", `{"email":"ada@example.com"}`, 415, "unsupported_media_type"},
		{"login: 2 MiB body", login, "application/json", `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "body_too_large"},
		{"login: wrong password", login, "application/json", `{"email":"ada@example.com","password":"not the password"}`, 401, "invalid_credentials"},
		{"login: unknown account", login, "application/json", `{"email":"nobody@example.com","password":"` + confPassword + `"}`, 401, "invalid_credentials"},
		{"login: SQL-looking identity", login, "application/json", `{"email":"' OR '1'='1' --","password":"x"}`, 401, "invalid_credentials"},
		{"refresh: malformed JSON", refresh, "application/json", `{"refresh_token":`, 400, "malformed_body"},
		{"refresh: text/plain", refresh, "text/plain", `{}`, 415, "unsupported_media_type"},
		{"refresh: 2 MiB body", refresh, "application/json", `{"refresh_token":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "body_too_large"},
		{"refresh: garbage token", refresh, "application/json", `{"refresh_token":"garbage"}`, 401, "invalid_token"},
		{"refresh: empty token", refresh, "application/json", `{"refresh_token":""}`, 401, "invalid_token"},
		{"refresh: access token as refresh token", refresh, "application/json", `{"refresh_token":"` + p2.access + `"}`, 401, "invalid_token"},
		{"logout: garbage refresh token", logout, "application/json", `{"refresh_token":"garbage"}`, 401, "invalid_token"},
		{"logout: nothing presented", logout, "", ``, 401, "missing_token"},
		{"logout: malformed JSON", logout, "application/json", `{"refresh_token":`, 400, "malformed_body"},
		{"logout: text/plain body", logout, "text/plain", `refresh`, 415, "unsupported_media_type"},
	}
	bodies := map[string][]byte{}
	for _, h := range hostileJSON {
		r := s.expect(h.name, s.send("POST", h.path, h.ctype, []byte(h.body)), h.status, h.code)
		bodies[h.name] = r.body
	}
	if !bytes.Equal(bodies["login: wrong password"], bodies["login: unknown account"]) {
		s.t.Errorf("login failures differ:\n%s\n%s", bodies["login: wrong password"], bodies["login: unknown account"])
	}

	hostileTokens := []struct {
		name   string
		header []string
		code   string
	}{
		{"me: no token", nil, "missing_token"},
		{"me: garbage token", s.auth("garbage"), "invalid_token"},
		{"me: tampered signature", s.auth(tamper(p2.access)), "invalid_token"},
		{"me: expired", s.auth(s.own("at+jwt", func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-5 * time.Minute).Unix() })), "invalid_token"},
		{"me: no exp", s.auth(s.own("at+jwt", func(c jwt.MapClaims) { delete(c, "exp") })), "invalid_token"},
		{"me: not yet valid", s.auth(s.own("at+jwt", func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(5 * time.Minute).Unix() })), "invalid_token"},
		{"me: wrong issuer", s.auth(s.own("at+jwt", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" })), "invalid_token"},
		{"me: wrong audience", s.auth(s.own("at+jwt", func(c jwt.MapClaims) { c["aud"] = "other" })), "invalid_token"},
		{"me: typ JWT instead of at+jwt", s.auth(s.own("JWT", nil)), "invalid_token"},
		{"me: unknown subject", s.auth(s.own("at+jwt", nil)), "invalid_token"},
		{"me: refresh token as access token", s.auth(p2.refresh), "invalid_token"},
	}
	hostileTokens = append(hostileTokens, s.presentations(p2.access)...)
	for _, h := range hostileTokens {
		s.expect(h.name, s.send("GET", me, "", nil, h.header...), 401, h.code)
	}
	for _, f := range s.forgeries() {
		s.expect("me: "+f.name, s.send("GET", me, "", nil, s.auth(f.token)...), 401, "invalid_token")
	}

	// Nothing above changed any state: the session still rotates, and no
	// hostile registration created an account.
	p3 := s.tokens("refresh after the hostile inputs", s.postJSON(refresh, map[string]string{"refresh_token": p2.refresh}))
	s.expect("login of a rejected registration", s.postJSON(login, s.creds("x@example.com", "long enough pw")), 401, "invalid_credentials")

	// Rotation and reuse detection.
	s.expect("refresh: spent token is rejected", s.postJSON(refresh, map[string]string{"refresh_token": p1.refresh}), 401, "invalid_token")
	s.expect("refresh: reuse revoked the family", s.postJSON(refresh, map[string]string{"refresh_token": p3.refresh}), 401, "invalid_token")
	s.expect("me: reuse ended the session's access tokens too (session_check: strict)", s.send("GET", me, "", nil, s.auth(p3.access)...), 401, "invalid_token")

	// Logout, by refresh token and by access token.
	p4 := s.tokens("login again", s.postJSON(login, s.creds(ada, confPassword)))
	s.expect("logout with the refresh token: 204", s.postJSON(logout, map[string]string{"refresh_token": p4.refresh}), 204, "")
	s.expect("refresh after logout", s.postJSON(refresh, map[string]string{"refresh_token": p4.refresh}), 401, "invalid_token")
	p5 := s.tokens("login once more", s.postJSON(login, s.creds(ada, confPassword)))
	s.expect("logout with the access token: 204", s.send("POST", logout, "", nil, s.auth(p5.access)...), 204, "")
	s.expect("refresh after access-token logout", s.postJSON(refresh, map[string]string{"refresh_token": p5.refresh}), 401, "invalid_token")

	// Log out everywhere, and change the password: both end every session.
	const logoutAll, password = "/auth/logout-all", "/auth/password"
	phone := s.tokens("login on a phone", s.postJSON(login, s.creds(ada, confPassword)))
	laptop := s.tokens("login on a laptop", s.postJSON(login, s.creds(ada, confPassword)))
	s.expect("logout-all: no token", s.send("POST", logoutAll, "", nil), 401, "missing_token")
	s.expect("logout-all: 204", s.send("POST", logoutAll, "", nil, s.auth(laptop.access)...), 204, "")
	s.expect("refresh of another device after logout-all", s.postJSON(refresh, map[string]string{"refresh_token": phone.refresh}), 401, "invalid_token")
	p6 := s.tokens("login after logout-all", s.postJSON(login, s.creds(ada, confPassword)))
	change := func(current, next string) reply {
		return s.postJSON(password, map[string]string{"current_password": current, "new_password": next}, s.auth(p6.access)...)
	}
	s.expect("password: no token", s.postJSON(password, map[string]string{"current_password": confPassword, "new_password": "another long passphrase"}), 401, "missing_token")
	s.expect("password: wrong current password", change("not the password", "another long passphrase"), 403, "invalid_credentials")
	s.expect("password: new password too short", change(confPassword, "short"), 422, "validation_failed")
	s.expect("password: malformed JSON", s.send("POST", password, "application/json", []byte(`{"current_password":`), s.auth(p6.access)...), 400, "malformed_body")
	s.expect("password: text/plain", s.send("POST", password, "text/plain", []byte(`{}`), s.auth(p6.access)...), 415, "unsupported_media_type")
	s.expect("password: 2 MiB body", s.send("POST", password, "application/json", []byte(`{"new_password":"`+strings.Repeat("a", 2<<20)+`"}`), s.auth(p6.access)...), 413, "body_too_large")
	s.expect("password: 204", change(confPassword, "another long passphrase"), 204, "")
	s.expect("refresh after a password change", s.postJSON(refresh, map[string]string{"refresh_token": p6.refresh}), 401, "invalid_token")
	s.expect("login with the old password", s.postJSON(login, s.creds(ada, confPassword)), 401, "invalid_credentials")
	s.tokens("login with the new password", s.postJSON(login, s.creds(ada, "another long passphrase")))

	s.sessions("another long passphrase")
	s.stepUp("another long passphrase")
	if s.transport != "cookie" {
		s.apiTokens("another long passphrase")
	}
	s.mfa()
	s.mail()
	s.throttle()
}

// throttle checks login throttling, last, since it leaves the suite's
// address waiting. The services run with the default policies: five free
// failures per identity, twenty per address, then one second, doubling.
func (s *suite) throttle() {
	const reg, login, eve = "/auth/register", "/auth/login", "eve@example.com"
	s.expect("throttle: register an account", s.postJSON(reg, s.creds(eve, confPassword)), 201, "")
	device := cookieOf(s.postJSON(login, s.creds(eve, confPassword)), deviceCookie)
	if device.Value == "" {
		s.t.Errorf("throttle: a right password set no %s cookie", deviceCookie)
	}
	for i := range 6 {
		s.expect(fmt.Sprintf("throttle: wrong password %d of 6", i+1), s.postJSON(login, s.creds(eve, "not the password")), 401, "invalid_credentials")
	}
	r := s.expect("throttle: then even the right password waits", s.postJSON(login, s.creds(eve, confPassword)), 429, "rate_limited")
	if got := r.header.Get("Retry-After"); got != "1" {
		s.t.Errorf("throttle: Retry-After %q, want 1", got)
	}
	s.tokens("throttle: the device it signed in from before still gets in", s.postJSON(login, s.creds(eve, confPassword), "Cookie", deviceCookie+"="+device.Value))
	s.expect("throttle: a tampered device cookie is a stranger's", s.postJSON(login, s.creds(eve, confPassword), "Cookie", deviceCookie+"="+tamperDevice(device.Value)), 429, "rate_limited")
	for range 6 {
		s.postJSON(login, s.creds("ghost@example.com", "x"))
	}
	s.expect("throttle: an account that does not exist waits alike", s.postJSON(login, s.creds("ghost@example.com", confPassword)), 429, "rate_limited")
	time.Sleep(1100 * time.Millisecond)
	p := s.tokens("throttle: after Retry-After the right password logs in", s.postJSON(login, s.creds(eve, confPassword)))
	s.expect("throttle: and the count starts over", s.postJSON(login, s.creds(eve, "not the password")), 401, "invalid_credentials")
	// The current password of a password change is guessed against the same
	// allowances (the account's, with the failure above, and the address's,
	// which the suite has spent most of): within six guesses one waits.
	change := map[string]string{"current_password": "not the password", "new_password": "a new and longer passphrase"}
	var guess reply
	for range 6 {
		if guess = s.postJSON("/auth/password", change, s.auth(p.access)...); guess.status != 403 {
			break
		}
	}
	s.expect("throttle: wrong current passwords wait like logins", guess, 429, "rate_limited")
	s.expect("throttle: re-authentication waits like logins", s.postJSON("/auth/reauthenticate", map[string]string{"password": confPassword}, s.auth(p.access)...), 429, "rate_limited")
	var last reply
	for i := range 21 {
		if last = s.postJSON(login, s.creds(fmt.Sprintf("spray%d@example.com", i), "x")); last.status != 401 {
			break
		}
	}
	r = s.expect("throttle: failures spread over accounts make the address wait", last, 429, "rate_limited")
	if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
		s.t.Errorf("throttle: Retry-After %q, want a positive number of seconds", r.header.Get("Retry-After"))
	}
	for i := range 21 {
		if last = s.postJSON(reg, s.creds(fmt.Sprintf("flood%d@example.com", i), confPassword)); last.status != 201 {
			break
		}
	}
	r = s.expect("throttle: registrations from one address are limited", last, 429, "rate_limited")
	if r.header.Get("Retry-After") == "" {
		s.t.Error("throttle: a refused registration without Retry-After")
	}
}

// tamperDevice changes the first character of a device cookie's ID.
func tamperDevice(v string) string {
	if strings.HasPrefix(v, "A") {
		return "B" + v[1:]
	}
	return "A" + strings.TrimPrefix(v, v[:min(1, len(v))])
}

// checkConformanceDoc keeps docs/CONFORMANCE.md equal to the checks the
// suite runs, so the table cannot drift from the code.
func checkConformanceDoc(t *testing.T, profiles []profile, checks, services map[profile][]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Conformance\n\n")
	b.WriteString("`TestConformance` (conformance_test.go) scaffolds a service with `authgen new` for\n")
	b.WriteString("every router and store, builds it, starts the binary on a loopback port with a\n")
	b.WriteString("temporary database and runs these checks over real HTTP, in this order. Every\n")
	b.WriteString("error must also be `application/problem+json` with type, title, status, detail\n")
	b.WriteString("and code; every 401 must carry `WWW-Authenticate: Bearer` (with\n")
	b.WriteString("`error=\"invalid_token\"` when a token was presented); every answer must carry\n")
	b.WriteString("`Cache-Control: no-store`; no answer may be a 5xx. Then the answers of all\n")
	b.WriteString("services of one profile (algorithm, transport, and the user fields `display_name`\n")
	b.WriteString("and `birthday` where it says +fields) are compared: a difference between routers\n")
	b.WriteString("or stores is a failure.\n\n")
	b.WriteString("Regenerate this file with `go test -run TestConformance -update .`\n")
	first := profiles[0]
	for _, p := range profiles {
		fmt.Fprintf(&b, "\n## %s\n\nServices: %s.\n\n", p, strings.Join(services[p], ", "))
		list := checks[p]
		if p != first {
			b.WriteString("The checks of " + first.String() + ", with these in place of its algorithm-specific ones:\n\n")
			list = slices.DeleteFunc(slices.Clone(list), func(c string) bool { return slices.Contains(checks[first], c) })
		}
		b.WriteString("| # | check | status | code |\n|---|---|---|---|\n")
		for i, c := range list {
			name, rest, _ := strings.Cut(c, " | ")
			status, code, _ := strings.Cut(rest, " ")
			if code == "" {
				code = "—"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", i+1, name, status, code)
		}
	}
	path := filepath.Join("docs", "CONFORMANCE.md")
	if *update {
		os.MkdirAll("docs", 0o755)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil || string(have) != b.String() {
		t.Errorf("docs/CONFORMANCE.md is not the suite's list of checks: run go test -run TestConformance -update .")
	}
}
