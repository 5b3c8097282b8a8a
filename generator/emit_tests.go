package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// SampleIdentity is the identity the generated tests and docs use.
func (m *Model) SampleIdentity() string { return m.byIdentity("ada@example.com", "ada_lovelace") }

func (m *Model) sampleOther() string { return m.byIdentity("grace@example.com", "grace_hopper") }

func (m *Model) invalidIdentity() string { return m.byIdentity("not-an-email", "no spaces allowed") }

const (
	testPassword = "correct horse battery staple"
	testSecret   = "test-secret-that-is-at-least-32-bytes-long"
)

// emitTests renders auth_test.go: black-box tests of every endpoint over a
// real HTTP server, on the real chosen store and router.
func emitTests(f *jen.File, m *Model) {
	emitTestHelpers(f, m)
	emitTestLifecycle(f, m)
	emitTestReuse(f, m)
	emitTestLogoutWithAccessToken(f, m)
	emitTestRegisterRejects(f, m)
	emitTestLoginFailures(f, m)
	emitTestLoginFailuresDoEqualWork(f, m)
	emitFuzzHandlers(f, m)
	emitTestTokenChecks(f, m)
	emitTestOptional(f, m)
	emitTestConfig(f, m)
	emitTestRequireRole(f, m)
	emitTestExcludedPaths(f, m)
	emitTestMountUnderGroup(f, m)
	emitTestOAuth2(f, m)
	emitTestCookies(f, m)
	emitTestLogoutAll(f, m)
	emitTestChangePassword(f, m)
	emitTestConcurrentRefresh(f, m)
	emitTestCleanup(f, m)
	render(f, m, feature.tests)
	emitTestAttacks(f, m)
	emitBenchmark(f, m)
	emitLoginBenchmark(f, m)
	emitRefreshBenchmark(f, m)
	f.Comment("newTestStore returns a fresh, empty " + m.Storage.Name() + " store that the test cleans up.")
	m.Storage.TestStore(f, m)
	f.Line()
	f.Comment("newTestRouter mounts the auth routes on a " + m.Framework.Name() + " router, with GET /protected")
	f.Comment("behind Require and GET /optional behind Authenticate.")
	emitTestRouter(f, m)
	f.Line()
	emitGuardedRouter(f, m)
}

// t.Helper(), t.Fatal(...) and friends.
func tcall(name string, args ...jen.Code) *jen.Statement { return jen.Id("t").Dot(name).Call(args...) }

func tParam() *jen.Statement { return jen.Id("t").Op("*").Qual(pkgTesting, "T") }

func testFunc(f *jen.File, name, doc string, body ...jen.Code) {
	for line := range strings.SplitSeq(doc, "\n") {
		if line != "" {
			f.Comment(strings.TrimPrefix(line, "// "))
		}
	}
	f.Func().Id(name).Params(tParam()).Block(body...)
	f.Line()
}

// credsJSON is the map literal {identity: id, "password": pw}.
func credsJSON(m *Model, id, pw jen.Code) *jen.Statement {
	return jen.Map(jen.String()).String().Values(jen.Dict{jen.Lit(m.IdentityJSON()): id, jen.Lit("password"): pw})
}

func emitTestHelpers(f *jen.File, m *Model) {
	consts := []jen.Code{jen.Id("testPassword").Op("=").Lit(testPassword)}
	if !m.Asymmetric() {
		consts = append([]jen.Code{jen.Id("testSecret").Op("=").Lit(testSecret)}, consts...)
	}
	f.Const().Defs(consts...)
	f.Line()
	emitTestKey(f, m)
	f.Comment("newTestService returns a Service over a fresh store.")
	f.Func().Id("newTestService").Params(jen.Id("t").Qual(pkgTesting, "TB")).Op("*").Id("Service").Block(
		tcall("Helper"),
		jen.List(jen.Id("svc"), jen.Err()).Op(":=").Id("New").Call(jen.Id("Config").Values(fields(append(testKeyConfig(m),
			"Issuer", jen.Lit("https://issuer.test"),
			"Audience", jen.Lit("api"),
			"AccessTTL", jen.Qual(pkgTime, "Minute"),
			"RefreshTTL", jen.Qual(pkgTime, "Hour"),
		)...)), jen.Id("newTestStore").Call(jen.Id("t"))),
		ifErr(tcall("Fatal", jen.Err())),
		cheapTestHasher(m),
		jen.Return(jen.Id("svc")),
	)
	f.Line()
	f.Comment("wantTokens fails unless r is a token response, and returns it.")
	f.Func().Id("wantTokens").Params(tParam(), jen.Id("r").Id("result")).Id("tokens").Block(append([]jen.Code{
		tcall("Helper"),
		jen.If(jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK")).Block(tcall("Fatalf", jen.Lit("got %d %s, want 200 and tokens"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body"))),
	}, wantTokensBody(m)...)...)
	f.Line()
	emitCookieHelpers(f, m)
	f.Comment("signup registers identity and logs it in.")
	f.Func().Id("signup").Params(tParam(), jen.Id("srv").Op("*").Qual("net/http/httptest", "Server"), jen.Id("identity").String()).Id("tokens").Block(
		tcall("Helper"),
		jen.If(jen.Id("r").Op(":=").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/register")), credsJSON(m, jen.Id("identity"), jen.Id("testPassword"))), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, m.registeredStatus())).Block(
			tcall("Fatalf", jen.Lit("register: %d %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
		),
		jen.Return(jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, jen.Id("identity"), jen.Id("testPassword"))))),
	)
	f.Line()
	presents := jen.Index().String().Values(jen.Lit(m.Header), jen.Lit(m.Schemes[0]+" ").Op("+").Id("token"))
	if !m.UsesHeader() {
		f.Comment("bearer is the header pair that presents an access token: its cookie.")
		presents = jen.Index().String().Values(jen.Lit("Cookie"), jen.Lit(accessCookie(m)+"=").Op("+").Id("token"))
	} else {
		f.Comment("bearer is the header pair that presents an access token.")
	}
	f.Func().Id("bearer").Params(jen.Id("token").String()).Index().String().Block(jen.Return(presents))
	f.Line()
}

// wantProblem is "wantProblem(t, r, http.status, code)": r must be a
// problem+json answer.
func wantProblem(r jen.Code, status, code string) *jen.Statement {
	return jen.Id("wantProblem").Call(jen.Id("t"), r, jen.Qual(pkgHTTP, status), jen.Lit(code))
}

// wantStatus is "if r.status != want { t.Fatalf(...) }" for a named step.
func wantStatus(step string, r jen.Code, status string) *jen.Statement {
	return jen.If(jen.Id("r").Op(":=").Add(r), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, status)).Block(
		tcall("Fatalf", jen.Lit(step+": got %d %s, want %d"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body"), jen.Qual(pkgHTTP, status)),
	)
}

func post(path string, body jen.Code, header ...jen.Code) *jen.Statement {
	args := []jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit(path), body}
	return jen.Id("postJSON").Call(append(args, header...)...)
}

func get(path string, header ...jen.Code) *jen.Statement {
	args := []jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit("GET"), jen.Lit(path), jen.Lit(""), jen.Lit("")}
	return jen.Id("call").Call(append(args, header...)...)
}

func emitTestLifecycle(f *jen.File, m *Model) {
	upper := strings.ToUpper(m.SampleIdentity()[:1]) + m.SampleIdentity()[1:]
	checkUser := []jen.Code{
		jen.If(jen.Id("reg").Dot("status").Op("!=").Qual(pkgHTTP, m.registeredStatus())).Block(tcall("Fatalf", jen.Lit("register: %d %s"), jen.Id("reg").Dot("status"), jen.Id("reg").Dot("body"))),
		jen.Id("user").Op(":=").Id("reg").Dot("fields").Call(jen.Id("t")),
		jen.If(jen.Id("user").Index(jen.Lit(m.IdentityJSON())).Op("!=").Lit(m.SampleIdentity()).Op("||").Id("user").Index(jen.Lit("id")).Op("==").Lit("")).Block(
			tcall("Errorf", jen.Lit("registered user = %v, want the normalised "+m.IdentityJSON()+" and an id"), jen.Id("user")),
		),
		jen.If(jen.Qual("bytes", "Contains").Call(jen.Id("reg").Dot("body"), jen.Index().Byte().Call(jen.Lit("argon2"))).Op("||").Qual("bytes", "Contains").Call(jen.Id("reg").Dot("body"), jen.Index().Byte().Call(jen.Id("testPassword")))).Block(
			tcall("Errorf", jen.Lit("register leaks the password or its hash: %s"), jen.Id("reg").Dot("body")),
		),
	}
	if m.HidesRegistration() {
		checkUser = checkUser[:1] // the answer is the same 202 for every registration
	}
	var userFromMe jen.Code = jen.Null()
	if m.HidesRegistration() {
		userFromMe = jen.Id("user").Op(":=").Id("me").Dot("fields").Call(jen.Id("t"))
	}
	start := append([]jen.Code{
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("reg").Op(":=").Add(post(m.Route("/register"), credsJSON(m, jen.Lit(upper), jen.Id("testPassword")))),
	}, checkUser...)
	testFunc(f, "TestSessionLifecycle", "TestSessionLifecycle walks register, login, me, refresh and logout.", append(start,
		jen.Line(),
		jen.Id("login").Op(":=").Add(post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword")))),
		jen.Id("tk").Op(":=").Id("wantTokens").Call(jen.Id("t"), jen.Id("login")),
		jen.If(jen.Id("got").Op(":=").Id("login").Dot("header").Dot("Get").Call(jen.Lit("Cache-Control")), jen.Id("got").Op("!=").Lit("no-store")).Block(
			tcall("Errorf", jen.Lit("login Cache-Control = %q, want no-store"), jen.Id("got")),
		),
		jen.If(jen.Id("body").Op(":=").Id("login").Dot("fields").Call(jen.Id("t")), jen.Id("body").Index(jen.Lit("token_type")).Op("!=").Lit("Bearer").Op("||").Id("body").Index(jen.Lit("expires_in")).Op("!=").Float64().Call(jen.Lit(60))).Block(
			tcall("Errorf", jen.Lit("token response = %v, want token_type Bearer and expires_in 60"), jen.Id("body")),
		),
		jen.Line(),
		jen.Id("me").Op(":=").Add(get(m.Route("/me"), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("..."))),
		userFromMe,
		jen.If(jen.Id("me").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").Id("me").Dot("fields").Call(jen.Id("t")).Index(jen.Lit("id")).Op("!=").Id("user").Index(jen.Lit("id"))).Block(
			tcall("Fatalf", jen.Lit("me: %d %s, want 200 and the registered user"), jen.Id("me").Dot("status"), jen.Id("me").Dot("body")),
		),
		jen.If(jen.Id("who").Op(":=").Add(get("/protected", jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("..."))), jen.String().Call(jen.Id("who").Dot("body")).Op("!=").Id("user").Index(jen.Lit("id"))).Block(
			tcall("Errorf", jen.Lit("protected route saw subject %q, want %v"), jen.Id("who").Dot("body"), jen.Id("user").Index(jen.Lit("id"))),
		),
		jen.Line(),
		jen.Id("next").Op(":=").Id("wantTokens").Call(jen.Id("t"), post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("tk").Dot("Refresh")))),
		jen.If(jen.Id("next").Dot("Refresh").Op("==").Id("tk").Dot("Refresh")).Block(tcall("Error", jen.Lit("refresh returned the same refresh token"))),
		wantStatus("me with the refreshed access token", get(m.Route("/me"), jen.Id("bearer").Call(jen.Id("next").Dot("Access")).Op("...")), "StatusOK"),
		wantStatus("logout", post(m.Route("/logout"), jen.Id("refreshBody").Call(jen.Id("next").Dot("Refresh"))), "StatusNoContent"),
		wantProblem(post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("next").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
	)...)
}

func emitTestReuse(f *jen.File, m *Model) {
	testFunc(f, "TestRefreshReuseRevokesFamily", "TestRefreshReuseRevokesFamily replays a spent refresh token: the whole family\n// dies, including the successor the legitimate client holds.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("next").Op(":=").Id("wantTokens").Call(jen.Id("t"), post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("tk").Dot("Refresh")))),
		wantProblem(post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("tk").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
		wantProblem(post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("next").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestLogoutWithAccessToken(f *jen.File, m *Model) {
	testFunc(f, "TestLogoutWithAccessToken", "TestLogoutWithAccessToken ends the session of an access token.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		wantProblem(jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout")), jen.Lit(""), jen.Lit("")), "StatusUnauthorized", "missing_token"),
		wantStatus("logout", jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout")), jen.Lit(""), jen.Lit(""), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("...")), "StatusNoContent"),
		wantProblem(post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("tk").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestRegisterRejects(f *jen.File, m *Model) {
	valid := func(id string) string {
		return `{"` + m.IdentityJSON() + `":"` + id + `","password":"` + testPassword + `"}`
	}
	type rejectCase struct{ name, ctype, body, status, code string }
	cases := []rejectCase{
		{"malformed JSON", "application/json", `{"` + m.IdentityJSON() + `":`, "StatusBadRequest", "malformed_body"},
		{"trailing data", "application/json", valid(m.sampleOther()) + `{}`, "StatusBadRequest", "malformed_body"},
		{"wrong content type", "text/plain", valid(m.sampleOther()), "StatusUnsupportedMediaType", "unsupported_media_type"},
		{"no content type", "", valid(m.sampleOther()), "StatusUnsupportedMediaType", "unsupported_media_type"},
		{"empty object", "application/json", `{}`, "StatusUnprocessableEntity", "validation_failed"},
		{"invalid " + m.IdentityJSON(), "application/json", valid(m.invalidIdentity()), "StatusUnprocessableEntity", "validation_failed"},
		{"non-ASCII " + m.IdentityJSON(), "application/json", valid("ädä" + m.SampleIdentity()[3:]), "StatusUnprocessableEntity", "validation_failed"},
		{"short password", "application/json", `{"` + m.IdentityJSON() + `":"` + m.sampleOther() + `","password":"short"}`, "StatusUnprocessableEntity", "validation_failed"},
		{"duplicate in other letter case", "application/json", valid(strings.ToUpper(m.SampleIdentity())), "StatusConflict", "identity_taken"},
	}
	if m.HidesRegistration() {
		cases = cases[:len(cases)-1] // a duplicate is accepted: TestRegistrationRevealsNothing
	}
	if m.UsesBcrypt() {
		cases = append(cases, rejectCase{"password over bcrypt's 72 bytes", "application/json", `{"` + m.IdentityJSON() + `":"` + m.sampleOther() + `","password":"` + strings.Repeat("p", 73) + `"}`, "StatusUnprocessableEntity", "validation_failed"})
	}
	var rows []jen.Code
	for _, c := range cases {
		rows = append(rows, jen.Values(jen.Lit(c.name), jen.Lit(c.ctype), jen.Lit(c.body), jen.Qual(pkgHTTP, c.status), jen.Lit(c.code)))
	}
	rows = append(rows, jen.Values(jen.Lit("body over 1 MiB"), jen.Lit("application/json"),
		jen.Lit(`{"`+m.IdentityJSON()+`":"`).Op("+").Qual("strings", "Repeat").Call(jen.Lit("a"), jen.Lit(2<<20)).Op("+").Lit(`"}`),
		jen.Qual(pkgHTTP, "StatusRequestEntityTooLarge"), jen.Lit("body_too_large")))
	testFunc(f, "TestRegisterRejects", "TestRegisterRejects sends bad registrations: each gets its problem, and none\n// creates an account.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Index().Struct(
			jen.List(jen.Id("name"), jen.Id("contentType"), jen.Id("body")).String(),
			jen.Id("status").Int(),
			jen.Id("code").String(),
		).Values(rows...)).Block(
			tcall("Run", jen.Id("c").Dot("name"), jen.Func().Params(tParam()).Block(
				jen.Id("r").Op(":=").Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/register")), jen.Id("c").Dot("contentType"), jen.Id("c").Dot("body")),
				jen.Id("wantProblem").Call(jen.Id("t"), jen.Id("r"), jen.Id("c").Dot("status"), jen.Id("c").Dot("code")),
			)),
		),
		jen.Comment("Nothing above created an account."),
		wantProblem(post(m.Route("/login"), credsJSON(m, jen.Lit(m.sampleOther()), jen.Id("testPassword"))), "StatusUnauthorized", "invalid_credentials"),
	)
}

func emitTestLoginFailures(f *jen.File, m *Model) {
	testFunc(f, "TestLoginFailuresAreIndistinguishable", "TestLoginFailuresAreIndistinguishable checks that a wrong password and an\n// unknown account get byte-identical answers.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("wrong").Op(":=").Add(post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Lit("not the password")))),
		jen.Id("unknown").Op(":=").Add(post(m.Route("/login"), credsJSON(m, jen.Lit(m.sampleOther()), jen.Id("testPassword")))),
		wantProblem(jen.Id("wrong"), "StatusUnauthorized", "invalid_credentials"),
		wantProblem(jen.Id("unknown"), "StatusUnauthorized", "invalid_credentials"),
		jen.If(jen.Op("!").Qual("bytes", "Equal").Call(jen.Id("wrong").Dot("body"), jen.Id("unknown").Dot("body"))).Block(
			tcall("Errorf", jen.Lit("wrong password and unknown account differ:\n%s\n%s"), jen.Id("wrong").Dot("body"), jen.Id("unknown").Dot("body")),
		),
	)
}

// emitTestLoginFailuresDoEqualWork renders the proof that the three login
// failures run the same hashing work, through an injected counting hasher,
// and the benchmark that reports their latencies.
func emitTestLoginFailuresDoEqualWork(f *jen.File, m *Model) {
	f.Comment("countingHasher counts the hashing work of logins.")
	f.Type().Id("countingHasher").Struct(
		jen.Qual(pkgPassword, "Hasher"),
		jen.List(jen.Id("verified"), jen.Id("dummies")).Qual("sync/atomic", "Int32"),
	)
	f.Line()
	f.Comment("Verify counts and runs the real Verify.")
	f.Func().Params(jen.Id("h").Op("*").Id("countingHasher")).Id("Verify").Params(jen.List(jen.Id("pw"), jen.Id("hash")).String()).Params(jen.Bool(), jen.Bool(), jen.Error()).Block(
		jen.Id("h").Dot("verified").Dot("Add").Call(jen.Lit(1)),
		jen.Return(jen.Id("h").Dot("Hasher").Dot("Verify").Call(jen.Id("pw"), jen.Id("hash"))),
	)
	f.Line()
	f.Comment("VerifyDummy counts and runs the real VerifyDummy.")
	f.Func().Params(jen.Id("h").Op("*").Id("countingHasher")).Id("VerifyDummy").Params(jen.Id("pw").String()).Block(
		jen.Id("h").Dot("dummies").Dot("Add").Call(jen.Lit(1)),
		jen.Id("h").Dot("Hasher").Dot("VerifyDummy").Call(jen.Id("pw")),
	)
	f.Line()
	f.Comment("newFailureService has " + m.SampleIdentity() + " (active) and " + m.sampleOther() + " (disabled), both")
	f.Comment("with testPassword, behind a counting hasher.")
	f.Func().Id("newFailureService").Params(jen.Id("t").Qual(pkgTesting, "TB")).Params(jen.Op("*").Id("Service"), jen.Op("*").Id("countingHasher")).Block(
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.List(jen.Id("hash"), jen.Err()).Op(":=").Id("svc").Dot("hasher").Dot("Hash").Call(jen.Id("testPassword")),
		ifErr(tcall("Fatal", jen.Err())),
		jen.For(jen.List(jen.Id("identity"), jen.Id("active")).Op(":=").Range().Map(jen.String()).Bool().Values(jen.Dict{jen.Lit(m.SampleIdentity()): jen.True(), jen.Lit(m.sampleOther()): jen.False()})).Block(
			jen.Id("u").Op(":=").Id("User").Values(fields("ID", jen.Id("newID").Call(), m.IdentityField(), jen.Id("identity"), "PasswordHash", jen.Id("hash"), "Active", jen.Id("active"), "CreatedAt", jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")))),
			jen.If(jen.Err().Op(":=").Id("svc").Dot("store").Dot("CreateUser").Call(jen.Qual("context", "Background").Call(), jen.Id("u")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err())),
		),
		jen.Id("h").Op(":=").Op("&").Id("countingHasher").Values(jen.Dict{jen.Id("Hasher"): jen.Id("svc").Dot("hasher")}),
		jen.Id("svc").Dot("hasher").Op("=").Id("h"),
		jen.Return(jen.Id("svc"), jen.Id("h")),
	)
	f.Line()
	f.Comment("loginFailures are the three ways a login fails, which must look alike.")
	f.Var().Id("loginFailures").Op("=").Index().Struct(jen.List(jen.Id("name"), jen.Id("identity"), jen.Id("password")).String()).Values(
		jen.Values(jen.Lit("unknown account"), jen.Lit("nobody"+strings.TrimPrefix(m.SampleIdentity(), "ada")), jen.Id("testPassword")),
		jen.Values(jen.Lit("wrong password"), jen.Lit(m.SampleIdentity()), jen.Lit("not the password")),
		jen.Values(jen.Lit("disabled account"), jen.Lit(m.sampleOther()), jen.Id("testPassword")),
	)
	f.Line()
	testFunc(f, "TestLoginFailuresDoEqualWork", "TestLoginFailuresDoEqualWork: an unknown account, a wrong password and a\n// disabled account each cost exactly one password verification (the unknown\n// one against a dummy hash) and get byte-identical answers.",
		jen.List(jen.Id("svc"), jen.Id("h")).Op(":=").Id("newFailureService").Call(jen.Id("t")),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		jen.Id("t").Dot("Cleanup").Call(jen.Id("srv").Dot("Close")),
		jen.Var().Id("first").Index().Byte(),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("loginFailures")).Block(
			jen.List(jen.Id("verified"), jen.Id("dummies")).Op(":=").List(jen.Id("h").Dot("verified").Dot("Load").Call(), jen.Id("h").Dot("dummies").Dot("Load").Call()),
			jen.Id("r").Op(":=").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, jen.Id("c").Dot("identity"), jen.Id("c").Dot("password"))),
			wantProblem(jen.Id("r"), "StatusUnauthorized", "invalid_credentials"),
			jen.If(jen.Id("work").Op(":=").Id("h").Dot("verified").Dot("Load").Call().Op("-").Id("verified").Op("+").Id("h").Dot("dummies").Dot("Load").Call().Op("-").Id("dummies"), jen.Id("work").Op("!=").Lit(1)).Block(
				tcall("Errorf", jen.Lit("%s: %d password verifications, want exactly 1"), jen.Id("c").Dot("name"), jen.Id("work")),
			),
			jen.If(jen.Id("c").Dot("name").Op("==").Lit("unknown account").Op("&&").Id("h").Dot("dummies").Dot("Load").Call().Op("==").Id("dummies")).Block(
				tcall("Errorf", jen.Lit("unknown account: no dummy verification")),
			),
			jen.If(jen.Id("first").Op("==").Nil()).Block(jen.Id("first").Op("=").Id("r").Dot("body")),
			jen.If(jen.Op("!").Qual("bytes", "Equal").Call(jen.Id("r").Dot("body"), jen.Id("first"))).Block(
				tcall("Errorf", jen.Lit("%s answers\n%s\nthe first failure answered\n%s"), jen.Id("c").Dot("name"), jen.Id("r").Dot("body"), jen.Id("first")),
			),
		),
	)
	f.Comment("BenchmarkLoginFailure measures the three failures through the router: their")
	f.Comment("medians should match, since each verifies one password at the same cost.")
	f.Func().Id("BenchmarkLoginFailure").Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
		jen.List(jen.Id("svc"), jen.Id("_")).Op(":=").Id("newFailureService").Call(jen.Id("b")),
		throttleOffForBenchmark(m),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("loginFailures")).Block(
			jen.List(jen.Id("body"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(credsJSON(m, jen.Id("c").Dot("identity"), jen.Id("c").Dot("password"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Fatal").Call(jen.Err())),
			jen.Id("b").Dot("Run").Call(jen.Id("c").Dot("name"), jen.Func().Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
				jen.For(jen.Id("b").Dot("Loop").Call()).Block(
					jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Lit(m.Route("/login")), jen.Qual("bytes", "NewReader").Call(jen.Id("body"))),
					jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("application/json")),
					jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
					jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
					jen.If(jen.Id("w").Dot("Code").Op("!=").Qual(pkgHTTP, "StatusUnauthorized")).Block(
						jen.Id("b").Dot("Fatalf").Call(jen.Lit("%s: %d %s"), jen.Id("c").Dot("name"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
					),
				),
			)),
		),
	)
	f.Line()
}

// emitFuzzHandlers renders FuzzHandlers: arbitrary bodies and content types
// to every endpoint that decodes one. Its seeds run with the other tests.
func emitFuzzHandlers(f *jen.File, m *Model) {
	var paths []jen.Code
	for _, p := range []string{"/register", "/login", "/refresh", "/logout"} {
		paths = append(paths, jen.Lit(m.Route(p)))
	}
	id := m.IdentityJSON()
	f.Comment("FuzzHandlers sends arbitrary bodies with arbitrary content types to the")
	f.Comment("endpoints that decode a body: whatever arrives, the answer is never a 5xx,")
	f.Comment("and every error is problem+json. Every seed goes to every endpoint.")
	f.Func().Id("FuzzHandlers").Params(jen.Id("f").Op("*").Qual(pkgTesting, "F")).Block(
		jen.Id("paths").Op(":=").Index().String().Values(paths...),
		jen.For(jen.List(jen.Id("_"), jen.Id("body")).Op(":=").Range().Index().String().Values(
			jen.Lit(`{"`+id+`":"`+m.SampleIdentity()+`","password":"`+testPassword+`"}`),
			jen.Lit(`{"`+id+`":"`+m.SampleIdentity()+`","password":"`+testPassword+`"} {}`),
			jen.Lit(`{"refresh_token":"x"}`),
			jen.Lit(`{"refresh_token":"\u0000\udfff"}`),
			jen.Lit(`{"`+id+`":null,"password":[]}`),
			jen.Lit(`{"`+id+`":"\u0000","password":"\ud800\ud800\ud800\ud800"}`),
			jen.Lit(`{"`+id+`":"`+m.SampleIdentity()+`\u0000","password":"`+testPassword+`"}`),
			jen.Lit("grant_type=password&username=%00&password=x"),
			jen.Lit("grant_type=password&username=%FF%FE&password=%00"),
			jen.Lit("grant_type=refresh_token&refresh_token=%00"),
			jen.Lit(`[`),
			jen.Lit(``),
		)).Block(
			jen.For(jen.Id("endpoint").Op(":=").Range().Id("paths")).Block(
				jen.For(jen.List(jen.Id("_"), jen.Id("ctype")).Op(":=").Range().Index().String().Values(jen.Lit("application/json"), jen.Lit("application/x-www-form-urlencoded"), jen.Lit("text/plain"))).Block(
					jen.Id("f").Dot("Add").Call(jen.Id("uint8").Call(jen.Id("endpoint")), jen.Id("ctype"), jen.Index().Byte().Call(jen.Id("body"))),
				),
			),
		),
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("f")),
		jen.Comment("The fuzzer's workers hash at once: a long wait for a hashing slot keeps"),
		jen.Comment("saturation (503, which TestHashingSaturation checks) apart from a failure."),
		jen.Id("svc").Dot("hashing").Op("=").Qual(pkgPassword, "NewLimiter").Call(jen.Lit(0), jen.Qual(pkgTime, "Minute")),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.Id("f").Dot("Fuzz").Call(jen.Func().Params(jen.Id("t").Op("*").Qual(pkgTesting, "T"), jen.Id("endpoint").Uint8(), jen.Id("ctype").String(), jen.Id("body").Index().Byte()).Block(
			jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Id("paths").Index(jen.Int().Call(jen.Id("endpoint")).Op("%").Len(jen.Id("paths"))), jen.Qual("bytes", "NewReader").Call(jen.Id("body"))),
			jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), jen.Id("ctype")),
			jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
			jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
			jen.If(jen.Id("w").Dot("Code").Op(">=").Lit(500).Op("||").Id("w").Dot("Code").Op(">=").Lit(400).Op("&&").Id("w").Dot("Header").Call().Dot("Get").Call(jen.Lit("Content-Type")).Op("!=").Qual(pkgHTTPAuth, "ContentTypeProblem")).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("%s %q %q: %d %s"), jen.Id("req").Dot("URL").Dot("Path"), jen.Id("ctype"), jen.Id("body"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
			),
		)),
	)
	f.Line()
}

func emitTestTokenChecks(f *jen.File, m *Model) {
	auth := func(v jen.Code) jen.Code { return jen.Index().String().Values(jen.Lit(m.Header), v) }
	testFunc(f, "TestProtectedRouteRejects", "TestProtectedRouteRejects presents bad credentials to a protected route.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.List(jen.Id("foreign"), jen.Err()).Op(":=").Qual(pkgToken, "New").Call(jen.Qual(pkgToken, "Config").Values(fields(append(
			append([]any{"Algorithm", jen.Lit(string(m.Algorithm))}, foreignKeyConfig(m)...),
			"Issuer", jen.Lit("https://issuer.test"),
			"Audience", jen.Lit("api"),
			"TTL", jen.Qual(pkgTime, "Minute"),
		)...))),
		ifErr(tcall("Fatal", jen.Err())),
		jen.List(jen.Id("forged"), jen.Id("_"), jen.Err()).Op(":=").Id("foreign").Dot("Issue").Call(jen.Lit("someone"), jen.Lit("session")),
		ifErr(tcall("Fatal", jen.Err())),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Index().Struct(
			jen.Id("name").String(),
			jen.Id("header").Index().String(),
			jen.Id("code").String(),
		).Values(
			append([]jen.Code{jen.Values(jen.Lit("no token"), jen.Nil(), jen.Lit("missing_token"))}, append(presentationCases(m, auth),
				jen.Values(jen.Lit("garbage"), jen.Id("bearer").Call(jen.Lit("garbage")), jen.Lit("invalid_token")),
				jen.Values(jen.Lit("10 KB header"), jen.Id("bearer").Call(jen.Qual("strings", "Repeat").Call(jen.Lit("a"), jen.Lit(10<<10))), jen.Lit("invalid_token")),
				jen.Values(jen.Lit("tampered"), jen.Id("bearer").Call(jen.Id("tk").Dot("Access").Op("+").Lit("x")), jen.Lit("invalid_token")),
				jen.Values(jen.Lit("signed with another key"), jen.Id("bearer").Call(jen.Id("forged")), jen.Lit("invalid_token")),
				jen.Values(jen.Lit("refresh token as access token"), jen.Id("bearer").Call(jen.Id("tk").Dot("Refresh")), jen.Lit("invalid_token")),
			)...)...)).Block(
			tcall("Run", jen.Id("c").Dot("name"), jen.Func().Params(tParam()).Block(
				jen.For(jen.List(jen.Id("_"), jen.Id("path")).Op(":=").Range().Index().String().Values(jen.Lit(m.Route("/me")), jen.Lit("/protected"))).Block(
					jen.Id("wantProblem").Call(jen.Id("t"), jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("GET"), jen.Id("path"), jen.Lit(""), jen.Lit(""), jen.Id("c").Dot("header").Op("...")), jen.Qual(pkgHTTP, "StatusUnauthorized"), jen.Id("c").Dot("code")),
				),
			)),
		),
		jen.Comment("And the reverse: an access token is no refresh token."),
		wantProblem(post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("tk").Dot("Access"))), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestOptional(f *jen.File, m *Model) {
	testFunc(f, "TestAuthenticateIsOptional", "TestAuthenticateIsOptional checks that Authenticate lets anonymous requests\n// through and still rejects bad tokens.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.If(jen.Id("r").Op(":=").Add(get("/optional")), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").String().Call(jen.Id("r").Dot("body")).Op("!=").Lit("anonymous")).Block(
			tcall("Errorf", jen.Lit("anonymous: %d %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
		),
		jen.If(jen.Id("r").Op(":=").Add(get("/optional", jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("..."))), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").String().Call(jen.Id("r").Dot("body")).Op("==").Lit("anonymous")).Block(
			tcall("Errorf", jen.Lit("with a token: %d %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
		),
		wantProblem(get("/optional", jen.Id("bearer").Call(jen.Lit("garbage")).Op("...")), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestConfig(f *jen.File, m *Model) {
	doc := "TestConfigFromEnv refuses a short secret and applies the defaults."
	if m.Asymmetric() {
		doc = "TestConfigFromEnv refuses a missing or wrong key and applies the defaults."
	}
	testFunc(f, "TestConfigFromEnv", doc, append(testKeyEnv(m),
		jen.List(jen.Id("cfg"), jen.Err()).Op(":=").Id("ConfigFromEnv").Call(),
		ifErr(tcall("Fatal", jen.Err())),
		jen.If(jen.Id("cfg").Dot("AccessTTL").Op("!=").Add(durationCode(m.AccessTTL)).Op("||").Id("cfg").Dot("RefreshTTL").Op("!=").Add(durationCode(m.RefreshTTL)).Op("||").Id("cfg").Dot("Issuer").Op("!=").Lit(m.Issuer)).Block(
			tcall("Errorf", jen.Lit("defaults = %+v"), jen.Id("cfg")),
		),
		tcall("Setenv", jen.Lit("AUTH_ACCESS_TTL"), jen.Lit("soon")),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("ConfigFromEnv").Call(), jen.Err().Op("==").Nil()).Block(tcall("Fatal", jen.Lit("accepted AUTH_ACCESS_TTL=soon"))),
	)...)
}

func emitBenchmark(f *jen.File, m *Model) {
	f.Comment("BenchmarkProtectedRoute measures what every authenticated request pays: the")
	f.Comment("router and Require verifying an access token, into a handler that reads the")
	f.Comment("subject.")
	f.Func().Id("BenchmarkProtectedRoute").Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("b")),
		jen.List(jen.Id("access"), jen.Id("_"), jen.Err()).Op(":=").Id("svc").Dot("tokens").Dot("Issue").Call(jen.Lit("user-1"), jen.Lit("session-1")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Fatal").Call(jen.Err())),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("GET"), jen.Lit("/protected"), jen.Nil()),
		jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit(m.Header), jen.Lit(m.Schemes[0]+" ").Op("+").Id("access")),
		jen.Id("b").Dot("ReportAllocs").Call(),
		jen.For(jen.Id("b").Dot("Loop").Call()).Block(
			jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
			jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
			jen.If(jen.Id("w").Dot("Code").Op("!=").Qual(pkgHTTP, "StatusOK")).Block(
				jen.Id("b").Dot("Fatalf").Call(jen.Lit("status %d: %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
			),
		),
	)
	f.Line()
}

func refreshWith(token jen.Code) *jen.Statement {
	return jen.Id("refreshBody").Call(token)
}

func emitTestLogoutAll(f *jen.File, m *Model) {
	testFunc(f, "TestLogoutAll", "TestLogoutAll ends every session of the user at once.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("phone").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("laptop").Op(":=").Id("wantTokens").Call(jen.Id("t"), post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword")))),
		wantProblem(jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout-all")), jen.Lit(""), jen.Lit("")), "StatusUnauthorized", "missing_token"),
		wantStatus("logout-all", jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout-all")), jen.Lit(""), jen.Lit(""), jen.Id("bearer").Call(jen.Id("laptop").Dot("Access")).Op("...")), "StatusNoContent"),
		jen.For(jen.List(jen.Id("_"), jen.Id("tk")).Op(":=").Range().Index().Id("tokens").Values(jen.Id("phone"), jen.Id("laptop"))).Block(
			wantProblem(post(m.Route("/refresh"), refreshWith(jen.Id("tk").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
		),
	)
}

func emitTestChangePassword(f *jen.File, m *Model) {
	change := func(current, next jen.Code) *jen.Statement {
		return post(m.Route("/password"), jen.Map(jen.String()).String().Values(jen.Dict{jen.Lit("current_password"): current, jen.Lit("new_password"): next}), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("..."))
	}
	testFunc(f, "TestChangePassword", "TestChangePassword needs the current password, and ends every session.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Const().Id("newPassword").Op("=").Lit("a new and longer passphrase"),
		wantProblem(change(jen.Lit("not the password"), jen.Id("newPassword")), "StatusForbidden", "invalid_credentials"),
		wantProblem(change(jen.Id("testPassword"), jen.Lit("short")), "StatusUnprocessableEntity", "validation_failed"),
		wantStatus("change", change(jen.Id("testPassword"), jen.Id("newPassword")), "StatusNoContent"),
		wantProblem(post(m.Route("/refresh"), refreshWith(jen.Id("tk").Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
		wantProblem(post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))), "StatusUnauthorized", "invalid_credentials"),
		jen.Id("wantTokens").Call(jen.Id("t"), post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("newPassword")))),
	)
}

func emitTestConcurrentRefresh(f *jen.File, m *Model) {
	testFunc(f, "TestConcurrentRefresh", "TestConcurrentRefresh presents one refresh token 50 times at once: exactly one\n// rotation wins, the others count as reuse, and reuse revokes the family, so\n// even the winner's new token is dead.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Const().Id("n").Op("=").Lit(50),
		jen.Id("results").Op(":=").Make(jen.Chan().Id("result"), jen.Id("n")),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.Range().Id("n")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.Id("results").Op("<-").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/refresh")), refreshWith(jen.Id("tk").Dot("Refresh"))),
			)),
		),
		jen.Id("wg").Dot("Wait").Call(),
		jen.Id("close").Call(jen.Id("results")),
		jen.Var().Id("winners").Index().Id("tokens"),
		jen.Id("rejected").Op(":=").Lit(0),
		jen.For(jen.Id("r").Op(":=").Range().Id("results")).Block(
			jen.Switch(jen.Id("r").Dot("status")).Block(
				jen.Case(jen.Qual(pkgHTTP, "StatusOK")).Block(jen.Id("winners").Op("=").Append(jen.Id("winners"), jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("r")))),
				jen.Case(jen.Qual(pkgHTTP, "StatusUnauthorized")).Block(
					wantProblem(jen.Id("r"), "StatusUnauthorized", "invalid_token"),
					jen.Id("rejected").Op("++"),
				),
				jen.Default().Block(tcall("Errorf", jen.Lit("refresh: %d %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body"))),
			),
		),
		jen.If(jen.Len(jen.Id("winners")).Op("!=").Lit(1)).Block(
			tcall("Fatalf", jen.Lit("%d of %d concurrent refreshes succeeded, want exactly 1"), jen.Len(jen.Id("winners")), jen.Id("n")),
		),
		tcall("Logf", jen.Lit("%d concurrent refreshes of one token: %d succeeded, %d rejected"), jen.Id("n"), jen.Len(jen.Id("winners")), jen.Id("rejected")),
		wantProblem(post(m.Route("/refresh"), refreshWith(jen.Id("winners").Index(jen.Lit(0)).Dot("Refresh"))), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestCleanup(f *jen.File, m *Model) {
	f.Comment("storeUser puts a user straight into the store, for tests below the HTTP layer.")
	f.Func().Id("storeUser").Params(jen.Id("t").Qual(pkgTesting, "TB"), jen.Id("svc").Op("*").Id("Service")).Id("User").Block(
		tcall("Helper"),
		jen.Id("u").Op(":=").Id("User").Values(fields(
			"ID", jen.Id("newID").Call(),
			m.IdentityField(), jen.Lit(m.SampleIdentity()),
			"PasswordHash", jen.Lit("unused"),
			"Active", jen.True(),
			"CreatedAt", jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call(),
		)),
		jen.If(jen.Err().Op(":=").Id("svc").Dot("store").Dot("CreateUser").Call(jen.Qual(pkgContext, "Background").Call(), jen.Id("u")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err())),
		jen.Return(jen.Id("u")),
	)
	f.Line()
	testFunc(f, "TestCleanup", "TestCleanup deletes expired refresh tokens and keeps live ones.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("ctx").Op(":=").Qual(pkgContext, "Background").Call(),
		jen.Id("u").Op(":=").Id("storeUser").Call(jen.Id("t"), jen.Id("svc")),
		jen.Id("now").Op(":=").Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Millisecond")),
		jen.For(jen.List(jen.Id("digest"), jen.Id("expires")).Op(":=").Range().Map(jen.String()).Qual(pkgTime, "Time").Values(jen.Dict{
			jen.Lit("expired"): jen.Id("now").Dot("Add").Call(jen.Op("-").Qual(pkgTime, "Minute")),
			jen.Lit("live"):    jen.Id("now").Dot("Add").Call(jen.Qual(pkgTime, "Hour")),
		})).Block(
			jen.Id("r").Op(":=").Qual(pkgRefresh, "Record").Values(fields(
				"Digest", jen.Id("digest"),
				"FamilyID", jen.Lit("family"),
				"UserID", jen.Id("u").Dot("ID"),
				"IssuedAt", jen.Id("now").Dot("Add").Call(jen.Op("-").Qual(pkgTime, "Hour")),
				"ExpiresAt", jen.Id("expires"),
			)),
			jen.If(jen.Err().Op(":=").Id("svc").Dot("store").Dot("InsertRefresh").Call(jen.Id("ctx"), jen.Id("r")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err())),
		),
		jen.If(jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("svc").Dot("Cleanup").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil().Op("||").Id("n").Op("!=").Lit(1)).Block(
			tcall("Fatalf", jen.Lit("Cleanup = %d, %v; want 1 deleted"), jen.Id("n"), jen.Err()),
		),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("svc").Dot("store").Dot("RefreshByDigest").Call(jen.Id("ctx"), jen.Lit("expired")), jen.Op("!").Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrNotFound"))).Block(
			tcall("Errorf", jen.Lit("expired token still stored: %v"), jen.Err()),
		),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("svc").Dot("store").Dot("RefreshByDigest").Call(jen.Id("ctx"), jen.Lit("live")), jen.Err().Op("!=").Nil()).Block(
			tcall("Errorf", jen.Lit("live token deleted: %v"), jen.Err()),
		),
	)
}

// cheapTestHasher gives the tests a cheap hasher of the service's scheme:
// argon2id at 64 KiB and bcrypt at cost 4, since the real parameters cost
// 260 ms (argon2id) to seconds (bcrypt) a hash under the race detector. The
// hashing itself is the runtime's, tested there; BenchmarkLogin measures the
// real parameters.
func cheapTestHasher(m *Model) jen.Code {
	if !m.UsesBcrypt() {
		var params []jen.Code
		for _, p := range []struct {
			name  string
			value int
		}{{"Memory", 64}, {"Time", 1}, {"Threads", 1}, {"SaltLen", 16}, {"KeyLen", 32}} {
			params = append(params, jen.Id(p.name).Op(":").Lit(p.value))
		}
		return jen.Id("svc").Dot("hasher").Op("=").Op("&").Qual(pkgPassword, "Argon2id").Values(params...).Comment("tests only: 64 KiB, not 19 MiB")
	}
	return jen.Id("svc").Dot("hasher").Op("=").Op("&").Qual(pkgPassword, "Bcrypt").Values(jen.Dict{jen.Id("Cost"): jen.Lit(4)}).Comment("tests only: fast, and the race detector slows bcrypt a hundredfold")
}

func emitLoginBenchmark(f *jen.File, m *Model) {
	bfatal := func(args ...jen.Code) *jen.Statement { return jen.Id("b").Dot("Fatalf").Call(args...) }
	f.Comment("timedHasher adds up the time spent in the password hasher's Verify.")
	f.Type().Id("timedHasher").Struct(
		jen.Qual(pkgPassword, "Hasher"),
		jen.Id("spent").Qual("time", "Duration"),
	)
	f.Line()
	f.Comment("Verify times the wrapped Verify.")
	f.Func().Params(jen.Id("h").Op("*").Id("timedHasher")).Id("Verify").Params(jen.List(jen.Id("pw"), jen.Id("hash")).String()).Params(jen.List(jen.Id("ok"), jen.Id("rehash")).Bool(), jen.Err().Error()).Block(
		jen.Id("start").Op(":=").Qual("time", "Now").Call(),
		jen.List(jen.Id("ok"), jen.Id("rehash"), jen.Err()).Op("=").Id("h").Dot("Hasher").Dot("Verify").Call(jen.Id("pw"), jen.Id("hash")),
		jen.Id("h").Dot("spent").Op("+=").Qual("time", "Since").Call(jen.Id("start")),
		jen.Return(jen.Id("ok"), jen.Id("rehash"), jen.Err()),
	)
	f.Line()
	f.Comment("BenchmarkLogin measures a successful login through the router (\"login\"), with")
	f.Comment("the real hasher and parameters, and reports what it costs beyond the password")
	f.Comment("verification inside it; \"hash\" measures that verification alone.")
	f.Func().Id("BenchmarkLogin").Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("b")),
		jen.Id("hasher").Op(":=").Op("&").Id("timedHasher").Values(jen.Dict{jen.Id("Hasher"): hasher(m)}),
		jen.Id("svc").Dot("hasher").Op("=").Id("hasher"),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.List(jen.Id("creds"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Fatal").Call(jen.Err())),
		jen.Id("send").Op(":=").Func().Params(jen.Id("path").String()).Op("*").Qual("net/http/httptest", "ResponseRecorder").Block(
			jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Id("path"), jen.Qual("bytes", "NewReader").Call(jen.Id("creds"))),
			jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("application/json")),
			jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
			jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
			jen.Return(jen.Id("w")),
		),
		jen.If(jen.Id("w").Op(":=").Id("send").Call(jen.Lit(m.Route("/register"))), jen.Id("w").Dot("Code").Op("!=").Qual(pkgHTTP, m.registeredStatus())).Block(
			bfatal(jen.Lit("register: %d %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
		),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("svc").Dot("store").Dot(m.userByIdentity()).Call(jen.Qual("context", "Background").Call(), jen.Lit(m.SampleIdentity())),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Fatal").Call(jen.Err())),
		jen.Id("b").Dot("Run").Call(jen.Lit("login"), jen.Func().Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
			jen.Id("hasher").Dot("spent").Op("=").Lit(0),
			jen.For(jen.Id("b").Dot("Loop").Call()).Block(
				jen.If(jen.Id("w").Op(":=").Id("send").Call(jen.Lit(m.Route("/login"))), jen.Id("w").Dot("Code").Op("!=").Qual(pkgHTTP, "StatusOK")).Block(
					bfatal(jen.Lit("login: %d %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
				),
			),
			jen.Id("beyond").Op(":=").Id("b").Dot("Elapsed").Call().Op("-").Id("hasher").Dot("spent"),
			jen.Id("b").Dot("ReportMetric").Call(jen.Id("beyond").Dot("Seconds").Call().Op("*").Lit(1000).Op("/").Float64().Call(jen.Id("b").Dot("N")), jen.Lit("ms-beyond-hash/op")),
		)),
		jen.Id("b").Dot("Run").Call(jen.Lit("hash"), jen.Func().Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
			jen.For(jen.Id("b").Dot("Loop").Call()).Block(
				jen.If(jen.List(jen.Id("ok"), jen.Id("_"), jen.Err()).Op(":=").Id("svc").Dot("hasher").Dot("Verify").Call(jen.Id("testPassword"), jen.Id("u").Dot("PasswordHash")), jen.Op("!").Id("ok").Op("||").Err().Op("!=").Nil()).Block(
					bfatal(jen.Lit("verify: %v, %v"), jen.Id("ok"), jen.Err()),
				),
			),
		)),
	)
	f.Line()
}

func emitRefreshBenchmark(f *jen.File, m *Model) {
	f.Comment("BenchmarkRefreshRotation measures refresh rotations through the handler and")
	f.Comment("the store, with parallel clients that each rotate their own session.")
	f.Func().Id("BenchmarkRefreshRotation").Params(jen.Id("b").Op("*").Qual(pkgTesting, "B")).Block(
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("b")),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.Id("ctx").Op(":=").Qual(pkgContext, "Background").Call(),
		jen.Id("u").Op(":=").Id("storeUser").Call(jen.Id("b"), jen.Id("svc")),
		jen.Id("b").Dot("ReportAllocs").Call(),
		jen.Id("b").Dot("RunParallel").Call(jen.Func().Params(jen.Id("pb").Op("*").Qual(pkgTesting, "PB")).Block(
			jen.List(jen.Id("rt"), jen.Id("_"), jen.Err()).Op(":=").Id("svc").Dot("refresh").Dot("Issue").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Qual(pkgRefresh, "Meta").Values()),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Error").Call(jen.Err()), jen.Return()),
			jen.For(jen.Id("pb").Dot("Next").Call()).Block(
				jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Lit(m.Route("/refresh")), jen.Qual("strings", "NewReader").Call(jen.Lit(`{"refresh_token":"`).Op("+").Id("rt").Op("+").Lit(`"}`))),
				jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("application/json")),
				jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
				jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
				jen.Var().Id("next").Id("tokens"),
				jen.If(jen.Id("w").Dot("Code").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").Qual("encoding/json", "Unmarshal").Call(jen.Id("w").Dot("Body").Dot("Bytes").Call(), jen.Op("&").Id("next")).Op("!=").Nil()).Block(
					jen.Id("b").Dot("Errorf").Call(jen.Lit("refresh: %d %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
					jen.Return(),
				),
				jen.Id("rt").Op("=").Id("next").Dot("Refresh"),
			),
		)),
		jen.Id("b").Dot("ReportMetric").Call(jen.Float64().Call(jen.Id("b").Dot("N")).Op("/").Id("b").Dot("Elapsed").Call().Dot("Seconds").Call(), jen.Lit("rotations/s")),
	)
	f.Line()
}

// presentationCases are TestProtectedRouteRejects' malformed presentations
// of a token: in the header, or for a cookie-only service in its cookie.
func presentationCases(m *Model, auth func(jen.Code) jen.Code) []jen.Code {
	if !m.UsesHeader() {
		name := accessCookie(m)
		return []jen.Code{
			jen.Values(jen.Lit("empty cookie"), jen.Index().String().Values(jen.Lit("Cookie"), jen.Lit(name+"=")), jen.Lit("invalid_token")),
			jen.Values(jen.Lit("cookie twice"), jen.Index().String().Values(jen.Lit("Cookie"), jen.Lit(name+"=a; "+name+"=b")), jen.Lit("invalid_token")),
			jen.Values(jen.Lit("a header is not read"), jen.Index().String().Values(jen.Lit(m.Header), jen.Lit("Bearer ").Op("+").Id("tk").Dot("Access")), jen.Lit("missing_token")),
		}
	}
	return []jen.Code{
		jen.Values(jen.Lit("empty header"), auth(jen.Lit("")), jen.Lit("invalid_token")),
		jen.Values(jen.Lit("scheme only"), auth(jen.Lit(m.Schemes[0])), jen.Lit("invalid_token")),
		jen.Values(jen.Lit("unknown scheme"), auth(jen.Lit("Basic YWRhOnB3")), jen.Lit("invalid_token")),
	}
}
