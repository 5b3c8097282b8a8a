package generator

import "github.com/dave/jennifer/jen"

// Step-up (recent_auth): every access token states when its user last
// proved who they are (auth_time) and how (amr), from the session's refresh
// records, which carry them across rotations. Sensitive actions — a
// password change, ending the other sessions, and routes the owner guards
// with RequireRecentAuth — need a proof within recent_auth; an older session
// re-authenticates (POST {prefix}/reauthenticate) for a fresh access token.

// recentPath is where a new service's main and the generated tests mount a
// handler behind RequireRecentAuth(5 * time.Minute).
const recentPath = "/hello/recent"

func recentMaxAge() jen.Code { return jen.Lit(5).Op("*").Qual(pkgTime, "Minute") }

// RecentPath is recentPath, for the templates.
func (*Model) RecentPath() string { return recentPath }

// RecentAuthSeconds is recent_auth in whole seconds: the max_age of the
// sensitive endpoints' challenge.
func (m *Model) RecentAuthSeconds() int64 { return int64(m.RecentAuth) / 1e9 }

// recentAuthFeature is recent_auth and the re-authentication endpoint.
type recentAuthFeature struct{ noFeature }

func (recentAuthFeature) name() string { return "recentauth" }

func (recentAuthFeature) configFields(m *Model) []jen.Code {
	return when(m.GuardsRecentAuth(),
		jen.Comment("RecentAuth is how recently the user must have proved who they are for a"),
		jen.Comment("sensitive action (recent_auth); zero means the option's value."),
		jen.Id("RecentAuth").Qual(pkgTime, "Duration"),
	)
}

func (recentAuthFeature) newStatements(m *Model) []jen.Code {
	return when(m.GuardsRecentAuth(),
		jen.If(jen.Id("cfg").Dot("RecentAuth").Op("<=").Lit(0)).Block(
			jen.Id("cfg").Dot("RecentAuth").Op("=").Add(durationCode(m.RecentAuth)),
		),
	)
}

func (recentAuthFeature) serviceFields(m *Model) []jen.Code {
	return append(when(m.GuardsRecentAuth(), jen.Id("recentAuth").Qual(pkgTime, "Duration")),
		jen.Id("clock").Func().Params().Qual(pkgTime, "Time").Comment("the time of re-authentication; tests move it"),
	)
}

func (recentAuthFeature) serviceValues(m *Model) []any {
	values := []any{"clock", jen.Qual(pkgTime, "Now")}
	if m.GuardsRecentAuth() {
		values = append(values, "recentAuth", jen.Id("cfg").Dot("RecentAuth"))
	}
	return values
}

// endpoints: under mfa: required, a user without a second factor may
// re-authenticate (to enrol one), so the route checks its token itself.
func (recentAuthFeature) endpoints(m *Model) []Endpoint {
	return []Endpoint{{"POST", "/reauthenticate", "Reauthenticate", !m.RequiresMFA()}}
}

func (recentAuthFeature) storeMethods(*Model) []jen.Code {
	return []jen.Code{
		jen.Comment("Reauthenticate records that the user of the session family proved who"),
		jen.Comment("they are at at, by amr, on its live refresh token, which its successors"),
		jen.Comment("carry on; it reports how many tokens it changed: 0 when the session has"),
		jen.Comment("ended."),
		jen.Id("Reauthenticate").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("family")).String(), jen.Id("at").Qual(pkgTime, "Time"), jen.Id("amr").Index().String()).Params(jen.Int64(), jen.Error()),
	}
}

func (recentAuthFeature) schema(*Model) []schemaObject { return nil }

func (recentAuthFeature) handlers(f *jen.File, m *Model) {
	f.Comment("reauthentication is the body of Reauthenticate.")
	f.Type().Id("reauthentication").Struct(append([]jen.Code{jen.Id("Password").String().Tag(map[string]string{"json": "password"})}, reauthenticationFields(m)...)...)
	f.Line()
	f.Comment("accessResponse is Reauthenticate's answer: an access token alone, for the")
	f.Comment("session the client already has.")
	tag := map[string]string{"json": "access_token"}
	if m.CookieOnly() {
		tag = map[string]string{"json": "access_token,omitempty"} // in its cookie instead
	}
	f.Type().Id("accessResponse").Struct(
		jen.Id("AccessToken").String().Tag(tag),
		jen.Id("TokenType").String().Tag(map[string]string{"json": "token_type"}),
		jen.Id("ExpiresIn").Int().Tag(map[string]string{"json": "expires_in"}),
	)
	f.Line()
	handlerDoc(f, m, "Reauthenticate", "POST "+m.Route("/reauthenticate")+" behind Require",
		"Given the user's password, it records a fresh proof of identity for the",
		"caller's session and answers 200 with an access token that states it",
		"(auth_time now, amr pwd), which sensitive actions accept for recent_auth.",
		"The session's later refreshes keep the new proof. A wrong password is 401",
		"invalid_credentials, counted like a login's.")
	body := append(enrollingClaims(m), decodeInto("reauthentication", "DecodeJSON")...)
	body = append(body,
		hashingContext(),
		jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("provePassword").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("claims").Dot("Subject"), jen.Id("in").Dot("Password"), jen.Id("EventReauthenticationFailed"),
			jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidCredentials"), jen.Lit("the password is wrong"), jen.False())),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Id("amr").Op(":=").Index().String().Values(jen.Lit("pwd")),
	)
	body = append(body, reauthenticateSecondFactor(m)...)
	body = append(body,
		jen.Id("rec").Op(":=").Qual(pkgRefresh, "Record").Values(jen.Dict{
			jen.Id("FamilyID"): jen.Id("claims").Dot("SessionID"),
			jen.Id("AuthTime"): jen.Id("s").Dot("clock").Call().Dot("UTC").Call(),
			jen.Id("AMR"):      jen.Id("amr"),
		}),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("Reauthenticate").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("rec").Dot("FamilyID"), jen.Id("rec").Dot("AuthTime"), jen.Id("rec").Dot("AMR")),
		ifErr(unavailableReturn("record re-authentication")...),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(writeProblemReturn(jen.Id("errSessionEnded").Call())...),
		jen.List(jen.Id("access"), jen.Err()).Op(":=").Id("s").Dot("signAccess").Call(jen.Id("ctx"), jen.Id("u"), jen.Id("rec")),
		ifErr(unavailableReturn("issue access token")...),
		emit("EventReauthenticated", jen.Id("u").Dot("ID"), jen.Id("rec").Dot("FamilyID")),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("s").Dot("freshAccess").Call(jen.Id("w"), jen.Id("r"), jen.Id("access"))),
	)
	f.Func().Add(recv()).Id("Reauthenticate").Add(httpParams()).Block(body...)
	f.Line()
	emitFreshAccess(f, m)
	f.Comment("recentlyAuthenticated answers 401 reauthentication_required (RFC 9470)")
	f.Comment("unless the user of claims proved who they are within maxAge.")
	f.Func().Add(recv()).Id("recentlyAuthenticated").Params(jen.Id("claims").Op("*").Qual(pkgToken, "Claims"), jen.Id("maxAge").Qual(pkgTime, "Duration")).Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.If(jen.Id("claims").Dot("AuthenticatedWithin").Call(jen.Id("maxAge"), jen.Id("s").Dot("clock").Call())).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Qual(pkgHTTPAuth, "ReauthenticationRequired").Call(jen.Id("maxAge"))),
	)
	f.Line()
	f.Comment("requireRecentAuth is require, then 401 unless the user proved who they")
	f.Comment("are within maxAge.")
	f.Func().Add(recv()).Id("requireRecentAuth").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("maxAge").Qual(pkgTime, "Duration")).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("==").Nil()).Block(jen.Id("p").Op("=").Id("s").Dot("recentlyAuthenticated").Call(jen.Id("claims"), jen.Id("maxAge"))),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p"))),
		jen.Return(jen.Id("claims"), jen.Nil()),
	)
	f.Line()
}

// emitFreshAccess renders freshAccess: the answer of a new access token for
// the caller's session, in the body or, for a browser session, its cookie.
func emitFreshAccess(f *jen.File, m *Model) {
	body := []jen.Code{
		jen.Id("resp").Op(":=").Id("accessResponse").Values(jen.Dict{
			jen.Id("AccessToken"): jen.Id("access"), jen.Id("TokenType"): jen.Lit("Bearer"),
			jen.Id("ExpiresIn"): jen.Int().Call(jen.Id("s").Dot("tokens").Dot("TTL").Call().Dot("Seconds").Call()),
		}),
	}
	setCookie := jen.Id("s").Dot("cookies").Dot("SetAccess").Call(jen.Id("w"), jen.Id("access"), jen.Id("s").Dot("tokens").Dot("TTL").Call())
	switch m.Transport {
	case TransportCookie:
		body = append(body, setCookie, jen.Id("resp").Dot("AccessToken").Op("=").Lit(""))
	case TransportBoth:
		body = append(body,
			jen.Comment("A browser session (its access token in a cookie) gets the new one there."),
			jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("cookies").Dot("Access").Call(jen.Id("r")), jen.Err().Op("==").Nil()).Block(setCookie),
		)
	}
	f.Comment("freshAccess is the answer of access, a new access token of the caller's")
	f.Comment("session: in the body, or for a browser session in its cookie, which it sets.")
	f.Func().Add(recv()).Id("freshAccess").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("access").String()).Id("accessResponse").Block(
		append(body, jen.Return(jen.Id("resp")))...,
	)
	f.Line()
}

// recentAuthDoc is what a sensitive handler's doc says of recent_auth.
func recentAuthDoc(m *Model) []string {
	if !m.GuardsRecentAuth() {
		return nil
	}
	return []string{"It needs a password proved within recent_auth (401 reauthentication_required)."}
}

// GuardsRecentAuth reports whether a password change and revoke-others need
// a recent authentication: recent_auth is not 0, which only services from
// before the option have.
func (o Options) GuardsRecentAuth() bool { return o.RecentAuth > 0 }

// recentAuthCheck is the statement of a sensitive handler, after
// requireClaims: 401 unless the user proved who they are within
// recent_auth.
func recentAuthCheck(m *Model) jen.Code {
	if !m.GuardsRecentAuth() {
		return jen.Null()
	}
	return jen.If(jen.Id("p").Op(":=").Id("s").Dot("recentlyAuthenticated").Call(jen.Id("claims"), jen.Id("s").Dot("recentAuth")), jen.Id("p").Op("!=").Nil()).Block(
		writeProblemReturn(jen.Id("p"))...,
	)
}

// emitRequireRecentAuth renders RequireRecentAuth, the middleware of the
// owner's sensitive routes.
func emitRequireRecentAuth(f *jen.File, m *Model, guard func(check jen.Code) jen.Code) {
	f.Comment("RequireRecentAuth returns middleware that answers like Require, and 401")
	f.Comment("reauthentication_required (RFC 9470: WWW-Authenticate error")
	f.Comment("insufficient_user_authentication with max_age) unless the user proved who")
	f.Comment("they are within maxAge: the client re-authenticates and retries.")
	result, _ := m.Framework.RoleMiddleware(m)
	f.Func().Add(recv()).Id("RequireRecentAuth").Params(jen.Id("maxAge").Qual(pkgTime, "Duration")).Add(result).Block(
		jen.Return(guard(jen.Id("s").Dot("requireRecentAuth").Call(m.Framework.Request(m), jen.Id("maxAge")))),
	)
	f.Line()
}

// memoryReauthenticate renders MemoryStore.Reauthenticate.
func memoryReauthenticate(method func(doc, name string, params, results []jen.Code, body ...jen.Code)) {
	method("Reauthenticate implements Store.", "Reauthenticate",
		[]jen.Code{jen.Id("_").Qual(pkgContext, "Context"), jen.List(jen.Id("userID"), jen.Id("family")).String(), jen.Id("at").Qual(pkgTime, "Time"), jen.Id("amr").Index().String()}, []jen.Code{jen.Int64(), jen.Error()},
		jen.Var().Id("n").Int64(),
		jen.For(jen.List(jen.Id("digest"), jen.Id("r")).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Id("r").Dot("FamilyID").Op("==").Id("family").Op("&&").Id("r").Dot("UserID").Op("==").Id("userID").Op("&&").Id("r").Dot("Live").Call(jen.Id("at"))).Block(
				jen.List(jen.Id("r").Dot("AuthTime"), jen.Id("r").Dot("AMR")).Op("=").List(jen.Id("at"), jen.Qual("slices", "Clone").Call(jen.Id("amr"))),
				jen.Id("s").Dot("tokens").Index(jen.Id("digest")).Op("=").Id("r"),
				jen.Id("n").Op("++"),
			),
		),
		jen.Return(jen.Id("n"), jen.Nil()),
	)
}

// emitReauthenticate renders a SQL store's Reauthenticate: one UPDATE of
// the family's live token.
func (s sqlStore) emitReauthenticate(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	body := []jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"),
			jen.Lit("UPDATE refresh_tokens SET auth_time = "+s.param(1)+", amr = "+s.param(2)+" WHERE family_id = "+s.param(3)+" AND user_id = "+s.param(4)+
				" AND revoked_at IS NULL AND replaced_at IS NULL AND expires_at > "+s.param(5)),
			s.timeArg(jen.Id("at")), jen.Qual("strings", "Join").Call(jen.Id("amr"), jen.Lit(" ")), jen.Id("family"), jen.Id("userID"), s.timeArg(jen.Id("at"))),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}
	method("Reauthenticate implements Store.", "Reauthenticate",
		[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("family")).String(), jen.Id("at").Qual(pkgTime, "Time"), jen.Id("amr").Index().String()}, jen.Params(jen.Int64(), jen.Error()),
		append(body, s.rowsAffected()...)...)
}
