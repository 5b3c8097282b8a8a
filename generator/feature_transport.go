package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// Where tokens travel: the header, HttpOnly cookies, or both. Everything
// that differs by transport is here; a header-only service gets none of the
// cookie code.

// crossOriginGuard is the first statement of the public POST handlers of a
// cookie service: a request that a browser sent from another site gets 403,
// since the cookies would let it act as the user (or log the user in as
// someone else).
func crossOriginGuard(m *Model) []jen.Code {
	if !m.UsesCookies() {
		return nil
	}
	return []jen.Code{jen.If(jen.Op("!").Id("s").Dot("sameOrigin").Call(jen.Id("w"), jen.Id("r"))).Block(jen.Return())}
}

// refreshFromCookie takes the refresh token from its cookie when the body
// has none. A cookie sent twice is refused rather than either one taken:
// the second may have been planted.
func refreshFromCookie(m *Model) []jen.Code {
	if !m.UsesCookies() {
		return nil
	}
	return []jen.Code{
		jen.If(jen.Id("in").Dot("RefreshToken").Op("==").Lit("")).Block(
			jen.Var().Err().Error(),
			jen.List(jen.Id("in").Dot("RefreshToken"), jen.Err()).Op("=").Id("s").Dot("cookies").Dot("Refresh").Call(jen.Id("r")),
			jen.If(jen.Err().Op("!=").Nil().Op("&&").Op("!").Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgHTTPAuth, "ErrNoToken"))).Block(
				writeProblemReturn(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the refresh token cookie is malformed or was sent more than once"), jen.True()))...,
			),
		),
	}
}

// clearCookies deletes the token cookies when a session ends.
func clearCookies(m *Model) jen.Code {
	if !m.UsesCookies() {
		return jen.Null()
	}
	return jen.Id("s").Dot("cookies").Dot("Clear").Call(jen.Id("w"))
}

// transportFeature is where tokens travel.
type transportFeature struct{ noFeature }

func (transportFeature) name() string { return "transport" }

// serviceFields are the Service fields that read tokens: the header's
// extractor, the cookies and their cross-origin check.
func (transportFeature) serviceFields(m *Model) []jen.Code {
	var out []jen.Code
	if m.UsesHeader() {
		out = append(out, jen.Id("credentials").Qual(pkgHTTPAuth, "Extractor"))
	}
	if m.UsesCookies() {
		out = append(out,
			jen.Id("cookies").Qual(pkgHTTPAuth, "Cookies"),
			jen.Id("crossOrigin").Op("*").Qual(pkgHTTP, "CrossOriginProtection"),
		)
	}
	return out
}

// configFields are the Config fields of cookie services.
func (transportFeature) configFields(m *Model) []jen.Code {
	return when(m.UsesCookies(),
		jen.Comment("TrustedOrigins may send cookie-authenticated requests from another origin"),
		jen.Comment("(AUTH_TRUSTED_ORIGINS, comma-separated, e.g. https://app.example.com)."),
		jen.Id("TrustedOrigins").Index().String(),
	)
}

// fromEnv reads TrustedOrigins.
func (transportFeature) fromEnv(m *Model) []jen.Code {
	if !m.UsesCookies() {
		return nil
	}
	return []jen.Code{
		jen.For(jen.List(jen.Id("_"), jen.Id("origin")).Op(":=").Range().Qual("strings", "Split").Call(jen.Qual("os", "Getenv").Call(jen.Lit("AUTH_TRUSTED_ORIGINS")), jen.Lit(","))).Block(
			jen.If(jen.Id("origin").Op("=").Qual("strings", "TrimSpace").Call(jen.Id("origin")), jen.Id("origin").Op("!=").Lit("")).Block(
				jen.Id("cfg").Dot("TrustedOrigins").Op("=").Append(jen.Id("cfg").Dot("TrustedOrigins"), jen.Id("origin")),
			),
		),
	}
}

// newStatements build the cross-origin check of cookie services.
func (transportFeature) newStatements(m *Model) []jen.Code {
	if !m.UsesCookies() {
		return nil
	}
	return []jen.Code{
		jen.Id("crossOrigin").Op(":=").Qual(pkgHTTP, "NewCrossOriginProtection").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("origin")).Op(":=").Range().Id("cfg").Dot("TrustedOrigins")).Block(
			jen.If(jen.Err().Op(":=").Id("crossOrigin").Dot("AddTrustedOrigin").Call(jen.Id("origin")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("AUTH_TRUSTED_ORIGINS: %w"), jen.Err())),
			),
		),
	}
}

// serviceValues are the values of the fields.
func (transportFeature) serviceValues(m *Model) []any {
	var out []any
	if m.UsesHeader() {
		out = append(out, "credentials", jen.Qual(pkgHTTPAuth, "Extractor").Values(fields("Header", jen.Lit(m.Header), "Schemes", stringsLit(m.Schemes))))
	}
	if m.UsesCookies() {
		sameSite := m.SameSiteMode()
		out = append(out,
			"cookies", jen.Qual(pkgHTTPAuth, "Cookies").Values(fields(
				"Secure", jen.Lit(m.CookieSecure),
				"SameSite", jen.Qual(pkgHTTP, sameSite),
			)),
			"crossOrigin", jen.Id("crossOrigin"),
		)
	}
	return out
}

// emitWriteTokens renders writeTokens: the token response, and the cookies.
func emitWriteTokens(f *jen.File, m *Model) {
	f.Comment("signAccess signs an access token for u in the session whose refresh record")
	f.Comment("is rec, with the claims that claimsFor (claims.go) gives u and the")
	f.Comment("session's proof of identity (auth_time and amr).")
	f.Func().Add(recv()).Id("signAccess").Params(ctxParam(), jen.Id("u").Id("User"), jen.Id("rec").Qual(pkgRefresh, "Record")).Params(jen.String(), jen.Error()).Block(
		jen.List(jen.Id("custom"), jen.Err()).Op(":=").Id("s").Dot("claimsFor").Call(jen.Id("ctx"), jen.Id("u")),
		ifErrReturn(jen.Lit(""), jen.Err()),
		jen.Id("auth").Op(":=").Qual(pkgToken, "Auth").Values(jen.Dict{jen.Id("Time"): jen.Id("rec").Dot("AuthTime"), jen.Id("Methods"): jen.Id("rec").Dot("AMR")}),
		jen.List(jen.Id("access"), jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("tokens").Dot("IssueAuthenticated").Call(jen.Id("u").Dot("ID"), jen.Id("rec").Dot("FamilyID"), jen.Id("auth"), jen.Id("custom")),
		jen.Return(jen.Id("access"), jen.Err()),
	)
	f.Line()
	f.Comment("writeTokens answers the access token of a session with rt, the refresh token")
	f.Comment("whose record is rec. Token responses are never cached.")
	switch m.Transport {
	case TransportCookie:
		f.Comment("Browsers get the tokens in HttpOnly cookies and not in the body, where")
		f.Comment("scripts could read them; OAuth2 token requests get them in the body.")
	case TransportBoth:
		f.Comment("Browsers also get them in HttpOnly cookies; OAuth2 token requests in the")
		f.Comment("body only.")
	}
	body := []jen.Code{
		jen.Id("resp").Op(":=").Id("tokenResponse").Values(fields(
			"AccessToken", jen.Id("access"),
			"TokenType", jen.Lit("Bearer"),
			"ExpiresIn", jen.Int().Call(jen.Id("s").Dot("tokens").Dot("TTL").Call().Dot("Seconds").Call()),
			"RefreshToken", jen.Id("rt"),
			"RefreshExpiresIn", jen.Int().Call(jen.Id("rec").Dot("ExpiresAt").Dot("Sub").Call(jen.Id("rec").Dot("IssuedAt")).Dot("Seconds").Call()),
		)),
	}
	if m.UsesCookies() {
		set := []jen.Code{
			jen.Id("s").Dot("cookies").Dot("Set").Call(jen.Id("w"), jen.Id("access"), jen.Id("s").Dot("tokens").Dot("TTL").Call(), jen.Id("rt"), jen.Id("rec").Dot("ExpiresAt").Dot("Sub").Call(jen.Id("rec").Dot("IssuedAt"))),
		}
		if m.CookieOnly() {
			set = append(set, jen.List(jen.Id("resp").Dot("AccessToken"), jen.Id("resp").Dot("RefreshToken")).Op("=").List(jen.Lit(""), jen.Lit("")))
		}
		body = append(body, jen.If(jen.Op("!").Qual(pkgHTTPAuth, "IsForm").Call(jen.Id("r"))).Block(set...))
	}
	body = append(body, jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("resp")))
	f.Func().Add(recv()).Id("writeTokens").Params(
		jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"),
		jen.List(jen.Id("access"), jen.Id("rt")).String(), jen.Id("rec").Qual(pkgRefresh, "Record"),
	).Block(body...)
	f.Line()
	f.Comment("reject answers p: in RFC 6749's terms (section 5.2) when r is an OAuth2")
	f.Comment("token request form, as problem+json otherwise.")
	f.Func().Add(recv()).Id("reject").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("p").Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.If(jen.Qual(pkgHTTPAuth, "IsForm").Call(jen.Id("r"))).Block(jen.Id("p").Op("=").Id("p").Dot("OAuth2").Call()),
		writeProblem(jen.Id("p")),
	)
	f.Line()
	if m.UsesCookies() {
		f.Comment("sameOrigin answers 403 to an unsafe request that a browser sent from another")
		f.Comment("origin (http.CrossOriginProtection reads Sec-Fetch-Site and Origin), unless")
		f.Comment("the origin is trusted. Requests from non-browser clients carry neither")
		f.Comment("header and pass.")
		f.Func().Add(recv()).Id("sameOrigin").Add(httpParams()).Bool().Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("crossOrigin").Dot("Check").Call(jen.Id("r")), jen.Err().Op("!=").Nil()).Block(
				writeProblem(jen.Qual(pkgHTTPAuth, "CrossOrigin").Call()),
				jen.Return(jen.False()),
			),
			jen.Return(jen.True()),
		)
		f.Line()
	}
}

// emitAccessToken renders accessToken for services that take the token from
// the header or the cookie: where authenticate finds it, and whether a cookie
// carried it.
func emitAccessToken(f *jen.File, m *Model) {
	if !m.UsesBoth() {
		return
	}
	f.Comment("accessToken finds the access token of r in the " + m.Header + " header or, without")
	f.Comment("one, in its cookie. fromCookie says which: a cookie comes with every request")
	f.Comment("the browser sends, so only then does the origin of the request matter.")
	f.Func().Add(recv()).Id("accessToken").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.Id("raw").String(), jen.Id("fromCookie").Bool(), jen.Id("p").Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Id("s").Dot("credentials").Dot("Extract").Call(jen.Id("r")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgHTTPAuth, "ErrNoToken"))).Block(
			jen.List(jen.Id("raw"), jen.Err()).Op("=").Id("s").Dot("cookies").Dot("Access").Call(jen.Id("r")),
			jen.Id("fromCookie").Op("=").True(),
		),
		jen.Switch().Block(
			jen.Case(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgHTTPAuth, "ErrNoToken"))).Block(jen.Return(jen.Lit(""), jen.False(), jen.Nil())),
			jen.Case(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.False(), badCredentials(m))),
		),
		jen.Return(jen.Id("raw"), jen.Id("fromCookie"), jen.Nil()),
	)
	f.Line()
}

// badCredentials is the 401 for a token that cannot even be read.
func badCredentials(m *Model) *jen.Statement {
	detail := fmt.Sprintf("send the access token as %s: %s <token>", m.Header, m.Schemes[0])
	switch m.Transport {
	case TransportCookie:
		detail = "the access token cookie is malformed"
	case TransportBoth:
		detail += ", or in its cookie"
	}
	return jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit(detail), jen.True())
}

// checkOrigin is "if the request comes from another origin, return 403".
func checkOrigin() *jen.Statement {
	return jen.If(jen.Err().Op(":=").Id("s").Dot("crossOrigin").Dot("Check").Call(jen.Id("r")), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "CrossOrigin").Call()),
	)
}

// extractAccessToken are authenticate's first statements: raw holds the
// token, or the function has returned. A token from a cookie also needs a
// request from this origin.
func extractAccessToken(m *Model) []jen.Code {
	readFrom := func(source *jen.Statement) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("raw"), jen.Err()).Op(":=").Add(source),
			jen.Switch().Block(
				jen.Case(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgHTTPAuth, "ErrNoToken"))).Block(jen.Return(jen.Nil(), jen.Nil())),
				jen.Case(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), badCredentials(m))),
			),
		}
	}
	switch m.Transport {
	case TransportCookie:
		return append(readFrom(jen.Id("s").Dot("cookies").Dot("Access").Call(jen.Id("r"))), checkOrigin())
	case TransportBoth:
		return []jen.Code{
			jen.List(jen.Id("raw"), jen.Id("fromCookie"), jen.Id("p")).Op(":=").Id("s").Dot("accessToken").Call(jen.Id("r")),
			jen.If(jen.Id("p").Op("!=").Nil().Op("||").Id("raw").Op("==").Lit("")).Block(jen.Return(jen.Nil(), jen.Id("p"))),
			jen.If(jen.Id("fromCookie")).Block(checkOrigin()),
		}
	}
	return readFrom(jen.Id("s").Dot("credentials").Dot("Extract").Call(jen.Id("r")))
}

// SecurityRequirements is the OpenAPI security of the protected routes.
func (m *Model) SecurityRequirements() string {
	switch m.Transport {
	case TransportCookie:
		return "{cookieAuth: []}"
	case TransportBoth:
		return "{bearerAuth: []}, {cookieAuth: []}"
	}
	return "{bearerAuth: []}"
}

// SameSiteMode is the net/http constant of cookie_samesite.
func (m *Model) SameSiteMode() string {
	return map[string]string{"strict": "SameSiteStrictMode", "lax": "SameSiteLaxMode", "none": "SameSiteNoneMode"}[string(m.CookieSameSite)]
}

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
