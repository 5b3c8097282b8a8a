package generator

import "github.com/dave/jennifer/jen"

// Personal access tokens (api_tokens): long-lived secrets that a user makes
// for a script, each with a name, scopes and an expiry, listed and deleted
// by the user and shown only when made. authenticate takes one in place of
// an access token from the header (never from a cookie) and looks it up by
// its SHA-256 digest on every request, so a deleted token stops working at
// once on every instance; RequireScope bounds what it may do, and the
// account's own endpoints refuse it (requireClaims).

const pkgAPIToken = RuntimeModule + "/apitoken"

// Bounds of a personal access token, as the generated code states them.
const (
	maxAPITokens        = 50
	maxAPITokenScopes   = 16
	defaultAPITokenDays = 30
	maxAPITokenDays     = 366
	minAPITokenSeconds  = 60
)

// apiTokensFeature is api_tokens.
type apiTokensFeature struct{ noFeature }

func (apiTokensFeature) name() string { return "apitokens" }

func (apiTokensFeature) endpoints(m *Model) []Endpoint {
	if !m.APITokens {
		return nil
	}
	return []Endpoint{
		{"POST", "/tokens", "CreateAPIToken", true},
		{"GET", "/tokens", "ListAPITokens", true},
		{"DELETE", "/tokens/{id}", "DeleteAPIToken", true},
	}
}

func (apiTokensFeature) storeMethods(m *Model) []jen.Code {
	if !m.APITokens {
		return nil
	}
	now := jen.Id("now").Qual(pkgTime, "Time")
	return []jen.Code{
		jen.Line(),
		jen.Comment("InsertAPIToken stores t, whose secret has digest, for the user's session"),
		jen.Comment("that asked for it. It stores nothing and returns ErrSessionEnded unless"),
		jen.Comment("the session is live, and ErrTooManyTokens if the user already has limit"),
		jen.Comment("unexpired tokens; of concurrent inserts for one user, no more than limit"),
		jen.Comment("succeed, and an insert racing a password change, which ends the session"),
		jen.Comment("and deletes the user's tokens, is refused or deleted."),
		jen.Id("InsertAPIToken").Params(ctxParam(), jen.Id("t").Id("APIToken"), jen.List(jen.Id("digest"), jen.Id("session")).String(), jen.Id("limit").Int()).Error(),
		jen.Comment("APITokensOf returns the user's unexpired tokens at now, newest first."),
		jen.Id("APITokensOf").Params(ctxParam(), jen.Id("userID").String(), now).Params(jen.Index().Id("APIToken"), jen.Error()),
		jen.Comment("APITokenByDigest returns the token whose secret has digest, if its user is"),
		jen.Comment("active; otherwise ErrNotFound."),
		jen.Id("APITokenByDigest").Params(ctxParam(), jen.Id("digest").String()).Params(jen.Id("APIToken"), jen.Error()),
		jen.Comment("RemoveAPIToken deletes the user's token id and reports how many it deleted:"),
		jen.Comment("0 when the user has no such token, whoever else may."),
		jen.Id("RemoveAPIToken").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("id")).String()).Params(jen.Int64(), jen.Error()),
		jen.Comment("TouchAPIToken sets the token's last use to now unless it was set less than"),
		jen.Comment("a minute before, and reports how many tokens it touched: of concurrent"),
		jen.Comment("calls, one."),
		jen.Id("TouchAPIToken").Params(ctxParam(), jen.Id("id").String(), now).Params(jen.Int64(), jen.Error()),
	}
}

func (apiTokensFeature) files(m *Model) []step {
	if !m.APITokens {
		return nil
	}
	return []step{{path: m.Package + "/apitokens.go", owner: Generated, render: goFile(emitAPITokens)}}
}

func (apiTokensFeature) schema(m *Model) []schemaObject {
	if !m.APITokens {
		return nil
	}
	return []schemaObject{{key: "table:api_tokens"}}
}

// apiTokenBranch is authenticate's statement after it found raw in the
// header (fromHeader says so): a personal access token is looked up, never
// verified as a JWT.
func apiTokenBranch(m *Model, fromHeader jen.Code) jen.Code {
	if !m.APITokens || m.CookieOnly() {
		return jen.Null()
	}
	looks := jen.Qual(pkgAPIToken, "Looks").Call(jen.Id("raw"))
	if fromHeader != nil {
		looks = jen.Add(fromHeader).Op("&&").Add(looks)
	}
	return jen.If(looks).Block(jen.Return(jen.Id("s").Dot("authenticateAPIToken").Call(jen.Id("r"), jen.Id("raw"))))
}

// fromHeader is the condition that authenticate found its token in the
// header rather than in a cookie, where a service reads both; nil where only
// the header can carry one.
func fromHeader(m *Model) jen.Code {
	if m.UsesBoth() {
		return jen.Op("!").Id("fromCookie")
	}
	return nil
}

// personalTokenRefused is requireClaims' statement that keeps personal
// access tokens away from the account's own endpoints.
func personalTokenRefused(m *Model) jen.Code {
	if !m.APITokens {
		return jen.Null()
	}
	return jen.If(jen.Id("claims").Dot("Personal").Call()).Block(writeProblemReturn(jen.Id("errPersonalToken").Call())...)
}

// revokeAPITokenBranch puts RFC 7009's revocation of a personal access token
// in front of rest, the revocation of the other kinds of token.
func revokeAPITokenBranch(m *Model, rest *jen.Statement) *jen.Statement {
	if !m.APITokens {
		return rest
	}
	return jen.If(jen.Qual(pkgAPIToken, "Looks").Call(jen.Id("raw"))).Block(
		jen.If(jen.Err().Op(":=").Id("s").Dot("revokeAPIToken").Call(jen.Id("ctx"), jen.Id("r"), jen.Id("raw")), jen.Err().Op("!=").Nil()).Block(
			unavailableReturn("revoke personal access token")...,
		),
	).Else().Add(rest)
}

// AccountForbidden names the OpenAPI response of a 403 from an endpoint of
// the account: a personal access token, or a cross-origin request a cookie
// would have authenticated; empty when neither can happen.
func (m *Model) AccountForbidden() string {
	switch {
	case m.APITokens:
		return "AccountForbidden"
	case m.UsesCookies():
		return "CrossOrigin"
	}
	return ""
}

// scopedPath is where a new service's main and the generated tests mount a
// handler behind RequireScope: GET needs the scope "read", POST "write".
const scopedPath = "/reports"

// ScopedPath is scopedPath, for the templates.
func (*Model) ScopedPath() string { return scopedPath }

// scopedRoutes registers handler on router at scopedPath behind
// RequireScope, the Service being recv.
func scopedRoutes(m *Model, recv, router string, handler jen.Code) []jen.Code {
	if !m.APITokens {
		return nil
	}
	id := m.Framework
	return []jen.Code{
		id.Handle(router, "GET", scopedPath, handler, id.Guard(recv, "RequireScope", jen.Lit("read"))),
		id.Handle(router, "POST", scopedPath, handler, id.Guard(recv, "RequireScope", jen.Lit("write"))),
	}
}

// emitRequireScope renders RequireScope, the middleware of routes that a
// personal access token reaches only with a scope.
func emitRequireScope(f *jen.File, m *Model, guard func(check jen.Code) jen.Code) {
	if !m.APITokens {
		return
	}
	f.Comment("RequireScope returns middleware that answers like Require, and 403")
	f.Comment("insufficient_scope unless a personal access token was granted scope. The")
	f.Comment("access token of a login passes: its user may do whatever the user may. It")
	f.Comment("panics when scope is not one a token can be granted (see scopePattern).")
	roleResult, _ := m.Framework.RoleMiddleware(m)
	f.Func().Add(recv()).Id("RequireScope").Params(jen.Id("scope").String()).Add(roleResult).Block(
		jen.If(jen.Op("!").Id("scopePattern").Dot("MatchString").Call(jen.Id("scope"))).Block(
			jen.Panic(jen.Qual("fmt", "Sprintf").Call(jen.Lit("auth: RequireScope(%q): a scope is a lower-case letter, then up to 63 of a-z 0-9 _ . : -"), jen.Id("scope"))),
		),
		jen.Return(guard(jen.Id("s").Dot("requireScope").Call(m.Framework.Request(m), jen.Id("scope")))),
	)
	f.Line()
}

// emitAPITokens renders apitokens.go.
func emitAPITokens(f *jen.File, m *Model) {
	f.Comment("Bounds of personal access tokens.")
	f.Const().Defs(
		jen.Comment("maxAPITokens is how many unexpired tokens a user may hold."),
		jen.Id("maxAPITokens").Op("=").Lit(maxAPITokens),
		jen.Comment("maxAPITokenScopes is how many scopes one token may be granted."),
		jen.Id("maxAPITokenScopes").Op("=").Lit(maxAPITokenScopes),
		jen.Comment("defaultAPITokenTTL is the lifetime of a token made without expires_in;"),
		jen.Comment("maxAPITokenTTL and minAPITokenTTL bound expires_in. No token lives forever."),
		jen.Id("defaultAPITokenTTL").Op("=").Lit(defaultAPITokenDays).Op("*").Lit(24).Op("*").Qual(pkgTime, "Hour"),
		jen.Id("maxAPITokenTTL").Op("=").Lit(maxAPITokenDays).Op("*").Lit(24).Op("*").Qual(pkgTime, "Hour"),
		jen.Id("minAPITokenTTL").Op("=").Lit(minAPITokenSeconds).Op("*").Qual(pkgTime, "Second"),
		jen.Comment("apiTokenTouch is how often a token's last use is written: a script"),
		jen.Comment("calling every second costs one write a minute, not one a request."),
		jen.Id("apiTokenTouch").Op("=").Qual(pkgTime, "Minute"),
	)
	f.Line()
	f.Comment("Errors of InsertAPIToken.")
	f.Var().Defs(
		jen.Comment("ErrTooManyTokens means the user holds maxAPITokens unexpired tokens."),
		jen.Id("ErrTooManyTokens").Op("=").Qual(pkgErrors, "New").Call(jen.Lit("auth: too many personal access tokens")),
		jen.Comment("ErrSessionEnded means the session that asked for the token has ended."),
		jen.Id("ErrSessionEnded").Op("=").Qual(pkgErrors, "New").Call(jen.Lit("auth: the session has ended")),
	)
	f.Line()
	f.Comment("APIToken is a personal access token as its owner lists it: never its")
	f.Comment("secret, which is shown once, when it is made, and stored only as a digest.")
	f.Type().Id("APIToken").Struct(
		jen.Id("ID").String().Tag(map[string]string{"json": "id"}),
		jen.Id("UserID").String().Tag(map[string]string{"json": "-"}),
		jen.Id("Name").String().Tag(map[string]string{"json": "name"}),
		jen.Id("Scopes").Index().String().Tag(map[string]string{"json": "scopes"}),
		jen.Id("CreatedAt").Qual(pkgTime, "Time").Tag(map[string]string{"json": "created_at"}),
		jen.Comment("LastUsedAt is the last request the token authenticated, written at most"),
		jen.Comment("once a minute; nil until its first."),
		jen.Id("LastUsedAt").Op("*").Qual(pkgTime, "Time").Tag(map[string]string{"json": "last_used_at"}),
		jen.Id("ExpiresAt").Qual(pkgTime, "Time").Tag(map[string]string{"json": "expires_at"}),
	)
	f.Line()
	f.Comment("touchDue reports whether t's last use is to be written at now.")
	f.Func().Params(jen.Id("t").Id("APIToken")).Id("touchDue").Params(jen.Id("now").Qual(pkgTime, "Time")).Bool().Block(
		jen.Return(jen.Id("t").Dot("LastUsedAt").Op("==").Nil().Op("||").Id("now").Dot("Sub").Call(jen.Op("*").Id("t").Dot("LastUsedAt")).Op(">=").Id("apiTokenTouch")),
	)
	f.Line()
	f.Comment("apiTokenRequest is the body of CreateAPIToken.")
	f.Type().Id("apiTokenRequest").Struct(
		jen.Id("Name").String().Tag(map[string]string{"json": "name"}),
		jen.Id("Scopes").Index().String().Tag(map[string]string{"json": "scopes"}),
		jen.Comment("ExpiresIn is the lifetime in seconds; nil means defaultAPITokenTTL."),
		jen.Id("ExpiresIn").Op("*").Int64().Tag(map[string]string{"json": "expires_in"}),
	)
	f.Line()
	f.Comment("createdAPIToken is CreateAPIToken's answer: the token, with its secret.")
	f.Type().Id("createdAPIToken").Struct(
		jen.Id("APIToken"),
		jen.Id("Token").String().Tag(map[string]string{"json": "token"}),
	)
	f.Line()
	emitCreateAPIToken(f, m)
	emitListAPITokens(f, m)
	emitDeleteAPIToken(f, m)
	emitAPITokenChecks(f, m)
	emitValidateAPIToken(f)
}

func emitCreateAPIToken(f *jen.File, m *Model) {
	handlerDoc(f, m, "CreateAPIToken", "POST "+m.Route("/tokens")+" behind Require",
		"Given a name, scopes and a lifetime in seconds (expires_in, 30 days when",
		"absent), it makes a personal access token and answers 201 with it and its",
		"secret, which is never shown again. A user holds at most maxAPITokens.")
	tooMany := jen.Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusUnprocessableEntity"), jen.Qual(pkgHTTPAuth, "CodeValidation"),
		jen.Qual("fmt", "Sprintf").Call(jen.Lit("you hold %d personal access tokens, the most a user may: delete one first"), jen.Id("maxAPITokens")))
	body := append(requireClaims(m), decodeInto("apiTokenRequest", "DecodeJSON")...)
	body = append(body,
		jen.List(jen.Id("ttl"), jen.Id("p")).Op(":=").Id("validateAPIToken").Call(jen.Op("&").Id("in")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
		jen.List(jen.Id("id"), jen.Err()).Op(":=").Qual(pkgAPIToken, "NewID").Call(),
		ifErr(unavailableReturn("make token ID")...),
		jen.List(jen.Id("secret"), jen.Id("digest"), jen.Err()).Op(":=").Qual(pkgAPIToken, "New").Call(),
		ifErr(unavailableReturn("make token")...),
		jen.Id("now").Op(":=").Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")),
		jen.Id("t").Op(":=").Id("APIToken").Values(jen.Dict{
			jen.Id("ID"): jen.Id("id"), jen.Id("UserID"): jen.Id("claims").Dot("Subject"), jen.Id("Name"): jen.Id("in").Dot("Name"),
			jen.Id("Scopes"): jen.Id("in").Dot("Scopes"), jen.Id("CreatedAt"): jen.Id("now"), jen.Id("ExpiresAt"): jen.Id("now").Dot("Add").Call(jen.Id("ttl")),
		}),
		storeContext(),
		jen.Err().Op("=").Id("s").Dot("store").Dot("InsertAPIToken").Call(jen.Id("ctx"), jen.Id("t"), jen.Id("digest"), jen.Id("claims").Dot("SessionID"), jen.Id("maxAPITokens")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrTooManyTokens"))).Block(writeProblemReturn(tooMany)...),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrSessionEnded"))).Block(writeProblemReturn(jen.Id("errSessionEnded").Call())...),
		ifErr(unavailableReturn("store token")...),
		jen.Id("s").Dot("event").Call(jen.Id("r"), jen.Id("Event").Values(jen.Dict{jen.Id("Kind"): jen.Id("EventTokenCreated"), jen.Id("UserID"): jen.Id("t").Dot("UserID"), jen.Id("TokenID"): jen.Id("t").Dot("ID")})),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusCreated"), jen.Id("createdAPIToken").Values(jen.Id("t"), jen.Id("secret"))),
	)
	f.Func().Add(recv()).Id("CreateAPIToken").Add(httpParams()).Block(body...)
	f.Line()
}

func emitListAPITokens(f *jen.File, m *Model) {
	handlerDoc(f, m, "ListAPITokens", "GET "+m.Route("/tokens")+" behind Require",
		"It answers 200 with the user's unexpired personal access tokens, newest",
		"first, without their secrets.")
	body := append(requireClaims(m),
		storeContext(),
		jen.List(jen.Id("tokens"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("APITokensOf").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()),
		ifErr(unavailableReturn("list tokens")...),
	)
	body = append(body, writeList("tokens", "APIToken")...)
	f.Func().Add(recv()).Id("ListAPITokens").Add(httpParams()).Block(body...)
	f.Line()
}

func emitDeleteAPIToken(f *jen.File, m *Model) {
	handlerDoc(f, m, "DeleteAPIToken", "DELETE "+m.Route("/tokens/{id}")+" behind Require",
		"It deletes one of the user's personal access tokens and answers 204; the",
		"token is refused from then on, on every instance. Any other ID, another",
		"user's included, is 404, so IDs cannot be probed.")
	body := append(requireClaims(m),
		jen.List(jen.Id("id"), jen.Id("ok")).Op(":=").Id("idOfPath").Call(jen.Id("r")),
		jen.If(jen.Op("!").Id("ok")).Block(writeProblemReturn(jen.Id("errNoSuchAPIToken").Call())...),
		storeContext(),
		jen.List(jen.Id("removed"), jen.Err()).Op(":=").Id("s").Dot("removeAPIToken").Call(jen.Id("ctx"), jen.Id("r"), jen.Id("claims").Dot("Subject"), jen.Id("id")),
		ifErr(unavailableReturn("delete token")...),
		jen.If(jen.Op("!").Id("removed")).Block(writeProblemReturn(jen.Id("errNoSuchAPIToken").Call())...),
	)
	body = append(body, bodyless("StatusNoContent")...)
	f.Func().Add(recv()).Id("DeleteAPIToken").Add(httpParams()).Block(body...)
	f.Line()
	f.Comment("errNoSuchAPIToken is the 404 of an ID that is not one of the caller's tokens.")
	f.Func().Id("errNoSuchAPIToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(problem("StatusNotFound", "CodeNotFound", "no personal access token of yours has this ID")),
	)
	f.Line()
	f.Comment("removeAPIToken deletes the user's token id, and tells the event hook if")
	f.Comment("it did.")
	f.Func().Add(recv()).Id("removeAPIToken").Params(ctxParam(), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.List(jen.Id("userID"), jen.Id("id")).String()).Params(jen.Bool(), jen.Error()).Block(
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("RemoveAPIToken").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("id")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("n").Op("==").Lit(0)).Block(jen.Return(jen.False(), jen.Err())),
		jen.Id("s").Dot("event").Call(jen.Id("r"), jen.Id("Event").Values(jen.Dict{jen.Id("Kind"): jen.Id("EventTokenRevoked"), jen.Id("UserID"): jen.Id("userID"), jen.Id("TokenID"): jen.Id("id")})),
		jen.Return(jen.True(), jen.Nil()),
	)
	f.Line()
	f.Comment("revokeAPIToken is RFC 7009 revocation of a personal access token: whoever")
	f.Comment("holds the secret may delete it. An unknown token changes nothing.")
	f.Func().Add(recv()).Id("revokeAPIToken").Params(ctxParam(), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("raw").String()).Error().Block(
		jen.If(jen.Op("!").Qual(pkgAPIToken, "Valid").Call(jen.Id("raw"))).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("APITokenByDigest").Call(jen.Id("ctx"), jen.Qual(pkgAPIToken, "Digest").Call(jen.Id("raw"))),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(jen.Return(jen.Nil())),
		ifErrReturn(jen.Err()),
		jen.List(jen.Id("_"), jen.Err()).Op("=").Id("s").Dot("removeAPIToken").Call(jen.Id("ctx"), jen.Id("r"), jen.Id("t").Dot("UserID"), jen.Id("t").Dot("ID")),
		jen.Return(jen.Err()),
	)
	f.Line()
}

// emitAPITokenChecks renders what authenticate, requireClaims and
// RequireScope ask of a personal access token.
func emitAPITokenChecks(f *jen.File, m *Model) {
	invalid := jen.Id("errBadAPIToken").Call()
	f.Comment("errBadAPIToken is the one answer to every personal access token that is")
	f.Comment("not live: malformed, never issued, expired or deleted alike.")
	f.Func().Id("errBadAPIToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the personal access token is invalid, expired or deleted"), jen.True())),
	)
	f.Line()
	f.Comment("authenticateAPIToken looks up the personal access token raw by its digest:")
	f.Comment("the lookup, not a comparison in this process, decides, so its time says")
	f.Comment("nothing of how close raw came to a real token. A token that cannot have")
	f.Comment("been issued (see apitoken.Valid) never reaches the store. Its last use is")
	f.Comment("written at most once a minute; its first, once, as an event.")
	f.Func().Add(recv()).Id("authenticateAPIToken").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("raw").String()).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.If(jen.Op("!").Qual(pkgAPIToken, "Valid").Call(jen.Id("raw"))).Block(jen.Return(jen.Nil(), invalid)),
		storeContext(),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("APITokenByDigest").Call(jen.Id("ctx"), jen.Qual(pkgAPIToken, "Digest").Call(jen.Id("raw"))),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(jen.Return(jen.Nil(), invalid.Clone())),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Error").Call(jen.Lit("auth: look up personal access token"), jen.Lit("err"), jen.Err()),
			jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Unavailable").Call()),
		),
		jen.Id("now").Op(":=").Qual(pkgTime, "Now").Call().Dot("UTC").Call(),
		jen.If(jen.Op("!").Id("now").Dot("Before").Call(jen.Id("t").Dot("ExpiresAt"))).Block(jen.Return(jen.Nil(), invalid.Clone())),
		jen.If(jen.Id("t").Dot("touchDue").Call(jen.Id("now"))).Block(
			jen.List(jen.Id("touched"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("TouchAPIToken").Call(jen.Id("ctx"), jen.Id("t").Dot("ID"), jen.Id("now")),
			jen.Switch().Block(
				jen.Case(jen.Err().Op("!=").Nil()).Block(
					jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: note the use of a personal access token"), jen.Lit("err"), jen.Err()),
				),
				jen.Case(jen.Id("touched").Op(">").Lit(0).Op("&&").Id("t").Dot("LastUsedAt").Op("==").Nil()).Block(
					jen.Id("s").Dot("event").Call(jen.Id("r"), jen.Id("Event").Values(jen.Dict{jen.Id("Kind"): jen.Id("EventTokenUsed"), jen.Id("UserID"): jen.Id("t").Dot("UserID"), jen.Id("TokenID"): jen.Id("t").Dot("ID")})),
				),
			),
		),
		jen.Return(jen.Qual(pkgToken, "PersonalClaims").Call(jen.Id("t").Dot("UserID"), jen.Id("t").Dot("ID"), jen.Id("t").Dot("ExpiresAt"), jen.Id("t").Dot("Scopes")), jen.Nil()),
	)
	f.Line()
	f.Comment("errPersonalToken is the answer of the account's own endpoints (password,")
	f.Comment("sessions, tokens) to a personal access token: a script's token may not")
	f.Comment("take over the account it acts for.")
	f.Func().Id("errPersonalToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "InsufficientScope").Call(jen.Lit(""), jen.Lit("a personal access token cannot manage the account: use the access token of a login"))),
	)
	f.Line()
	f.Comment("requireScope is require, then 403 unless the claims may act in scope.")
	f.Func().Add(recv()).Id("requireScope").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("scope").String()).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p"))),
		jen.If(jen.Op("!").Id("claims").Dot("HasScope").Call(jen.Id("scope"))).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "InsufficientScope").Call(jen.Id("scope"), jen.Lit("this route needs a personal access token granted the scope ").Op("+").Id("scope"))),
		),
		jen.Return(jen.Id("claims"), jen.Nil()),
	)
	f.Line()
}

// emitValidateAPIToken renders validateAPIToken and the form of a scope.
func emitValidateAPIToken(f *jen.File) {
	f.Comment("scopePattern is the form of a scope: a lower-case letter, then up to 63")
	f.Comment("lower-case letters, digits and _ . : -, e.g. read or reports:write.")
	f.Var().Id("scopePattern").Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(`^[a-z][a-z0-9_.:-]{0,63}$`))
	f.Line()
	f.Comment("validateAPIToken checks a request for a token and returns its lifetime.")
	f.Comment("A name with U+FFFD is refused: encoding/json makes it of an escaped lone")
	f.Comment("surrogate, so the name would not be what the client sent.")
	f.Func().Id("validateAPIToken").Params(jen.Id("in").Op("*").Id("apiTokenRequest")).Params(jen.Qual(pkgTime, "Duration"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.If(jen.Id("n").Op(":=").Qual("unicode/utf8", "RuneCountInString").Call(jen.Id("in").Dot("Name")), jen.Id("n").Op("==").Lit(0).Op("||").Id("n").Op(">").Lit(64).Op("||").
			Qual("strings", "TrimSpace").Call(jen.Id("in").Dot("Name")).Op("!=").Id("in").Dot("Name").Op("||").
			Qual("strings", "ContainsRune").Call(jen.Id("in").Dot("Name"), jen.Qual("unicode/utf8", "RuneError")).Op("||").
			Qual("strings", "IndexFunc").Call(jen.Id("in").Dot("Name"), jen.Func().Params(jen.Id("c").Rune()).Bool().Block(jen.Return(jen.Op("!").Qual("unicode", "IsPrint").Call(jen.Id("c"))))).Op(">=").Lit(0)).Block(
			jen.Return(jen.Lit(0), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Lit("name"), jen.Lit("name must be 1 to 64 printable characters, without spaces at either end or U+FFFD"))),
		),
		jen.If(jen.Len(jen.Id("in").Dot("Scopes")).Op("==").Lit(0).Op("||").Len(jen.Id("in").Dot("Scopes")).Op(">").Id("maxAPITokenScopes")).Block(
			jen.Return(jen.Lit(0), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Lit("scopes"), jen.Qual("fmt", "Sprintf").Call(jen.Lit(`scopes must list 1 to %d scopes, e.g. ["read"]`), jen.Id("maxAPITokenScopes")))),
		),
		jen.For(jen.List(jen.Id("i"), jen.Id("scope")).Op(":=").Range().Id("in").Dot("Scopes")).Block(
			jen.If(jen.Op("!").Id("scopePattern").Dot("MatchString").Call(jen.Id("scope")).Op("||").Qual("slices", "Contains").Call(jen.Id("in").Dot("Scopes").Index(jen.Empty(), jen.Id("i")), jen.Id("scope"))).Block(
				jen.Return(jen.Lit(0), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Lit("scopes"), jen.Lit("each scope is a lower-case letter, then up to 63 of a-z 0-9 _ . : -, and is listed once"))),
			),
		),
		jen.If(jen.Id("in").Dot("ExpiresIn").Op("==").Nil()).Block(jen.Return(jen.Id("defaultAPITokenTTL"), jen.Nil())),
		jen.If(jen.Op("*").Id("in").Dot("ExpiresIn").Op("<").Int64().Call(jen.Id("minAPITokenTTL").Op("/").Qual(pkgTime, "Second")).Op("||").Op("*").Id("in").Dot("ExpiresIn").Op(">").Int64().Call(jen.Id("maxAPITokenTTL").Op("/").Qual(pkgTime, "Second"))).Block(
			jen.Return(jen.Lit(0), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Lit("expires_in"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("expires_in is the lifetime in seconds, from %d to %d (366 days)"), jen.Int64().Call(jen.Id("minAPITokenTTL").Op("/").Qual(pkgTime, "Second")), jen.Int64().Call(jen.Id("maxAPITokenTTL").Op("/").Qual(pkgTime, "Second")))))),
		jen.Return(jen.Qual(pkgTime, "Duration").Call(jen.Op("*").Id("in").Dot("ExpiresIn")).Op("*").Qual(pkgTime, "Second"), jen.Nil()),
	)
	f.Line()
}

// memoryAPITokenMethods renders MemoryStore's share of the feature; method
// holds the store's mutex around body.
func memoryAPITokenMethods(m *Model, method func(doc, name string, params, results []jen.Code, body ...jen.Code)) {
	if !m.APITokens {
		return
	}
	ctx := jen.Id("_").Qual(pkgContext, "Context")
	now := jen.Id("now").Qual(pkgTime, "Time")
	each := func(body ...jen.Code) jen.Code {
		return jen.For(jen.List(jen.Id("digest"), jen.Id("t")).Op(":=").Range().Id("s").Dot("apiTokens")).Block(body...)
	}
	method("InsertAPIToken implements Store.", "InsertAPIToken",
		[]jen.Code{ctx, jen.Id("t").Id("APIToken"), jen.List(jen.Id("digest"), jen.Id("session")).String(), jen.Id("limit").Int()}, []jen.Code{jen.Error()},
		jen.Id("current").Op(":=").False(),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.Id("current").Op("=").Id("current").Op("||").Id("r").Dot("FamilyID").Op("==").Id("session").Op("&&").Id("r").Dot("UserID").Op("==").Id("t").Dot("UserID").Op("&&").Id("r").Dot("Live").Call(jen.Id("t").Dot("CreatedAt")),
		),
		jen.If(jen.Op("!").Id("current")).Block(jen.Return(jen.Id("ErrSessionEnded"))),
		jen.Id("live").Op(":=").Lit(0),
		jen.For(jen.List(jen.Id("_"), jen.Id("o")).Op(":=").Range().Id("s").Dot("apiTokens")).Block(
			jen.If(jen.Id("o").Dot("UserID").Op("==").Id("t").Dot("UserID").Op("&&").Id("o").Dot("ExpiresAt").Dot("After").Call(jen.Id("t").Dot("CreatedAt"))).Block(jen.Id("live").Op("++")),
		),
		jen.If(jen.Id("live").Op(">=").Id("limit")).Block(jen.Return(jen.Id("ErrTooManyTokens"))),
		jen.Id("t").Dot("Scopes").Op("=").Qual("slices", "Clone").Call(jen.Id("t").Dot("Scopes")),
		jen.Id("s").Dot("apiTokens").Index(jen.Id("digest")).Op("=").Id("t"),
		jen.Return(jen.Nil()),
	)
	method("APITokensOf implements Store.", "APITokensOf",
		[]jen.Code{ctx, jen.Id("userID").String(), now}, []jen.Code{jen.Index().Id("APIToken"), jen.Error()},
		jen.Var().Id("out").Index().Id("APIToken"),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Id("s").Dot("apiTokens")).Block(
			jen.If(jen.Id("t").Dot("UserID").Op("==").Id("userID").Op("&&").Id("t").Dot("ExpiresAt").Dot("After").Call(jen.Id("now"))).Block(
				jen.Id("t").Dot("Scopes").Op("=").Qual("slices", "Clone").Call(jen.Id("t").Dot("Scopes")),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("t")),
			),
		),
		jen.Qual("slices", "SortFunc").Call(jen.Id("out"), jen.Func().Params(jen.List(jen.Id("a"), jen.Id("b")).Id("APIToken")).Int().Block(
			jen.If(jen.Id("c").Op(":=").Id("b").Dot("CreatedAt").Dot("Compare").Call(jen.Id("a").Dot("CreatedAt")), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))),
			jen.Return(jen.Qual("strings", "Compare").Call(jen.Id("a").Dot("ID"), jen.Id("b").Dot("ID"))),
		)),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
	method("APITokenByDigest implements Store.", "APITokenByDigest",
		[]jen.Code{ctx, jen.Id("digest").String()}, []jen.Code{jen.Id("APIToken"), jen.Error()},
		jen.List(jen.Id("t"), jen.Id("ok")).Op(":=").Id("s").Dot("apiTokens").Index(jen.Id("digest")),
		jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("s").Dot("users").Index(jen.Id("t").Dot("UserID")).Dot("Active")).Block(jen.Return(jen.Id("APIToken").Values(), jen.Id("ErrNotFound"))),
		jen.Id("t").Dot("Scopes").Op("=").Qual("slices", "Clone").Call(jen.Id("t").Dot("Scopes")),
		jen.Return(jen.Id("t"), jen.Nil()),
	)
	method("RemoveAPIToken implements Store.", "RemoveAPIToken",
		[]jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("id")).String()}, []jen.Code{jen.Int64(), jen.Error()},
		each(jen.If(jen.Id("t").Dot("ID").Op("==").Id("id").Op("&&").Id("t").Dot("UserID").Op("==").Id("userID")).Block(
			jen.Id("delete").Call(jen.Id("s").Dot("apiTokens"), jen.Id("digest")),
			jen.Return(jen.Lit(1), jen.Nil()),
		)),
		jen.Return(jen.Lit(0), jen.Nil()),
	)
	method("TouchAPIToken implements Store.", "TouchAPIToken",
		[]jen.Code{ctx, jen.Id("id").String(), now}, []jen.Code{jen.Int64(), jen.Error()},
		each(jen.If(jen.Id("t").Dot("ID").Op("==").Id("id").Op("&&").Id("t").Dot("touchDue").Call(jen.Id("now"))).Block(
			jen.Id("t").Dot("LastUsedAt").Op("=").Op("&").Id("now"),
			jen.Id("s").Dot("apiTokens").Index(jen.Id("digest")).Op("=").Id("t"),
			jen.Return(jen.Lit(1), jen.Nil()),
		)),
		jen.Return(jen.Lit(0), jen.Nil()),
	)
}

// memoryDeleteAPITokens is ReplacePasswordHash's statement that deletes the
// user's personal access tokens with the sessions.
func memoryDeleteAPITokens(m *Model) jen.Code {
	if !m.APITokens {
		return jen.Null()
	}
	return jen.For(jen.List(jen.Id("digest"), jen.Id("t")).Op(":=").Range().Id("s").Dot("apiTokens")).Block(
		jen.If(jen.Id("t").Dot("UserID").Op("==").Id("id")).Block(jen.Id("delete").Call(jen.Id("s").Dot("apiTokens"), jen.Id("digest"))),
	)
}

// sqlDeleteAPITokens is the statement of ReplacePasswordHash's transaction
// that deletes the user's personal access tokens with the sessions.
func (s sqlStore) sqlDeleteAPITokens() jen.Code {
	if !s.m.APITokens {
		return jen.Null()
	}
	return s.txExec(nil, jen.Lit("DELETE FROM api_tokens WHERE user_id = "+s.param(1)), jen.Id("id"))
}

// apiTokenColumns are the columns scanAPIToken reads.
const apiTokenColumns = "t.id, t.user_id, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at"

// emitAPITokenQueries renders a SQL store's share of the feature.
func (s sqlStore) emitAPITokenQueries(f *jen.File, method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	if !s.m.APITokens {
		return
	}
	now := jen.Id("now").Qual(pkgTime, "Time")
	insert := s.beginTx()
	doc := "InsertAPIToken implements Store: the checks and the insert are one\n// transaction, and SQLite runs one writer at a time."
	if s.lockUser != nil {
		doc = "InsertAPIToken implements Store: the checks and the insert are one\n// transaction under the lock of the user, so that concurrent inserts count\n// each other, and a password change (which takes the lock too) comes before\n// the insert, which then finds the session ended, or after it, and deletes\n// the token."
		insert = append(insert, s.txExec(nil, jen.Lit(s.lockUser("FOR UPDATE")), jen.Id("t").Dot("UserID")))
	}
	insert = append(insert,
		jen.Var().Id("sessions").Int(),
		jen.If(jen.Err().Op(":=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT COUNT(*) FROM refresh_tokens WHERE family_id = "+s.param(1)+" AND user_id = "+s.param(2)+" AND revoked_at IS NULL AND replaced_at IS NULL AND expires_at > "+s.param(3)),
			jen.Id("session"), jen.Id("t").Dot("UserID"), s.timeArg(jen.Id("t").Dot("CreatedAt"))).Dot("Scan").Call(jen.Op("&").Id("sessions")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Id("sessions").Op("==").Lit(0)).Block(jen.Return(jen.Id("ErrSessionEnded"))),
		jen.Var().Id("live").Int(),
		jen.If(jen.Err().Op(":=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT COUNT(*) FROM api_tokens WHERE user_id = "+s.param(1)+" AND expires_at > "+s.param(2)),
			jen.Id("t").Dot("UserID"), s.timeArg(jen.Id("t").Dot("CreatedAt"))).Dot("Scan").Call(jen.Op("&").Id("live")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Id("live").Op(">=").Id("limit")).Block(jen.Return(jen.Id("ErrTooManyTokens"))),
		s.txExec(nil, jen.Lit("INSERT INTO api_tokens (id, user_id, name, scopes, digest, created_at, expires_at) VALUES ("+s.params(7)+")"),
			jen.Id("t").Dot("ID"), jen.Id("t").Dot("UserID"), jen.Id("t").Dot("Name"), jen.Qual("strings", "Join").Call(jen.Id("t").Dot("Scopes"), jen.Lit(" ")),
			jen.Id("digest"), s.timeArg(jen.Id("t").Dot("CreatedAt")), s.timeArg(jen.Id("t").Dot("ExpiresAt"))),
		jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method(doc, "InsertAPIToken", []jen.Code{ctxParam(), jen.Id("t").Id("APIToken"), jen.List(jen.Id("digest"), jen.Id("session")).String(), jen.Id("limit").Int()}, jen.Error(), insert...)
	method("APITokensOf implements Store.", "APITokensOf", []jen.Code{ctxParam(), jen.Id("userID").String(), now}, jen.Params(jen.Index().Id("APIToken"), jen.Error()),
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(s.db()).Dot(s.query).Call(jen.Id("ctx"),
			jen.Lit("SELECT "+apiTokenColumns+" FROM api_tokens t WHERE t.user_id = "+s.param(1)+" AND t.expires_at > "+s.param(2)+" ORDER BY t.created_at DESC, t.id"),
			jen.Id("userID"), s.timeArg(jen.Id("now"))),
		ifErrReturn(jen.Nil(), jen.Err()),
		jen.Defer().Id("rows").Dot("Close").Call(),
		jen.Var().Id("out").Index().Id("APIToken"),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("scanAPIToken").Call(jen.Id("rows")),
			ifErrReturn(jen.Nil(), jen.Err()),
			jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("t")),
		),
		jen.Return(jen.Id("out"), jen.Id("rows").Dot("Err").Call()),
	)
	method("APITokenByDigest implements Store.", "APITokenByDigest", []jen.Code{ctxParam(), jen.Id("digest").String()}, jen.Params(jen.Id("APIToken"), jen.Error()),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("scanAPIToken").Call(s.db().Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("SELECT "+apiTokenColumns+" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = "+s.param(1)+" AND u.active"), jen.Id("digest"))),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("APIToken").Values(), jen.Id("ErrNotFound"))),
		jen.Return(jen.Id("t"), jen.Err()),
	)
	remove := []jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM api_tokens WHERE id = "+s.param(1)+" AND user_id = "+s.param(2)), jen.Id("id"), jen.Id("userID")),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}
	method("RemoveAPIToken implements Store.", "RemoveAPIToken", []jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("id")).String()}, jen.Params(jen.Int64(), jen.Error()),
		append(remove, s.rowsAffected()...)...)
	touch := []jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"),
			jen.Lit("UPDATE api_tokens SET last_used_at = "+s.param(1)+" WHERE id = "+s.param(2)+" AND (last_used_at IS NULL OR last_used_at <= "+s.param(3)+")"),
			s.timeArg(jen.Id("now")), jen.Id("id"), s.timeArg(jen.Id("now").Dot("Add").Call(jen.Op("-").Id("apiTokenTouch")))),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}
	method("TouchAPIToken implements Store.", "TouchAPIToken", []jen.Code{ctxParam(), jen.Id("id").String(), now}, jen.Params(jen.Int64(), jen.Error()),
		append(touch, s.rowsAffected()...)...)
	f.Comment("scanAPIToken reads a token from a row of its columns.")
	f.Func().Id("scanAPIToken").Params(jen.Id("r").Id("row")).Params(jen.Id("APIToken"), jen.Error()).Block(
		jen.Var().Id("t").Id("APIToken"),
		jen.Var().Id("scopes").String(),
		jen.Var().List(jen.Id("created"), jen.Id("expires")).Add(s.timeType()),
		jen.Var().Id("used").Add(s.nullTimeType()),
		jen.If(jen.Err().Op(":=").Id("r").Dot("Scan").Call(jen.Op("&").Id("t").Dot("ID"), jen.Op("&").Id("t").Dot("UserID"), jen.Op("&").Id("t").Dot("Name"), jen.Op("&").Id("scopes"),
			jen.Op("&").Id("created"), jen.Op("&").Id("expires"), jen.Op("&").Id("used")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("APIToken").Values(), jen.Err())),
		jen.Id("t").Dot("Scopes").Op("=").Qual("strings", "Fields").Call(jen.Id("scopes")),
		jen.List(jen.Id("t").Dot("CreatedAt"), jen.Id("t").Dot("ExpiresAt"), jen.Id("t").Dot("LastUsedAt")).Op("=").List(s.timeOf(jen.Id("created")), s.timeOf(jen.Id("expires")), s.nullTimeOf(jen.Id("used"))),
		jen.Return(jen.Id("t"), jen.Nil()),
	)
	f.Line()
}
