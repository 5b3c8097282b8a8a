package generator

import (
	"fmt"
	"regexp"

	"github.com/dave/jennifer/jen"
)

// Endpoint is one route of the contract. Frameworks mount this list; none
// of them keeps its own.
type Endpoint struct {
	Method, Path, Handler string
	// Protected endpoints sit behind Require.
	Protected bool
}

// ColonPath is the path with each {name} parameter spelled :name, as echo
// and gin write it.
func (e Endpoint) ColonPath() string { return pathParam.ReplaceAllString(e.Path, ":$1") }

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// WellKnown lists the routes outside the prefix, at fixed paths from the
// root: the JWK Set of asymmetric services.
func (m *Model) WellKnown() []Endpoint { return collect(m, feature.wellKnown) }

// Endpoints lists the routes under the prefix, in mounting order.
func (m *Model) Endpoints() []Endpoint {
	core := []Endpoint{
		{"POST", "/register", "Register", false},
		{"POST", "/login", "Login", false},
		{"POST", "/refresh", "Refresh", false},
		{"POST", "/logout", "Logout", false},
		{"GET", "/me", "Me", true},
		{"POST", "/logout-all", "LogoutAll", true},
		{"POST", "/password", "ChangePassword", true},
	}
	return append(core, collect(m, feature.endpoints)...)
}

// emitHandlers renders handlers.go: the endpoints as net/http handlers on
// Service, which every framework mounts (wrapping them in its own idiom
// where it has one).
func emitHandlers(f *jen.File, m *Model) {
	emitRequestTypes(f, m)
	emitRegister(f, m)
	emitLogin(f, m)
	emitStartSession(f)
	emitTokenRequest(f, m)
	emitRefresh(f, m)
	emitLogout(f, m)
	emitMe(f, m)
	emitLogoutAll(f, m)
	emitChangePassword(f, m)
	render(f, m, feature.handlers)
	emitSessionHelpers(f, m)
	emitValidation(f, m)
}

func emitRequestTypes(f *jen.File, m *Model) {
	f.Comment("credentials is the body of register and login.")
	f.Type().Id("credentials").Struct(
		jen.Id(m.IdentityField()).String().Tag(map[string]string{"json": m.IdentityJSON()}),
		jen.Id("Password").String().Tag(map[string]string{"json": "password"}),
	)
	f.Line()
	f.Comment("refreshRequest is the body of refresh and logout.")
	f.Type().Id("refreshRequest").Struct(
		jen.Id("RefreshToken").String().Tag(map[string]string{"json": "refresh_token"}),
	)
	f.Line()
	f.Comment("passwordChange is the body of a password change.")
	f.Type().Id("passwordChange").Struct(
		jen.Id("CurrentPassword").String().Tag(map[string]string{"json": "current_password"}),
		jen.Id("NewPassword").String().Tag(map[string]string{"json": "new_password"}),
	)
	f.Line()
	tokenTag := func(name string) map[string]string {
		if m.CookieOnly() {
			return map[string]string{"json": name + ",omitempty"} // in cookies instead
		}
		return map[string]string{"json": name}
	}
	f.Comment("tokenResponse is the token response of RFC 6749 section 5.1.")
	f.Type().Id("tokenResponse").Struct(
		jen.Id("AccessToken").String().Tag(tokenTag("access_token")),
		jen.Id("TokenType").String().Tag(map[string]string{"json": "token_type"}),
		jen.Id("ExpiresIn").Int().Tag(map[string]string{"json": "expires_in"}),
		jen.Id("RefreshToken").String().Tag(tokenTag("refresh_token")),
		jen.Id("RefreshExpiresIn").Int().Tag(map[string]string{"json": "refresh_expires_in"}),
	)
	f.Line()
}

// decodeInto is "var in T; if p := httpauth.DecodeJSON(w, r, &in); p != nil { write; return }".
func decodeInto(typ, decoder string) []jen.Code {
	return []jen.Code{
		jen.Var().Id("in").Id(typ),
		jen.If(jen.Id("p").Op(":=").Qual(pkgHTTPAuth, decoder).Call(jen.Id("w"), jen.Id("r"), jen.Op("&").Id("in")), jen.Id("p").Op("!=").Nil()).Block(
			writeProblemReturn(jen.Id("p"))...,
		),
	}
}

// storeContext is "ctx, cancel := s.storeContext(r); defer cancel()" as one
// statement list entry.
func storeContext() jen.Code {
	return jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Id("s").Dot("storeContext").Call(jen.Id("r")).Line().Defer().Id("cancel").Call()
}

// hashingContext is storeContext for a request that hashes a password.
func hashingContext() jen.Code {
	return jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Id("s").Dot("hashingContext").Call(jen.Id("r")).Line().Defer().Id("cancel").Call()
}

// unavailableReturn is "s.unavailable(w, op, err); return".
func unavailableReturn(op string) []jen.Code {
	return []jen.Code{jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit(op), jen.Err()), jen.Return()}
}

func handlerDoc(f *jen.File, m *Model, name, route string, lines ...string) {
	f.Comment(fmt.Sprintf("%s handles %s.", name, route))
	for _, l := range lines {
		f.Comment(l)
	}
}

func emitRegister(f *jen.File, m *Model) {
	doc := []string{"It creates a user and answers 201 with the user, never its hash."}
	if m.HidesRegistration() {
		doc = []string{"It creates a user and answers 202; an existing " + m.IdentityJSON() + " gets the same",
			"answer after the same work, and goes to OnDuplicateRegistration."}
	}
	handlerDoc(f, m, "Register", "POST "+m.Route("/register"), doc...)
	body := append(crossOriginGuard(m), decodeInto(m.registrationType(), "DecodeJSON")...)
	body = append(body,
		jen.Id("identity").Op(":=").Id("normalizeIdentity").Call(jen.Id("in").Dot(m.IdentityField())),
		jen.If(jen.Id("p").Op(":=").Id("validateCredentials").Call(jen.Id("identity"), jen.Id("in").Dot("Password")), jen.Id("p").Op("!=").Nil()).Block(
			writeProblemReturn(jen.Id("p"))...,
		),
		jen.Id("u").Op(":=").Id("User").Values(fields(
			"ID", jen.Id("newID").Call(),
			m.IdentityField(), jen.Id("identity"),
			"Active", jen.True(),
			"CreatedAt", jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")),
		)),
		readUserFields(m),
		hashingContext(),
		throttleRegistration(m),
		hookRefusal("register", "register hook", jen.Op("&").Id("u"), jen.Id("in").Dot("Password")),
		jen.List(jen.Id("hash"), jen.Err()).Op(":=").Id("s").Dot("hash").Call(jen.Id("ctx"), jen.Id("in").Dot("Password")),
		ifErr(hashFailedReturn()...),
		jen.Id("u").Dot("PasswordHash").Op("=").Id("hash"),
		jen.Err().Op("=").Id("s").Dot("store").Dot("CreateUser").Call(jen.Id("ctx"), jen.Id("u")),
	)
	body = append(body, registerOutcome(m)...)
	f.Func().Add(recv()).Id("Register").Add(httpParams()).Block(body...)
	f.Line()
}

func emitLogin(f *jen.File, m *Model) {
	handlerDoc(f, m, "Login", "POST "+m.Route("/login"),
		"It answers a new token pair for JSON credentials and, in OAuth2's terms, for",
		"an RFC 6749 token request form (grant_type password or refresh_token).")
	body := append(crossOriginGuard(m),
		jen.If(jen.Qual(pkgHTTPAuth, "IsForm").Call(jen.Id("r"))).Block(
			jen.Id("s").Dot("tokenRequest").Call(jen.Id("w"), jen.Id("r")),
			jen.Return(),
		),
	)
	body = append(body, decodeInto("credentials", "DecodeJSON")...)
	body = append(body, jen.Id("s").Dot("login").Call(jen.Id("w"), jen.Id("r"), jen.Id("in").Dot(m.IdentityField()), jen.Id("in").Dot("Password")))
	f.Func().Add(recv()).Id("Login").Add(httpParams()).Block(body...)
	f.Line()

	f.Comment("login answers a token pair for identity and password. An unknown " + m.IdentityJSON() + ", a")
	f.Comment("wrong password and a disabled account get the same answer after the same")
	f.Comment("hashing work, so that it tells an attacker nothing about which accounts")
	f.Comment("exist.")
	login := []jen.Code{
		jen.Id("identity").Op("=").Id("normalizeIdentity").Call(jen.Id("identity")),
		jen.Comment("An identity no account can have is refused before it reaches the store"),
		jen.Comment("(PostgreSQL rejects NUL in text); it is no one's, so it needs no dummy work."),
		jen.If(jen.Op("!").Id("plausibleIdentity").Call(jen.Id("identity"))).Block(
			emit("EventLoginFailed", jen.Lit(""), jen.Lit("")),
			reject(jen.Id("errInvalidCredentials").Call()),
			jen.Return(),
		),
		throttleAttempt(m, jen.Id("identity")),
		hashingContext(),
		throttleReserve(m),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot(m.userByIdentity()).Call(jen.Id("ctx"), jen.Id("identity")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("verifyDummy").Call(jen.Id("ctx"), jen.Id("password")), jen.Err().Op("!=").Nil()).Block(hashFailedReturn()...),
			emit("EventLoginFailed", jen.Lit(""), jen.Lit("")),
			reject(jen.Id("errInvalidCredentials").Call()),
			jen.Return(),
		),
		ifErr(unavailableReturn("find user")...),
		jen.List(jen.Id("ok"), jen.Id("rehash"), jen.Err()).Op(":=").Id("s").Dot("verify").Call(jen.Id("ctx"), jen.Id("password"), jen.Id("u").Dot("PasswordHash")),
		jen.If(jen.Id("overloaded").Call(jen.Err())).Block(hashFailedReturn()...),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Op("!").Id("ok").Op("||").Op("!").Id("u").Dot("Active")).Block(
			emit("EventLoginFailed", jen.Id("u").Dot("ID"), jen.Lit("")),
			reject(jen.Id("errInvalidCredentials").Call()),
			jen.Return(),
		),
		throttleSucceeded(m),
		hookRefusal("login", "login hook", jen.Id("u")),
		verificationCheck(m),
		mfaChallenge(m),
		rememberDevice(m),
		jen.If(jen.Id("s").Dot("startSession").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u"), jen.Index().String().Values(jen.Lit("pwd"))).Op("&&").Id("rehash")).Block(
			jen.Id("s").Dot("upgradeHash").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("password")),
		),
	}
	f.Func().Add(recv()).Id("login").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.List(jen.Id("identity"), jen.Id("password")).String()).Block(login...)
	f.Line()
}

// emitStartSession renders startSession, the end of every login: with a
// password, or with a password and then a second factor.
func emitStartSession(f *jen.File) {
	fail := jen.Return(jen.False())
	f.Comment("startSession starts a session for u, who proved who they are by methods")
	f.Comment("(RFC 8176: pwd, otp), answers its token pair and reports whether it did;")
	f.Comment("otherwise it has answered the failure.")
	f.Func().Add(recv()).Id("startSession").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("u").Id("User"), jen.Id("methods").Index().String()).Bool().Block(
		jen.Id("meta").Op(":=").Id("clientMeta").Call(jen.Id("r")),
		jen.Id("meta").Dot("Methods").Op("=").Id("methods"),
		jen.List(jen.Id("rt"), jen.Id("rec"), jen.Err()).Op(":=").Id("s").Dot("refresh").Dot("NewFamily").Call(jen.Id("u").Dot("ID"), jen.Id("meta")),
		ifErr(jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("issue refresh token"), jen.Err()), fail),
		jen.Comment("The session starts only while the password just proved is still the"),
		jen.Comment("account's: a password change (or a deletion) that committed meanwhile wins."),
		jen.Err().Op("=").Id("s").Dot("store").Dot("StartSession").Call(jen.Id("ctx"), jen.Id("rec"), jen.Id("u").Dot("PasswordHash")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrPasswordChanged")).Op("||").Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(
			emit("EventLoginFailed", jen.Id("u").Dot("ID"), jen.Lit("")),
			reject(jen.Id("errInvalidCredentials").Call()),
			fail,
		),
		ifErr(jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("start session"), jen.Err()), fail),
		jen.List(jen.Id("access"), jen.Err()).Op(":=").Id("s").Dot("signAccess").Call(jen.Id("ctx"), jen.Id("u"), jen.Id("rec")),
		ifErr(jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("issue access token"), jen.Err()), fail),
		jen.Id("s").Dot("writeTokens").Call(jen.Id("w"), jen.Id("r"), jen.Id("access"), jen.Id("rt"), jen.Id("rec")),
		emit("EventLoginSucceeded", jen.Id("u").Dot("ID"), jen.Id("rec").Dot("FamilyID")),
		jen.Return(jen.True()),
	)
	f.Line()
}

// reject is "s.reject(w, r, p)": a problem in the terms of the request,
// problem+json or, for an OAuth2 token request form, RFC 6749's.
func reject(p jen.Code) *jen.Statement {
	return jen.Id("s").Dot("reject").Call(jen.Id("w"), jen.Id("r"), p)
}

func emitRefresh(f *jen.File, m *Model) {
	doc := []string{"It spends the refresh token of the body and answers a new pair."}
	if m.UsesCookies() {
		doc = []string{"It spends the refresh token of the body or, without one, of the refresh", "cookie, and answers a new pair."}
	}
	handlerDoc(f, m, "Refresh", "POST "+m.Route("/refresh"), doc...)
	decoder := "DecodeJSON"
	if m.UsesCookies() {
		decoder = "DecodeOptionalJSON"
	}
	body := append(crossOriginGuard(m), decodeInto("refreshRequest", decoder)...)
	body = append(body, refreshFromCookie(m)...)
	body = append(body, jen.Id("s").Dot("rotate").Call(jen.Id("w"), jen.Id("r"), jen.Id("in").Dot("RefreshToken")))
	f.Func().Add(recv()).Id("Refresh").Add(httpParams()).Block(body...)
	f.Line()

	f.Comment("rotate spends the refresh token presented and answers a new pair. A token")
	f.Comment("that was already spent revokes its whole family: someone else holds a copy.")
	f.Comment("Everything that can fail is done before the token is spent, so that a client")
	f.Comment("whose refresh failed still holds a token that works, and its retry is not")
	f.Comment("mistaken for reuse.")
	f.Func().Add(recv()).Id("rotate").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("presented").String()).Block(
		storeContext(),
		jen.List(jen.Id("old"), jen.Err()).Op(":=").Id("s").Dot("refresh").Dot("Lookup").Call(jen.Id("ctx"), jen.Id("presented")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrInvalid"))).Block(
			jen.Id("s").Dot("refreshRefused").Call(jen.Id("w"), jen.Id("r"), jen.Id("old"), jen.Err()),
			jen.Return(),
		),
		ifErr(unavailableReturn("find refresh token")...),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("old").Dot("UserID")),
		jen.If(jen.Id("gone").Call(jen.Id("u"), jen.Err())).Block(
			jen.Id("s").Dot("endSession").Call(jen.Id("ctx"), jen.Id("old").Dot("FamilyID")),
			reject(jen.Id("errInvalidRefreshToken").Call()),
			jen.Return(),
		),
		ifErr(unavailableReturn("find user")...),
		jen.List(jen.Id("access"), jen.Err()).Op(":=").Id("s").Dot("signAccess").Call(jen.Id("ctx"), jen.Id("u"), jen.Id("old")),
		ifErr(unavailableReturn("issue access token")...),
		jen.List(jen.Id("rt"), jen.Id("rec"), jen.Err()).Op(":=").Id("s").Dot("refresh").Dot("Spend").Call(jen.Id("ctx"), jen.Id("old"), jen.Id("clientMeta").Call(jen.Id("r"))),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrInvalid"))).Block(
			jen.Id("s").Dot("refreshRefused").Call(jen.Id("w"), jen.Id("r"), jen.Id("rec"), jen.Err()),
			jen.Return(),
		),
		ifErr(unavailableReturn("rotate refresh token")...),
		jen.Id("s").Dot("writeTokens").Call(jen.Id("w"), jen.Id("r"), jen.Id("access"), jen.Id("rt"), jen.Id("rec")),
		emit("EventRefreshRotated", jen.Id("rec").Dot("UserID"), jen.Id("rec").Dot("FamilyID")),
	)
	f.Line()
	f.Comment("refreshRefused answers a refresh token that may not be exchanged. A spent")
	f.Comment("one that came back (rec is its record) has revoked its session: someone")
	f.Comment("else holds a copy, and the owner hears of it.")
	f.Func().Add(recv()).Id("refreshRefused").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("rec").Qual(pkgRefresh, "Record"), jen.Err().Error()).Block(
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrReused"))).Block(
			emit("EventRefreshReused", jen.Id("rec").Dot("UserID"), jen.Id("rec").Dot("FamilyID")),
		),
		reject(jen.Id("errInvalidRefreshToken").Call()),
	)
	f.Line()
}

func emitLogout(f *jen.File, m *Model) {
	doc := []string{"It revokes the refresh-token family of the refresh token in the body or,", "without one, the session of the access token, and answers 204."}
	if m.UsesCookies() {
		doc = []string{"It revokes the refresh-token family of the refresh token in the body or the", "refresh cookie or, without either, the session of the access token, and", "answers 204: a browser whose access cookie has expired can still log out."}
	}
	handlerDoc(f, m, "Logout", "POST "+m.Route("/logout"), doc...)
	body := append(crossOriginGuard(m), decodeInto("refreshRequest", "DecodeOptionalJSON")...)
	body = append(body, refreshFromCookie(m)...)
	body = append(body,
		storeContext(),
		jen.If(jen.Id("in").Dot("RefreshToken").Op("!=").Lit("")).Block(
			jen.List(jen.Id("rec"), jen.Err()).Op(":=").Id("s").Dot("refresh").Dot("Revoke").Call(jen.Id("ctx"), jen.Id("in").Dot("RefreshToken")),
			jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrInvalid"))).Block(
				writeProblemReturn(jen.Id("errInvalidRefreshToken").Call())...,
			),
			ifErr(unavailableReturn("revoke refresh token")...),
			emit("EventSessionRevoked", jen.Id("rec").Dot("UserID"), jen.Id("rec").Dot("FamilyID")),
		).Else().Block(
			jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot(requireFunc(m)).Call(jen.Id("r")),
			jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
			personalTokenRefused(m),
			jen.If(jen.Err().Op(":=").Id("s").Dot("endSession").Call(jen.Id("ctx"), jen.Id("claims").Dot("SessionID")), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("revoke session")...,
			),
			emit("EventSessionRevoked", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID")),
		),
	)
	body = append(body, noContent(m)...)
	f.Func().Add(recv()).Id("Logout").Add(httpParams()).Block(body...)
	f.Line()
}

func emitMe(f *jen.File, m *Model) {
	handlerDoc(f, m, "Me", "GET "+m.Route("/me")+" behind Require", "It answers the current user.")
	f.Func().Add(recv()).Id("Me").Add(httpParams()).Block(
		jen.Id("claims").Op(":=").Id("ClaimsFrom").Call(jen.Id("r").Dot("Context").Call()),
		jen.If(jen.Id("claims").Op("==").Nil()).Block(writeProblemReturn(jen.Id("errMissingToken").Call())...),
		storeContext(),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject")),
		jen.If(jen.Id("gone").Call(jen.Id("u"), jen.Err())).Block(
			writeProblemReturn(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the account of this token no longer exists"), jen.True()))...,
		),
		ifErr(unavailableReturn("find user")...),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("u")),
	)
	f.Line()
}

// requireClaims is "claims := ClaimsFrom(r.Context()); if nil { 401 }": the
// guard of handlers mounted behind Require.
func requireClaims(m *Model) []jen.Code {
	return []jen.Code{
		jen.Id("claims").Op(":=").Id("ClaimsFrom").Call(jen.Id("r").Dot("Context").Call()),
		jen.If(jen.Id("claims").Op("==").Nil()).Block(writeProblemReturn(jen.Id("errMissingToken").Call())...),
		personalTokenRefused(m),
	}
}

// noContent is the 204 that ends a session; with cookies, it deletes them.
func noContent(m *Model) []jen.Code {
	return append([]jen.Code{clearCookies(m)}, bodyless("StatusNoContent")...)
}

// writeList answers 200 with the list in the variable name, of elements of
// type typ: [] rather than null when it is empty.
func writeList(name, typ string) []jen.Code {
	return []jen.Code{
		jen.If(jen.Id(name).Op("==").Nil()).Block(jen.Id(name).Op("=").Index().Id(typ).Values()),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id(name)),
	}
}

// bodyless is an answer of the status (http.StatusX) without a body, which
// no cache may keep.
func bodyless(status string) []jen.Code {
	return []jen.Code{
		jen.Id("w").Dot("Header").Call().Dot("Set").Call(jen.Lit("Cache-Control"), jen.Lit("no-store")),
		jen.Id("w").Dot("WriteHeader").Call(jen.Qual(pkgHTTP, status)),
	}
}

func emitLogoutAll(f *jen.File, m *Model) {
	handlerDoc(f, m, "LogoutAll", "POST "+m.Route("/logout-all")+" behind Require",
		"It revokes every session of the user, on every device, and answers 204.",
		accessTokensAfterRevocation(m))
	body := requireClaims(m)
	body = append(body,
		storeContext(),
		jen.If(jen.Err().Op(":=").Id("s").Dot("store").Dot("RevokeUserRefresh").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()), jen.Err().Op("!=").Nil()).Block(
			unavailableReturn("revoke sessions")...,
		),
		emit("EventSessionRevoked", jen.Id("claims").Dot("Subject"), jen.Lit("")),
	)
	body = append(body, noContent(m)...)
	f.Func().Add(recv()).Id("LogoutAll").Add(httpParams()).Block(body...)
	f.Line()
}

func emitChangePassword(f *jen.File, m *Model) {
	handlerDoc(f, m, "ChangePassword", "POST "+m.Route("/password")+" behind Require", append([]string{
		"Given the current password and a new one, it replaces the hash, revokes",
		"every session, and answers 204; the client logs in again. A wrong current",
		"password is 403: the token is fine, the proof of knowledge is not."}, recentAuthDoc(m)...)...)
	body := append(requireClaims(m), recentAuthCheck(m))
	body = append(body, decodeInto("passwordChange", "DecodeJSON")...)
	body = append(body,
		jen.If(jen.Id("p").Op(":=").Id("validatePassword").Call(jen.Lit("new_password"), jen.Id("in").Dot("NewPassword")), jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
		hashingContext(),
		jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("provePassword").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("claims").Dot("Subject"), jen.Id("in").Dot("CurrentPassword"), jen.Id("EventPasswordChangeFailed"),
			problem("StatusForbidden", "CodeInvalidCredentials", "the current password is wrong")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		hookRefusal("passwordChange", "password change hook", jen.Id("u"), jen.Id("in").Dot("NewPassword")),
		jen.List(jen.Id("hash"), jen.Err()).Op(":=").Id("s").Dot("hash").Call(jen.Id("ctx"), jen.Id("in").Dot("NewPassword")),
		ifErr(hashFailedReturn()...),
		jen.Comment("The hash is replaced only if it is still the one the current password"),
		jen.Comment("matched, and every session is revoked in the same step: of two changes"),
		jen.Comment("racing, one wins and the other is told the current password is wrong."),
		jen.Err().Op("=").Id("s").Dot("store").Dot("ReplacePasswordHash").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("u").Dot("PasswordHash"), jen.Id("hash"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrPasswordChanged"))).Block(
			append([]jen.Code{emit("EventPasswordChangeFailed", jen.Id("u").Dot("ID"), jen.Lit(""))}, writeProblemReturn(problem("StatusForbidden", "CodeInvalidCredentials", "the current password is wrong"))...)...,
		),
		ifErr(unavailableReturn("set password")...),
		emit("EventPasswordChanged", jen.Id("u").Dot("ID"), jen.Lit("")),
		passwordChangedNotice(m),
	)
	body = append(body, noContent(m)...)
	f.Func().Add(recv()).Id("ChangePassword").Add(httpParams()).Block(body...)
	f.Line()
}

func emitSessionHelpers(f *jen.File, m *Model) {
	emitWriteTokens(f, m)
	emitProvePassword(f, m)
	f.Comment("endSession revokes the refresh-token family of a session.")
	f.Func().Add(recv()).Id("endSession").Params(ctxParam(), jen.Id("family").String()).Error().Block(
		jen.Return(jen.Id("s").Dot("store").Dot("RevokeRefreshFamily").Call(jen.Id("ctx"), jen.Id("family"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call())),
	)
	f.Line()
	f.Comment("upgradeHash re-hashes a password whose hash has outdated parameters. A")
	f.Comment("failure only delays the upgrade to the next login.")
	f.Func().Add(recv()).Id("upgradeHash").Params(ctxParam(), jen.List(jen.Id("id"), jen.Id("password")).String()).Block(
		jen.List(jen.Id("hash"), jen.Err()).Op(":=").Id("s").Dot("hash").Call(jen.Id("ctx"), jen.Id("password")),
		jen.If(jen.Err().Op("==").Nil()).Block(
			jen.Err().Op("=").Id("s").Dot("store").Dot("SetPasswordHash").Call(jen.Id("ctx"), jen.Id("id"), jen.Id("hash")),
		),
		ifErr(jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: password hash upgrade failed"), jen.Lit("err"), jen.Err())),
	)
	f.Line()
	emitHashing(f, m)
	f.Comment("storeContext bounds the store calls of one request, so that an unreachable")
	f.Comment("database is a 503 in bounded time rather than a hung request.")
	f.Func().Add(recv()).Id("storeContext").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.Qual(pkgContext, "Context"), jen.Qual(pkgContext, "CancelFunc")).Block(
		jen.Return(jen.Qual(pkgContext, "WithTimeout").Call(jen.Id("r").Dot("Context").Call(), jen.Id("s").Dot("timeout"))),
	)
	f.Line()
	f.Comment("hashingContext is storeContext for a request that hashes a password: its")
	f.Comment("store calls keep their timeout after the longest wait for a hashing slot.")
	f.Func().Add(recv()).Id("hashingContext").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.Qual(pkgContext, "Context"), jen.Qual(pkgContext, "CancelFunc")).Block(
		jen.Return(jen.Qual(pkgContext, "WithTimeout").Call(jen.Id("r").Dot("Context").Call(), jen.Id("s").Dot("timeout").Op("+").Id("s").Dot("hashing").Dot("Wait").Call())),
	)
	f.Line()
	f.Comment("unavailable logs a store failure and answers 503. The response names no")
	f.Comment("cause: driver messages may hold SQL or data and stay in the logs.")
	f.Func().Add(recv()).Id("unavailable").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("op").String(), jen.Err().Error()).Block(
		jen.Id("s").Dot("log").Dot("Error").Call(jen.Lit("auth: "+"operation failed"), jen.Lit("op"), jen.Id("op"), jen.Lit("err"), jen.Err()),
		writeProblem(jen.Qual(pkgHTTPAuth, "Unavailable").Call()),
	)
	f.Line()
	f.Comment("clientMeta records who a refresh token was issued to.")
	f.Func().Id("clientMeta").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Qual(pkgRefresh, "Meta").Block(
		jen.Return(jen.Qual(pkgRefresh, "Meta").Values(jen.Dict{jen.Id("UserAgent"): jen.Id("r").Dot("UserAgent").Call(), jen.Id("ClientAddr"): jen.Id("clientAddress").Call(jen.Id("r"))})),
	)
	f.Line()
	f.Comment("gone reports whether a lookup found no usable account: deleted or disabled")
	f.Comment("since its token was issued.")
	f.Func().Id("gone").Params(jen.Id("u").Id("User"), jen.Err().Error()).Bool().Block(
		jen.Return(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound")).Op("||").Parens(jen.Err().Op("==").Nil().Op("&&").Op("!").Id("u").Dot("Active"))),
	)
	f.Line()
	f.Func().Id("errInvalidCredentials").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidCredentials"), jen.Lit("the "+m.IdentityJSON()+" or password is wrong"), jen.False())),
	)
	f.Line()
	f.Func().Id("errInvalidRefreshToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the refresh token is invalid, expired or already used"), jen.True())),
	)
	f.Line()
}

// emitProvePassword renders provePassword, the proof of the current password
// that a password change and a re-authentication ask for.
func emitProvePassword(f *jen.File, m *Model) {
	fail := jen.Return(jen.Id("User").Values(), jen.False())
	hashFailed := []jen.Code{jen.Id("s").Dot("hashFailed").Call(jen.Id("w"), jen.Err()), fail}
	reserve := jen.Null()
	if m.Throttled() {
		reserve = jen.If(jen.Op("!").Id("s").Dot("reserve").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("attempt"))).Block(fail)
	}
	f.Comment("provePassword checks password against the account of userID and answers")
	f.Comment("the request itself when it fails: 401 when the account is gone, wrong")
	f.Comment("(after the event failed) when the password is, 503 when the hashing slots")
	f.Comment("are full. The password is a secret like any other: its guesses count")
	f.Comment("against the account and the address, as logins do.")
	f.Func().Add(recv()).Id("provePassword").Params(
		ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"),
		jen.List(jen.Id("userID"), jen.Id("password")).String(), jen.Id("failed").Id("EventKind"), jen.Id("wrong").Op("*").Qual(pkgHTTPAuth, "Problem"),
	).Params(jen.Id("User"), jen.Bool()).Block(
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("userID")),
		jen.If(jen.Id("gone").Call(jen.Id("u"), jen.Err())).Block(
			writeProblem(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the account of this token no longer exists"), jen.True())),
			fail,
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("find user"), jen.Err()), fail),
		throttleAttempt(m, jen.Id("u").Dot(m.IdentityField())),
		reserve,
		jen.List(jen.Id("ok"), jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("verify").Call(jen.Id("ctx"), jen.Id("password"), jen.Id("u").Dot("PasswordHash")),
		jen.If(jen.Id("overloaded").Call(jen.Err())).Block(hashFailed...),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Op("!").Id("ok")).Block(
			emit("failed", jen.Id("u").Dot("ID"), jen.Lit("")),
			writeProblem(jen.Id("wrong")),
			fail,
		),
		throttleSucceeded(m),
		jen.Return(jen.Id("u"), jen.True()),
	)
	f.Line()
}

// hashFailedReturn answers a hashing error and returns: 503 with
// Retry-After, logged unless the service is only saturated.
func hashFailedReturn() []jen.Code {
	return []jen.Code{jen.Id("s").Dot("hashFailed").Call(jen.Id("w"), jen.Err()), jen.Return()}
}

// emitHashing renders the Service's password work, each call in one of the
// slots of s.hashing.
func emitHashing(f *jen.File, m *Model) {
	inSlot := func(work jen.Code) *jen.Statement {
		return jen.Id("s").Dot("hashing").Dot("Do").Call(jen.Id("ctx"), jen.Func().Params().Block(work))
	}
	f.Comment("hash hashes password in one of the hashing slots.")
	f.Func().Add(recv()).Id("hash").Params(ctxParam(), jen.Id("password").String()).Params(jen.Id("hash").String(), jen.Err().Error()).Block(
		jen.If(jen.Id("werr").Op(":=").Add(inSlot(jen.List(jen.Id("hash"), jen.Err()).Op("=").Id("s").Dot("hasher").Dot("Hash").Call(jen.Id("password")))), jen.Id("werr").Op("!=").Nil()).Block(
			jen.Return(jen.Lit(""), jen.Id("werr")),
		),
		jen.Return(jen.Id("hash"), jen.Err()),
	)
	f.Line()
	f.Comment("verify checks password against hash in one of the hashing slots.")
	f.Func().Add(recv()).Id("verify").Params(ctxParam(), jen.List(jen.Id("password"), jen.Id("hash")).String()).Params(jen.List(jen.Id("ok"), jen.Id("rehash")).Bool(), jen.Err().Error()).Block(
		jen.If(jen.Id("werr").Op(":=").Add(inSlot(jen.List(jen.Id("ok"), jen.Id("rehash"), jen.Err()).Op("=").Id("s").Dot("hasher").Dot("Verify").Call(jen.Id("password"), jen.Id("hash")))), jen.Id("werr").Op("!=").Nil()).Block(
			jen.Return(jen.False(), jen.False(), jen.Id("werr")),
		),
		jen.Return(jen.Id("ok"), jen.Id("rehash"), jen.Err()),
	)
	f.Line()
	f.Comment("verifyDummy does the work of a failed verify, in a slot like a real one, so")
	f.Comment("that an unknown account costs the same time and waits in the same queue.")
	f.Func().Add(recv()).Id("verifyDummy").Params(ctxParam(), jen.Id("password").String()).Error().Block(
		jen.Return(inSlot(jen.Id("s").Dot("hasher").Dot("VerifyDummy").Call(jen.Id("password")))),
	)
	f.Line()
	f.Comment("overloaded reports whether err means that no hashing slot came free in time,")
	f.Comment("or that the client stopped waiting for one.")
	f.Func().Id("overloaded").Params(jen.Err().Error()).Bool().Block(
		jen.Return(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgPassword, "ErrBusy")).Op("||").
			Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgContext, "DeadlineExceeded")).Op("||").
			Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgContext, "Canceled"))),
	)
	f.Line()
	f.Comment("hashFailed answers a hashing error with 503 and Retry-After. Saturation is")
	f.Comment("not logged: a burst would write a line per request it turns away.")
	f.Func().Add(recv()).Id("hashFailed").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Err().Error()).Block(
		jen.If(jen.Id("overloaded").Call(jen.Err())).Block(
			writeProblem(jen.Qual(pkgHTTPAuth, "Unavailable").Call()),
			jen.Return(),
		),
		jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("hash password"), jen.Err()),
	)
	f.Line()
}

func emitValidation(f *jen.File, m *Model) {
	f.Comment("normalizeIdentity is the form in which identities are stored and compared:")
	f.Comment("trimmed and in lower case, so that letter case never makes a second account.")
	f.Func().Id("normalizeIdentity").Params(jen.Id("s").String()).String().Block(
		jen.Return(jen.Qual("strings", "ToLower").Call(jen.Qual("strings", "TrimSpace").Call(jen.Id("s")))),
	)
	f.Line()
	var identityCheck jen.Code
	var identityRule string
	switch m.Identity {
	case IdentityEmail:
		identityRule = "email must be a single ASCII address such as ada@example.com"
		f.Comment("validIdentity reports whether s is a plain ASCII email address. Addresses with")
		f.Comment("other characters are refused: their look-alikes make impersonation easy.")
		f.Func().Id("validIdentity").Params(jen.Id("s").String()).Bool().Block(
			jen.List(jen.Id("a"), jen.Err()).Op(":=").Qual("net/mail", "ParseAddress").Call(jen.Id("s")),
			jen.Return(jen.Err().Op("==").Nil().Op("&&").Id("a").Dot("Name").Op("==").Lit("").Op("&&").Id("a").Dot("Address").Op("==").Id("s").Op("&&").Len(jen.Id("s")).Op("<=").Lit(254).Op("&&").
				Qual("strings", "IndexFunc").Call(jen.Id("s"), jen.Func().Params(jen.Id("r").Rune()).Bool().Block(
				jen.Return(jen.Id("r").Op(">").Qual("unicode", "MaxASCII").Op("||").Op("!").Qual("unicode", "IsPrint").Call(jen.Id("r"))),
			)).Op("<").Lit(0)),
		)
	case IdentityUsername:
		identityRule = "username must be 3 to 32 characters: letters, digits, '.', '_' or '-'"
		f.Var().Id("usernamePattern").Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(`^[a-z0-9][a-z0-9._-]{2,31}$`))
		f.Line()
		f.Comment("validIdentity reports whether s is an acceptable username.")
		f.Func().Id("validIdentity").Params(jen.Id("s").String()).Bool().Block(
			jen.Return(jen.Id("usernamePattern").Dot("MatchString").Call(jen.Id("s"))),
		)
	}
	f.Line()
	identityCheck = jen.Op("!").Id("validIdentity").Call(jen.Id("identity"))
	f.Comment("plausibleIdentity reports whether a login's identity could belong to an")
	f.Comment("account at all: valid UTF-8, no control characters, and no longer than any")
	f.Comment("registration accepts. Anything else never reaches the store.")
	f.Func().Id("plausibleIdentity").Params(jen.Id("s").String()).Bool().Block(
		jen.Return(jen.Id("s").Op("!=").Lit("").Op("&&").Len(jen.Id("s")).Op("<=").Lit(m.maxIdentityBytes()).Op("&&").Qual("unicode/utf8", "ValidString").Call(jen.Id("s")).Op("&&").
			Qual("strings", "IndexFunc").Call(jen.Id("s"), jen.Qual("unicode", "IsControl")).Op("<").Lit(0)),
	)
	f.Line()
	f.Comment("validateIdentity checks an identity a client chose, at registration or")
	f.Comment("for a mail, and says what is wrong with it.")
	f.Func().Id("validateIdentity").Params(jen.Id("identity").String()).Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.If(identityCheck).Block(
			jen.Return(jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Lit(m.IdentityJSON()), jen.Lit(identityRule))),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("validateCredentials checks a registration and names the first problem.")
	f.Func().Id("validateCredentials").Params(jen.List(jen.Id("identity"), jen.Id("password")).String()).Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.If(jen.Id("p").Op(":=").Id("validateIdentity").Call(jen.Id("identity")), jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Id("p"))),
		jen.Return(jen.Id("validatePassword").Call(jen.Lit("password"), jen.Id("password"))),
	)
	f.Line()
	f.Comment("validatePassword checks the length of a new password, the member field of")
	f.Comment("the request: long passphrases are welcome, but a megabyte of password is a")
	f.Comment("way to burn CPU in the hasher.")
	f.Func().Id("validatePassword").Params(jen.List(jen.Id("field"), jen.Id("password")).String()).Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.If(jen.Qual("unicode/utf8", "RuneCountInString").Call(jen.Id("password")).Op("<").Lit(8).Op("||").Len(jen.Id("password")).Op(">").Lit(m.maxPasswordBytes())).Block(
			jen.Return(jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("field"), jen.Lit(m.passwordRule()))),
		),
		jen.Comment("U+FFFD is what JSON makes of an escaped lone surrogate: two different"),
		jen.Comment("passwords would be one."),
		jen.If(jen.Qual("strings", "ContainsRune").Call(jen.Id("password"), jen.Qual("unicode/utf8", "RuneError"))).Block(
			jen.Return(jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("field"), jen.Lit("password must be text: it holds U+FFFD, the mark of a character that is not"))),
		),
		jen.Return(jen.Nil()),
	)
}

// emitMiddleware renders middleware.go: the token check that every
// framework's Require and Authenticate share, and ClaimsFrom.
func emitMiddleware(f *jen.File, m *Model) {
	f.Comment(authenticateName(m) + " verifies the access token of r. A request without credentials")
	f.Comment("gets nil claims and no problem: it is anonymous, not wrong.")
	f.Func().Add(recv()).Id(authenticateName(m)).Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		append(extractAccessToken(m),
			apiTokenBranch(m, fromHeader(m)),
			jen.List(jen.Id("claims"), jen.Err()).Op(":=").Id("s").Dot("tokens").Dot("Verify").Call(jen.Id("raw")),
			ifErr(sessionEnded(m), jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Unauthorized").Call(
				jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the access token is invalid or expired"), jen.True()))),
			sessionCheck(m),
			jen.Return(jen.Id("claims"), jen.Nil()),
		)...,
	)
	f.Line()
	emitAccessToken(f, m)
	f.Comment("require is authenticate for routes that need a token.")
	f.Func().Add(recv()).Id("require").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticate").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("==").Nil().Op("&&").Id("claims").Op("==").Nil()).Block(
			jen.Id("p").Op("=").Id("errMissingToken").Call(),
		),
		jen.Return(jen.Id("claims"), jen.Id("p")),
	)
	f.Line()
	f.Func().Id("errMissingToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeMissingToken"), jen.Lit("this route needs an access token"), jen.False())),
	)
	f.Line()
	f.Comment("ClaimsFrom returns the verified access-token claims of a request that")
	f.Comment("passed Require or Authenticate, or nil for an anonymous one.")
	f.Func().Id("ClaimsFrom").Params(ctxParam()).Op("*").Qual(pkgToken, "Claims").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "ClaimsFrom").Call(jen.Id("ctx"))),
	)
	emitClaimsAccess(f, m)
}
