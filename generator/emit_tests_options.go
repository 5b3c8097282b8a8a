package generator

import "github.com/dave/jennifer/jen"

// Generated tests of the token options: transport, the OAuth2 token
// request, roles and excluded paths.

// AccessCookie and RefreshCookie are the cookie names of httpauth.Cookies.
func (m *Model) AccessCookie() string {
	if m.CookieSecure {
		return "__Host-access_token"
	}
	return "access_token"
}

func (m *Model) RefreshCookie() string {
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
				"Access", jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(m.AccessCookie())).Dot("Value"),
				"Refresh", jen.Id("cookieOf").Call(jen.Id("r"), jen.Lit(m.RefreshCookie())).Dot("Value"),
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

// AdminIdentity is an identity that the tests' claimsFor makes an admin.
func (m *Model) AdminIdentity() string {
	if m.UsesEmail() {
		return "admin@example.com"
	}
	return "admin_user"
}
