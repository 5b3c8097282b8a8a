package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Generated tests of the token options: transport, the OAuth2 token
// request, roles and excluded paths.

// accessCookie and refreshCookie are the cookie names of httpauth.Cookies.
func accessCookie(m *Model) string {
	if m.CookieSecure {
		return "__Host-access_token"
	}
	return "access_token"
}

func refreshCookie(m *Model) string {
	if m.CookieSecure {
		return "__Host-refresh_token"
	}
	return "refresh_token"
}

// wantTokensBody reads the token pair of a 200 login or refresh: from the
// body, or for a cookie-only service from the cookies.
func wantTokensBody(m *Model) []jen.Code {
	if m.CookieOnly() {
		return []jen.Code{
			jen.Id("tk").Op(":=").Id("tokens").Values(fields(
				"Access", jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(accessCookie(m))).Dot("Value"),
				"Refresh", jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(refreshCookie(m))).Dot("Value"),
			)),
			jen.If(jen.Id("tk").Dot("Access").Op("==").Lit("").Op("||").Id("tk").Dot("Refresh").Op("==").Lit("").Op("||").Qual("strings", "Contains").Call(jen.String().Call(jen.Id("r").Dot("body")), jen.Id("tk").Dot("Access"))).Block(
				tcall("Fatalf", jen.Lit("want the tokens in cookies and not in the body: %v %s"), jen.Id("r").Dot("header"), jen.Id("r").Dot("body")),
			),
			jen.Return(jen.Id("tk")),
		}
	}
	return []jen.Code{
		jen.Var().Id("tk").Id("tokens"),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("r").Dot("body"), jen.Op("&").Id("tk")), jen.Err().Op("!=").Nil().Op("||").Id("tk").Dot("Access").Op("==").Lit("").Op("||").Id("tk").Dot("Refresh").Op("==").Lit("")).Block(
			tcall("Fatalf", jen.Lit("not a token response: %s (%v)"), jen.Id("r").Dot("body"), jen.Err()),
		),
		jen.Return(jen.Id("tk")),
	}
}

// emitCookieHelpers renders cookieOf for cookie services.
func emitCookieHelpers(f *jen.File, m *Model) {
	if !m.UsesCookies() && !m.Throttled() {
		return
	}
	f.Comment("cookieOf returns the cookie name that r sets, or an empty one.")
	f.Func().Id("cookieOf").Params(jen.Id("r").Id("result"), jen.Id("name").String()).Op("*").Qual(pkgHTTP, "Cookie").Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("line")).Op(":=").Range().Id("r").Dot("header").Dot("Values").Call(jen.Lit("Set-Cookie"))).Block(
			jen.If(jen.List(jen.Id("c"), jen.Err()).Op(":=").Qual(pkgHTTP, "ParseSetCookie").Call(jen.Id("line")), jen.Err().Op("==").Nil().Op("&&").Id("c").Dot("Name").Op("==").Id("name")).Block(
				jen.Return(jen.Id("c")),
			),
		),
		jen.Return(jen.Op("&").Qual(pkgHTTP, "Cookie").Values()),
	)
	f.Line()
}

// adminIdentity is an identity that the tests' claimsFor makes an admin.
func (m *Model) adminIdentity() string {
	if m.UsesEmail() {
		return "admin@example.com"
	}
	return "admin_user"
}

func emitTestRequireRole(f *jen.File, m *Model) {
	testFunc(f, "TestRequireRole", "TestRequireRole: the claims of claimsFor reach the token, RequireRole lets\n// the role through and answers 403 to everyone else, and refresh keeps them.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("svc").Dot("claimsFor").Op("=").Func().Params(jen.Id("_").Qual(pkgContext, "Context"), jen.Id("u").Id("User")).Params(jen.Id("TokenClaims"), jen.Error()).Block(
			jen.If(jen.Id("u").Dot(m.IdentityField()).Op("==").Lit(m.adminIdentity())).Block(
				jen.Return(jen.Id("TokenClaims").Values(jen.Id("Roles").Op(":").Index().String().Values(jen.Lit("admin"))), jen.Nil()),
			),
			jen.Return(jen.Id("TokenClaims").Values(), jen.Nil()),
		),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		jen.Defer().Id("srv").Dot("Close").Call(),
		jen.Id("user").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("admin").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.adminIdentity())),
		wantProblem(get(testAdminPath, jen.Id("bearer").Call(jen.Id("user").Dot("Access")).Op("...")), "StatusForbidden", "forbidden"),
		wantProblem(get(testAdminPath), "StatusUnauthorized", "missing_token"),
		wantStatus("admin", get(testAdminPath, jen.Id("bearer").Call(jen.Id("admin").Dot("Access")).Op("...")), "StatusOK"),
		jen.Id("next").Op(":=").Id("wantTokens").Call(jen.Id("t"), post(m.Route("/refresh"), jen.Id("refreshBody").Call(jen.Id("admin").Dot("Refresh")))),
		wantStatus("admin after a refresh", get(testAdminPath, jen.Id("bearer").Call(jen.Id("next").Dot("Access")).Op("...")), "StatusOK"),
		jen.Comment("TokenClaimsFrom reads them back typed."),
		jen.List(jen.Id("claims"), jen.Err()).Op(":=").Id("svc").Dot("tokens").Dot("Verify").Call(jen.Id("next").Dot("Access")),
		ifErr(tcall("Fatal", jen.Err())),
		jen.Id("ctx").Op(":=").Qual(pkgHTTPAuth, "WithClaims").Call(jen.Qual(pkgContext, "Background").Call(), jen.Id("claims")),
		jen.If(jen.Id("got").Op(":=").Id("TokenClaimsFrom").Call(jen.Id("ctx")), jen.Op("!").Id("got").Dot("hasRole").Call(jen.Lit("admin"))).Block(
			tcall("Errorf", jen.Lit("TokenClaimsFrom = %+v, want the admin role"), jen.Id("got")),
		),
		jen.If(jen.Id("got").Op(":=").Id("TokenClaimsFrom").Call(jen.Qual(pkgContext, "Background").Call()), jen.Len(jen.Id("got").Dot("Roles")).Op("!=").Lit(0)).Block(
			tcall("Errorf", jen.Lit("anonymous TokenClaimsFrom = %+v"), jen.Id("got")),
		),
	)
}

func emitTestExcludedPaths(f *jen.File, m *Model) {
	doc := "TestExcludedPaths mounts Require on the whole router, behind the router's own\n// path handling: " + testOpenPath + ", which exclude_paths lists, and the open auth routes\n// stay reachable without a token, and no other spelling of a guarded path\n// (\"..\", \"//\", \"%2e%2e\", an encoded slash, a trailing slash) gets past it."
	open := []jen.Code{
		jen.If(jen.Id("r").Op(":=").Add(get(testOpenPath)), jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").String().Call(jen.Id("r").Dot("body")).Op("!=").Lit("anonymous")).Block(
			tcall("Errorf", jen.Lit(testOpenPath+" without a token: %d %s, want it excluded"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
		),
	}
	if !m.isExcluded(testOpenPath) {
		doc = strings.Replace(doc, ", which exclude_paths lists, and the open auth routes\n// stay", " stays guarded (exclude_paths does not list it), the open\n// auth routes stay", 1)
		open = []jen.Code{wantProblem(get(testOpenPath), "StatusUnauthorized", "missing_token")}
	}
	var tricks []jen.Code
	for _, p := range []string{
		"/open/../admin/users", "/open//../admin/users", "/open/./../admin/users", "/open/ping/../../admin/users",
		"/open/%2e%2e/admin/users", "/open/%2E%2E/admin/users", "/open%2F..%2Fadmin/users", "/open/..%2Fadmin/users",
		"//admin/users", "/admin//users", "/admin/users/", "/admin/./users",
		m.Route("/login") + "/../../admin/users", m.Route("/register") + "/..%2F..%2Fadmin/users",
	} {
		tricks = append(tricks, jen.Lit(p))
	}
	body := []jen.Code{
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newGuardedRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
	}
	body = append(body, open...)
	body = append(body,
		wantProblem(get(testGuardedPath), "StatusUnauthorized", "missing_token"),
		jen.Comment("The open auth routes answer for themselves: a wrong password, not a missing token."),
		wantProblem(post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Lit("not the password"))), "StatusUnauthorized", "invalid_credentials"),
		jen.For(jen.List(jen.Id("_"), jen.Id("path")).Op(":=").Range().Index().String().Values(tricks...)).Block(
			jen.If(jen.Id("r").Op(":=").Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("GET"), jen.Id("path"), jen.Lit(""), jen.Lit("")), jen.Id("r").Dot("status").Op("==").Qual(pkgHTTP, "StatusOK")).Block(
				tcall("Errorf", jen.Lit("GET %s without a token: 200 %s: the exclusion was walked around"), jen.Id("path"), jen.Id("r").Dot("body")),
			),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("path")).Op(":=").Range().Index().String().Values(jen.Lit(m.Route("/login")), jen.Lit(m.Route("/register")))).Block(
			jen.If(jen.Op("!").Id("svc").Dot("excluded").Call(jen.Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Id("path"), jen.Nil()))).Block(
				tcall("Errorf", jen.Lit("%s is not excluded: a global Require would lock everyone out"), jen.Id("path")),
			),
		),
		jen.If(jen.Id("svc").Dot("excluded").Call(jen.Qual("net/http/httptest", "NewRequest").Call(jen.Lit("GET"), jen.Lit(m.Route("/me")), jen.Nil()))).Block(
			tcall("Errorf", jen.Lit("%s is excluded"), jen.Lit(m.Route("/me"))),
		),
	)
	testFunc(f, "TestExcludedPaths", doc, body...)
}

func emitTestMountUnderGroup(f *jen.File, m *Model) {
	if !emitGroupedRouter(f, m) {
		return
	}
	const base = "/api"
	route := func(p string) string { return base + m.Route(p) }
	doc := "TestMountUnderGroup mounts the auth routes in a group at " + base + " whose middleware is\n// Require, as a service with an API group does: the open routes stay open\n// there, the group's own routes need a token"
	body := []jen.Code{
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newGroupedRouter").Call(jen.Id("newTestService").Call(jen.Id("t")))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		wantStatus("register", post(route("/register"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))), m.RegisteredStatus()),
		jen.Id("login").Op(":=").Add(post(route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword")))),
		jen.Id("tk").Op(":=").Id("wantTokens").Call(jen.Id("t"), jen.Id("login")),
		wantProblem(get(base+"/users"), "StatusUnauthorized", "missing_token"),
		wantStatus("users with a token", get(base+"/users", jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("...")), "StatusOK"),
		wantStatus("me", get(route("/me"), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("...")), "StatusOK"),
		jen.Id("tk").Op("=").Id("wantTokens").Call(jen.Id("t"), post(route("/refresh"), refreshWith(jen.Id("tk").Dot("Refresh")))),
	}
	for _, e := range m.WellKnown() {
		doc += ", the JWK Set answers at " + base + e.Path
		body = append(body, wantStatus("JWK Set", get(base+e.Path), "StatusOK"))
	}
	if m.UsesCookies() {
		doc += ",\n// and the refresh cookie (host-only, at /) refreshes at " + route("/refresh")
		body = append(body,
			jen.If(jen.Id("c").Op(":=").Id("cookieOf").Call(jen.Id("login"), jen.Lit(refreshCookie(m))), jen.Id("c").Dot("Path").Op("!=").Lit("/")).Block(
				tcall("Errorf", jen.Lit("refresh cookie path %q, want /"), jen.Id("c").Dot("Path")),
			),
			jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(route("/refresh")), jen.Lit(""), jen.Lit(""), jen.Lit("Cookie"), jen.Lit(refreshCookie(m)+"=").Op("+").Id("tk").Dot("Refresh"))),
		)
	}
	testFunc(f, "TestMountUnderGroup", doc+".", body...)
}

func emitTestOAuth2(f *jen.File, m *Model) {
	form := func(values jen.Code) *jen.Statement {
		return jen.Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/login")), jen.Lit("application/x-www-form-urlencoded"), values)
	}
	oauthError := func(step string, r jen.Code, status int, errCode string) jen.Code {
		return jen.If(jen.Id("r").Op(":=").Add(r), jen.Id("r").Dot("status").Op("!=").Lit(status).Op("||").Id("r").Dot("fields").Call(jen.Id("t")).Index(jen.Lit("error")).Op("!=").Lit(errCode)).Block(
			tcall("Errorf", jen.Lit(step+": %d %s, want %d with error %s"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body"), jen.Lit(status), jen.Lit(errCode)),
		)
	}
	q := func(s string) jen.Code { return jen.Qual("net/url", "QueryEscape").Call(jen.Lit(s)) }
	bodyTokens := func(r jen.Code) jen.Code {
		return jen.Var().Id("tk").Id("tokens").Line().If(
			jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Add(r).Dot("body"), jen.Op("&").Id("tk")),
			jen.Err().Op("!=").Nil().Op("||").Id("tk").Dot("Access").Op("==").Lit("").Op("||").Id("tk").Dot("Refresh").Op("==").Lit(""),
		).Block(tcall("Fatalf", jen.Lit("token request: %d %s"), jen.Add(r).Dot("status"), jen.Add(r).Dot("body")))
	}
	testFunc(f, "TestOAuth2TokenRequest", "TestOAuth2TokenRequest posts RFC 6749 token requests to the login route:\n// the password grant, the refresh_token grant, and section 5.2 errors.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("r").Op(":=").Add(form(jen.Lit("grant_type=password&username=").Op("+").Add(q(m.SampleIdentity())).Op("+").Lit("&password=").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("testPassword")))),
		bodyTokens(jen.Id("r")),
		jen.If(jen.Id("r").Dot("header").Dot("Get").Call(jen.Lit("Cache-Control")).Op("!=").Lit("no-store").Op("||").Id("r").Dot("fields").Call(jen.Id("t")).Index(jen.Lit("token_type")).Op("!=").Lit("Bearer")).Block(
			tcall("Errorf", jen.Lit("password grant: %v %s"), jen.Id("r").Dot("header"), jen.Id("r").Dot("body")),
		),
		wantStatus("the access token works", get(m.Route("/me"), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("...")), "StatusOK"),
		jen.Id("next").Op(":=").Add(form(jen.Lit("grant_type=refresh_token&refresh_token=").Op("+").Id("tk").Dot("Refresh"))),
		wantStatus("refresh_token grant", jen.Id("next"), "StatusOK"),
		oauthError("the spent refresh token", form(jen.Lit("grant_type=refresh_token&refresh_token=").Op("+").Id("tk").Dot("Refresh")), 400, "invalid_grant"),
		oauthError("wrong password", form(jen.Lit("grant_type=password&username=").Op("+").Add(q(m.SampleIdentity())).Op("+").Lit("&password=wrong-password")), 400, "invalid_grant"),
		oauthError("no grant_type", form(jen.Lit("username=x&password=y")), 400, "invalid_request"),
		oauthError("unknown grant_type", form(jen.Lit("grant_type=client_credentials")), 400, "unsupported_grant_type"),
		oauthError("a parameter twice", form(jen.Lit("grant_type=password&grant_type=password")), 400, "invalid_request"),
	)
}

func emitTestCookies(f *jen.File, m *Model) {
	if !m.UsesCookies() {
		return
	}
	login := func(header ...jen.Code) *jen.Statement {
		return post(m.Route("/login"), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword")), header...)
	}
	crossSite := []jen.Code{jen.Lit("Sec-Fetch-Site"), jen.Lit("cross-site"), jen.Lit("Origin"), jen.Lit("https://evil.example")}
	withCookie := func(extra ...jen.Code) []jen.Code {
		return append([]jen.Code{jen.Lit("Cookie"), jen.Lit(accessCookie(m) + "=").Op("+").Id("access")}, extra...)
	}
	refreshCall := func(path string, cookie jen.Code, extra ...jen.Code) *jen.Statement {
		args := []jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route(path)), jen.Lit(""), jen.Lit(""), jen.Lit("Cookie"), cookie}
		return jen.Id("call").Call(append(args, extra...)...)
	}
	refreshOf := func(v jen.Code) *jen.Statement { return jen.Lit(refreshCookie(m) + "=").Op("+").Add(v) }
	sameOrigin := []jen.Code{jen.Lit("Sec-Fetch-Site"), jen.Lit("same-origin")}
	testFunc(f, "TestCookieTransport", "TestCookieTransport: login sets hardened cookies, a cookie authenticates,\n// cross-site requests that it would authenticate get 403, refresh reads its\n// cookie but refuses two of them (one may be planted), logout works from the\n// refresh cookie alone (an expired access cookie) and deletes both.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("r").Op(":=").Add(login()),
		jen.List(jen.Id("ac"), jen.Id("rc")).Op(":=").List(jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(accessCookie(m))), jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(refreshCookie(m)))),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Index().Op("*").Qual(pkgHTTP, "Cookie").Values(jen.Id("ac"), jen.Id("rc"))).Block(
			jen.If(jen.Op("!").Id("c").Dot("HttpOnly").Op("||").Id("c").Dot("Secure").Op("!=").Lit(m.CookieSecure).Op("||").Id("c").Dot("SameSite").Op("!=").Qual(pkgHTTP, sameSiteMode(m))).Block(
				tcall("Errorf", jen.Lit("cookie %+v: want HttpOnly, Secure "+fmt.Sprint(m.CookieSecure)+", SameSite "+string(m.CookieSameSite)), jen.Id("c")),
			),
		),
		jen.If(jen.Id("ac").Dot("Path").Op("!=").Lit("/").Op("||").Id("rc").Dot("Path").Op("!=").Lit("/").Op("||").Id("ac").Dot("Domain").Op("!=").Lit("").Op("||").Id("rc").Dot("Domain").Op("!=").Lit("")).Block(
			tcall("Errorf", jen.Lit("cookies %+v and %+v: want both host-only at /, as __Host- requires"), jen.Id("ac"), jen.Id("rc")),
		),
		jen.Id("access").Op(":=").Id("ac").Dot("Value"),
		wantStatus("me with the cookie", get(m.Route("/me"), withCookie()...), "StatusOK"),
		wantStatus("a cross-site GET is safe", get(m.Route("/me"), withCookie(crossSite...)...), "StatusOK"),
		wantProblem(jen.Id("call").Call(append([]jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout-all")), jen.Lit(""), jen.Lit("")}, withCookie(crossSite...)...)...), "StatusForbidden", "cross_origin"),
		wantProblem(login(crossSite...), "StatusForbidden", "cross_origin"),
		jen.Id("sameSite").Op(":=").Index().String().Values(jen.Lit("Sec-Fetch-Site"), jen.Lit("same-origin")),
		jen.Id("next").Op(":=").Id("call").Call(jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/refresh")), jen.Lit(""), jen.Lit(""), jen.Lit("Cookie"), jen.Lit(refreshCookie(m)+"=").Op("+").Id("rc").Dot("Value"), jen.Lit("Sec-Fetch-Site"), jen.Lit("same-origin")),
		wantStatus("refresh with the cookie", jen.Id("next"), "StatusOK"),
		jen.Id("own").Op(":=").Id("cookieOf").Call(login(), jen.Lit(refreshCookie(m))).Dot("Value"),
		wantProblem(refreshCall("/refresh", refreshOf(jen.Id("own")).Op("+").Lit("; ").Op("+").Add(refreshOf(jen.Lit("planted"))), sameOrigin...), "StatusUnauthorized", "invalid_token"),
		wantProblem(refreshCall("/logout", refreshOf(jen.Id("own")), crossSite...), "StatusForbidden", "cross_origin"),
		jen.If(jen.Id("gone").Op(":=").Add(refreshCall("/logout", refreshOf(jen.Id("own")), sameOrigin...)), jen.Id("gone").Dot("status").Op("!=").Qual(pkgHTTP, "StatusNoContent").Op("||").Id("cookieOf").Call(jen.Id("gone"), jen.Lit(refreshCookie(m))).Dot("MaxAge").Op(">=").Lit(0)).Block(
			tcall("Errorf", jen.Lit("logout with the refresh cookie alone: %d %v, want 204 deleting it"), jen.Id("gone").Dot("status"), jen.Id("gone").Dot("header")),
		),
		wantProblem(refreshCall("/refresh", refreshOf(jen.Id("own")), sameOrigin...), "StatusUnauthorized", "invalid_token"),
		jen.Id("out").Op(":=").Id("call").Call(append([]jen.Code{jen.Id("t"), jen.Id("srv"), jen.Lit("POST"), jen.Lit(m.Route("/logout")), jen.Lit(""), jen.Lit("")}, withCookie(jen.Id("sameSite").Index(jen.Lit(0)), jen.Id("sameSite").Index(jen.Lit(1)))...)...),
		jen.If(jen.Id("out").Dot("status").Op("!=").Qual(pkgHTTP, "StatusNoContent").Op("||").Id("cookieOf").Call(jen.Id("out"), jen.Lit(accessCookie(m))).Dot("MaxAge").Op(">=").Lit(0).Op("||").Id("cookieOf").Call(jen.Id("out"), jen.Lit(refreshCookie(m))).Dot("MaxAge").Op(">=").Lit(0)).Block(
			tcall("Errorf", jen.Lit("logout: %d %v, want 204 deleting both cookies"), jen.Id("out").Dot("status"), jen.Id("out").Dot("header")),
		),
	)
}
