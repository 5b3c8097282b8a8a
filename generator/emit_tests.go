package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// SampleIdentity is the identity the generated tests and docs use.
func (m *Model) SampleIdentity() string { return m.byIdentity("ada@example.com", "ada_lovelace") }

// SampleOther is the second account of the generated tests.
func (m *Model) SampleOther() string { return m.byIdentity("grace@example.com", "grace_hopper") }

// InvalidIdentity is an identity that registration refuses.
func (m *Model) InvalidIdentity() string { return m.byIdentity("not-an-email", "no spaces allowed") }

// CredsBody is the JSON body of a login or a registration of id, with the
// tests' password unless another is given.
func (m *Model) CredsBody(id string, password ...string) string {
	pw := testPassword
	if len(password) > 0 {
		pw = password[0]
	}
	return `{"` + m.IdentityJSON() + `":"` + id + `","password":"` + pw + `"}`
}

const (
	testPassword = "correct horse battery staple"
	testSecret   = "test-secret-that-is-at-least-32-bytes-long"
)

// emitTests renders auth_test.go: black-box tests of every endpoint over a
// real HTTP server, on the real chosen store and router.
func emitTests(f *jen.File, m *Model) {
	emitTestHelpers(f, m)
	emitTestTokenChecks(f, m)
	emitTestConfig(f, m)
	render(f, m, feature.tests)
	f.Comment("newTestStore returns a fresh, empty " + m.Storage.Name() + " store that the test cleans up.")
	m.Storage.TestStore(f, m)
	f.Line()
	f.Comment("newTestRouter mounts the auth routes on a " + m.Framework.Name() + " router, with GET /protected")
	f.Comment("behind Require and GET /optional behind Authenticate.")
	emitTestRouter(f, m)
	f.Line()
	emitGuardedRouter(f, m)
	emitGroupedRouter(f, m)
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
		jen.If(jen.Id("r").Op(":=").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/register")), credsJSON(m, jen.Id("identity"), jen.Id("testPassword"))), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, m.RegisteredStatus())).Block(
			tcall("Fatalf", jen.Lit("register: %d %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
		),
		jen.Return(jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, jen.Id("identity"), jen.Id("testPassword"))))),
	)
	f.Line()
	presents := jen.Index().String().Values(jen.Lit(m.Header), jen.Lit(m.Schemes[0]+" ").Op("+").Id("token"))
	if !m.UsesHeader() {
		f.Comment("bearer is the header pair that presents an access token: its cookie.")
		presents = jen.Index().String().Values(jen.Lit("Cookie"), jen.Lit(m.AccessCookie()+"=").Op("+").Id("token"))
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

func post(path string, body jen.Code, header ...jen.Code) *jen.Statement {
	args := []jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit(path), body}
	return jen.Id("postJSON").Call(append(args, header...)...)
}

func get(path string, header ...jen.Code) *jen.Statement {
	args := []jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit("GET"), jen.Lit(path), jen.Lit(""), jen.Lit("")}
	return jen.Id("call").Call(append(args, header...)...)
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

// presentationCases are TestProtectedRouteRejects' malformed presentations
// of a token: in the header, or for a cookie-only service in its cookie.
func presentationCases(m *Model, auth func(jen.Code) jen.Code) []jen.Code {
	if !m.UsesHeader() {
		name := m.AccessCookie()
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
