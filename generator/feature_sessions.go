package generator

import "github.com/dave/jennifer/jen"

// Sessions a user can see and end, and access tokens that die with them
// (session_check). A session is a refresh-token family: the endpoints list
// the user's live families and revoke them. With session_check: strict the
// Service keeps a revocation.List of the families revoked lately, which
// authenticate asks about every access token by its "sid"; the store tells
// the list at once of this instance's revocations (endingStore) and, polled
// by WatchSessions, of every other instance's.

const pkgRevocation = RuntimeModule + "/revocation"

// Session polling, in milliseconds: every sessionPoll, each poll bounded by
// it; a list that has not polled successfully for sessionStale answers 503
// rather than vouch for tokens. A revocation on another instance is thus
// refused within sessionPoll plus one poll's time, under the 2 s the
// documents promise.
const (
	sessionPoll  = 500
	sessionStale = 1500
)

func millis(n int) *jen.Statement { return jen.Lit(n).Op("*").Qual(pkgTime, "Millisecond") }

// sessionsFeature is the session list and session_check.
type sessionsFeature struct{ noFeature }

func (sessionsFeature) name() string { return "sessions" }

// endpoints are the session list and the two ways to end sessions.
func (sessionsFeature) endpoints(*Model) []Endpoint {
	return []Endpoint{
		{"GET", "/sessions", "ListSessions", true},
		{"DELETE", "/sessions/{id}", "EndSession", true},
		{"POST", "/sessions/revoke-others", "EndOtherSessions", true},
		{"POST", "/revoke", "RevokeToken", false},
	}
}

// storeMethods are the list, the revocation of the other sessions and, for
// strict checking, the revocations since a time.
func (sessionsFeature) storeMethods(m *Model) []jen.Code {
	out := []jen.Code{
		jen.Comment("Sessions returns the live sessions of the user at now, the most recently"),
		jen.Comment("used first."),
		jen.Id("Sessions").Params(ctxParam(), jen.Id("userID").String(), jen.Id("now").Qual(pkgTime, "Time")).Params(jen.Index().Id("Session"), jen.Error()),
		jen.Comment("RevokeSession revokes the session id of the user at now if it is live,"),
		jen.Comment("and reports how many refresh tokens that revoked: 0 when the user has no"),
		jen.Comment("such live session, whoever else may have one; of concurrent calls for one"),
		jen.Comment("session, one revokes it and the others find it ended."),
		jen.Id("RevokeSession").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("id")).String(), jen.Id("now").Qual(pkgTime, "Time")).Params(jen.Int64(), jen.Error()),
		jen.Comment("RevokeOtherSessions revokes every session of the user but keep at now."),
		jen.Id("RevokeOtherSessions").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("keep")).String(), jen.Id("now").Qual(pkgTime, "Time")).Error(),
	}
	if m.StrictSessions() {
		out = append(out,
			jen.Comment("EndedSessions reports the sessions revoked at or after since, for the"),
			jen.Comment("revocation list of session_check: strict."),
			jen.Qual(pkgRevocation, "Source"),
		)
	}
	return out
}

// serviceFields hold the revocation list.
func (sessionsFeature) serviceFields(m *Model) []jen.Code {
	return when(m.StrictSessions(),
		jen.Id("ended").Op("*").Qual(pkgRevocation, "List").Comment("sessions revoked lately (session_check: strict)"),
	)
}

// newStatements make the list, fill it, and put endingStore between the
// Service and its store, so that every revocation reaches the list.
func (sessionsFeature) newStatements(m *Model) []jen.Code {
	if !m.StrictSessions() {
		return nil
	}
	return []jen.Code{
		jen.Comment("An access token of a revoked session lives at most its TTL and the"),
		jen.Comment("verifier's leeway after the revocation: the list keeps it that long."),
		jen.Id("ended").Op(":=").Qual(pkgRevocation, "New").Call(jen.Id("store"), jen.Id("cfg").Dot("AccessTTL").Op("+").Qual(pkgToken, "DefaultLeeway")),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pkgContext, "WithTimeout").Call(jen.Qual(pkgContext, "Background").Call(), jen.Id("cfg").Dot("StoreTimeout")),
		jen.Defer().Id("cancel").Call(),
		jen.If(jen.Err().Op(":=").Id("ended").Dot("Sync").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("session_check: read the revoked sessions: %w"), jen.Err())),
		),
		jen.Id("store").Op("=").Id("endingStore").Values(jen.Id("store"), jen.Id("ended")),
	}
}

// tokenConfig makes the token service refuse the tokens of ended sessions:
// its Revoked hook, asked about every token that verifies, cached or not.
func (sessionsFeature) tokenConfig(m *Model) []any {
	if !m.StrictSessions() {
		return nil
	}
	claims := jen.Id("claims").Op("*").Qual(pkgToken, "Claims")
	return []any{"Revoked", jen.Func().Params(claims).Bool().Block(
		jen.Return(jen.Id("ended").Dot("Revoked").Call(jen.Id("claims").Dot("SessionID"))),
	)}
}

func (sessionsFeature) serviceValues(m *Model) []any {
	if !m.StrictSessions() {
		return nil
	}
	return []any{"ended", jen.Id("ended")}
}

// files adds sessions.go.
func (sessionsFeature) files(m *Model) []step {
	return []step{{path: m.Package + "/sessions.go", owner: Generated, render: goFile(emitSessions)}}
}

// schema indexes the revocation times that the strict list polls.
func (sessionsFeature) schema(m *Model) []schemaObject {
	if !m.PollsSessions() {
		return nil
	}
	return []schemaObject{{key: "index:refresh_tokens.revoked_at"}}
}

// sessionEnded is authenticate's answer, among the ways a token fails to
// verify, to the token of an ended session (the Revoked hook's ErrRevoked).
func sessionEnded(m *Model) jen.Code {
	if !m.StrictSessions() {
		return jen.Null()
	}
	return jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgToken, "ErrRevoked"))).Block(
		jen.Return(jen.Nil(), jen.Id("errSessionEnded").Call()),
	)
}

// sessionCheck is authenticate's statement after the token verified: the
// list of ended sessions must be current enough to have vouched for it.
func sessionCheck(m *Model) jen.Code {
	if !m.PollsSessions() {
		return jen.Null()
	}
	return jen.If(jen.Id("p").Op(":=").Id("s").Dot("checkSessions").Call(), jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p")))
}

// accessTokensAfterRevocation is what the doc comments of revoking handlers
// say of the access tokens already issued.
func accessTokensAfterRevocation(m *Model) string {
	if m.StrictSessions() {
		return "Their access tokens are refused from then on (session_check: strict)."
	}
	return "Access tokens already issued stay valid until they expire."
}

// watchSessions are FromEnv's statements that start the polling of the
// other instances' revocations, and the one of its close that stops it.
func watchSessions(m *Model) (start []jen.Code, stop jen.Code) {
	if !m.PollsSessions() {
		return nil, jen.Null()
	}
	return []jen.Code{
		jen.List(jen.Id("watch"), jen.Id("stopWatch")).Op(":=").Qual(pkgContext, "WithCancel").Call(jen.Qual(pkgContext, "Background").Call()),
		jen.Go().Id("svc").Dot("WatchSessions").Call(jen.Id("watch")),
	}, jen.Id("stopWatch").Call()
}

// emitSessions renders sessions.go.
func emitSessions(f *jen.File, m *Model) {
	f.Comment("Session is one login's session, as the session list shows it: the refresh")
	f.Comment("tokens it went through share its ID, the \"sid\" of its access tokens.")
	f.Type().Id("Session").Struct(
		jen.Id("ID").String().Tag(map[string]string{"json": "id"}),
		jen.Comment("CreatedAt is the login; rows that cleanup deleted are forgotten, so a"),
		jen.Comment("session older than the refresh TTL shows its oldest token still stored."),
		jen.Id("CreatedAt").Qual(pkgTime, "Time").Tag(map[string]string{"json": "created_at"}),
		jen.Comment("LastUsedAt is the last login or refresh: an access token is used for at"),
		jen.Comment("most its TTL before the client refreshes it."),
		jen.Id("LastUsedAt").Qual(pkgTime, "Time").Tag(map[string]string{"json": "last_used_at"}),
		jen.Comment("ExpiresAt is when the session ends unless its refresh token is used."),
		jen.Id("ExpiresAt").Qual(pkgTime, "Time").Tag(map[string]string{"json": "expires_at"}),
		jen.Id("UserAgent").String().Tag(map[string]string{"json": "user_agent"}),
		jen.Id("ClientAddr").String().Tag(map[string]string{"json": "client_address"}),
		jen.Comment("Current marks the session of the access token that asked."),
		jen.Id("Current").Bool().Tag(map[string]string{"json": "current"}),
	)
	f.Line()
	emitSessionOf(f)
	emitListSessions(f, m)
	emitEndSession(f, m)
	emitEndOtherSessions(f, m)
	emitRevokeToken(f, m)
	if m.StrictSessions() {
		emitStrictSessions(f, m)
	}
}

func emitListSessions(f *jen.File, m *Model) {
	handlerDoc(f, m, "ListSessions", "GET "+m.Route("/sessions")+" behind Require",
		"It answers 200 with the user's live sessions, the caller's marked current.")
	body := append(requireClaims(m),
		storeContext(),
		jen.List(jen.Id("sessions"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("Sessions").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()),
		ifErr(unavailableReturn("list sessions")...),
		jen.For(jen.Id("i").Op(":=").Range().Id("sessions")).Block(
			jen.Id("sessions").Index(jen.Id("i")).Dot("Current").Op("=").Id("sessions").Index(jen.Id("i")).Dot("ID").Op("==").Id("claims").Dot("SessionID"),
		),
	)
	body = append(body, writeList("sessions", "Session")...)
	f.Func().Add(recv()).Id("ListSessions").Add(httpParams()).Block(body...)
	f.Line()
}

func emitEndSession(f *jen.File, m *Model) {
	handlerDoc(f, m, "EndSession", "DELETE "+m.Route("/sessions/{id}")+" behind Require",
		"It revokes one of the user's live sessions and answers 204; any other ID,",
		"another user's included, is 404, so IDs cannot be probed. Ending the",
		"caller's own session is a logout"+cookieClause(m)+".")
	body := append(requireClaims(m),
		jen.List(jen.Id("id"), jen.Id("ok")).Op(":=").Id("idOfPath").Call(jen.Id("r")),
		jen.If(jen.Op("!").Id("ok")).Block(writeProblemReturn(jen.Id("errNoSuchSession").Call())...),
		storeContext(),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("RevokeSession").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("id"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()),
		ifErr(unavailableReturn("end session")...),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(writeProblemReturn(jen.Id("errNoSuchSession").Call())...),
		emit("EventSessionRevoked", jen.Id("claims").Dot("Subject"), jen.Id("id")),
	)
	if m.UsesCookies() {
		body = append(body, jen.If(jen.Id("id").Op("==").Id("claims").Dot("SessionID")).Block(clearCookies(m)))
	}
	body = append(body, bodyless("StatusNoContent")...)
	f.Func().Add(recv()).Id("EndSession").Add(httpParams()).Block(body...)
	f.Line()
	f.Comment("errSessionEnded is the 401 of an access token whose session has ended,")
	f.Comment("found out on the way (a password change, say, or another device's end).")
	f.Func().Id("errSessionEnded").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the session of this access token has ended"), jen.True())),
	)
	f.Line()
	f.Func().Id("errNoSuchSession").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(problem("StatusNotFound", "CodeNotFound", "no live session of yours has this ID")),
	)
	f.Line()
	f.Comment("idOfPath returns the ID that ends the path of r (a session's or a token's),")
	f.Comment("as the client sent it. Routers differ in what they match for {id} (an")
	f.Comment("escaped \"/\", a path they would clean), so the path must be in its one")
	f.Comment("canonical spelling and its last segment an ID as this package makes them;")
	f.Comment("anything else names nothing.")
	f.Func().Id("idOfPath").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Params(jen.String(), jen.Bool()).Block(
		jen.Id("p").Op(":=").Id("r").Dot("URL").Dot("EscapedPath").Call(),
		jen.If(jen.Id("r").Dot("URL").Dot("RawPath").Op("!=").Lit("").Op("||").Qual("path", "Clean").Call(jen.Id("p")).Op("!=").Id("p")).Block(
			jen.Return(jen.Lit(""), jen.False()),
		),
		jen.Id("id").Op(":=").Id("p").Index(jen.Qual("strings", "LastIndexByte").Call(jen.Id("p"), jen.LitRune('/')).Op("+").Lit(1), jen.Empty()),
		jen.Return(jen.Id("id"), jen.Id("pathID").Dot("MatchString").Call(jen.Id("id"))),
	)
	f.Line()
	f.Comment("pathID is the form of a session's or a token's ID: base64url, as")
	f.Comment("refresh.Manager and apitoken.NewID make them (22 characters), with room to")
	f.Comment("spare.")
	f.Var().Id("pathID").Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(`^[A-Za-z0-9_-]{1,64}$`))
	f.Line()
}

// cookieClause is what ending one's own session does to the cookies.
func cookieClause(m *Model) string {
	if m.UsesCookies() {
		return ", and clears the cookies"
	}
	return ""
}

func emitEndOtherSessions(f *jen.File, m *Model) {
	handlerDoc(f, m, "EndOtherSessions", "POST "+m.Route("/sessions/revoke-others")+" behind Require",
		append([]string{"It revokes every session of the user but the caller's and answers 204."}, recentAuthDoc(m)...)...)
	body := append(requireClaims(m),
		recentAuthCheck(m),
		storeContext(),
		jen.If(jen.Err().Op(":=").Id("s").Dot("store").Dot("RevokeOtherSessions").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID"), jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call()), jen.Err().Op("!=").Nil()).Block(
			unavailableReturn("end sessions")...,
		),
		emit("EventSessionRevoked", jen.Id("claims").Dot("Subject"), jen.Lit("")),
	)
	body = append(body, bodyless("StatusNoContent")...)
	f.Func().Add(recv()).Id("EndOtherSessions").Add(httpParams()).Block(body...)
	f.Line()
}

func emitRevokeToken(f *jen.File, m *Model) {
	handlerDoc(f, m, "RevokeToken", "POST "+m.Route("/revoke"),
		"It is RFC 7009 token revocation: the form's token, a refresh token or an",
		"access token, ends its session; token_type_hint only says which it is",
		"likely to be. The answer is 200 whether or not the token was valid, so it",
		"tells the caller nothing about the token; a request without a token is",
		"400 invalid_request.")
	body := append(crossOriginGuard(m),
		jen.List(jen.Id("form"), jen.Id("p")).Op(":=").Qual(pkgHTTPAuth, "DecodeForm").Call(jen.Id("w"), jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p").Dot("OAuth2").Call())...),
		jen.Id("raw").Op(":=").Id("form").Dot("Get").Call(jen.Lit("token")),
		jen.If(jen.Id("raw").Op("==").Lit("")).Block(
			writeProblemReturn(problem("StatusBadRequest", "CodeMalformedBody", "token is required").Dot("OAuth2").Call())...,
		),
		storeContext(),
		revokeAPITokenBranch(m, jen.If(jen.List(jen.Id("claims"), jen.Err()).Op(":=").Id("s").Dot("tokens").Dot("Verify").Call(jen.Id("raw")), jen.Err().Op("==").Nil()).Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("endSession").Call(jen.Id("ctx"), jen.Id("claims").Dot("SessionID")), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("revoke session")...,
			),
			emit("EventSessionRevoked", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID")),
		).Else().If(jen.List(jen.Id("rec"), jen.Err()).Op(":=").Id("s").Dot("refresh").Dot("Revoke").Call(jen.Id("ctx"), jen.Id("raw")), jen.Err().Op("==").Nil()).Block(
			emit("EventSessionRevoked", jen.Id("rec").Dot("UserID"), jen.Id("rec").Dot("FamilyID")),
		).Else().If(jen.Op("!").Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgRefresh, "ErrInvalid"))).Block(
			unavailableReturn("revoke refresh token")...,
		)),
	)
	body = append(body, bodyless("StatusOK")...)
	f.Func().Add(recv()).Id("RevokeToken").Add(httpParams()).Block(body...)
	f.Line()
}

// emitStrictSessions renders endingStore and, for a store several instances
// share, checkSessions and WatchSessions.
func emitStrictSessions(f *jen.File, m *Model) {
	if m.PollsSessions() {
		f.Comment("checkSessions answers 503 while the list of ended sessions may be missing")
		f.Comment("another instance's revocations (the store has not answered its polls")
		f.Comment("lately), rather than vouch for a token it cannot check.")
		f.Func().Add(recv()).Id("checkSessions").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
			jen.If(jen.Op("!").Id("s").Dot("ended").Dot("Stale").Call()).Block(jen.Return(jen.Nil())),
			jen.Id("p").Op(":=").Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusServiceUnavailable"), jen.Qual(pkgHTTPAuth, "CodeUnavailable"), jen.Lit("sessions cannot be checked right now: try again after the time in Retry-After")),
			jen.Id("p").Dot("RetryAfter").Op("=").Lit(1),
			jen.Return(jen.Id("p")),
		)
		f.Line()
	}
	f.Comment("endingStore is the Store with every revocation passed on to the list of")
	f.Comment("ended sessions before it returns: the instance that revokes a session")
	f.Comment("refuses its access tokens before it answers the request that revoked it.")
	f.Type().Id("endingStore").Struct(
		jen.Id("Store"),
		jen.Id("ended").Op("*").Qual(pkgRevocation, "List"),
	)
	f.Line()
	now := jen.Id("now").Qual(pkgTime, "Time")
	f.Comment("RevokeRefreshFamily implements refresh.Store: logout, RFC 7009 revocation")
	f.Comment("and a reused refresh token.")
	f.Func().Params(jen.Id("e").Id("endingStore")).Id("RevokeRefreshFamily").Params(ctxParam(), jen.Id("family").String(), now).Error().Block(
		jen.If(jen.Err().Op(":=").Id("e").Dot("Store").Dot("RevokeRefreshFamily").Call(jen.Id("ctx"), jen.Id("family"), jen.Id("now")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("e").Dot("ended").Dot("Add").Call(jen.Id("family"), jen.Id("now")),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("RevokeSession implements Store: a session ended from the list.")
	f.Func().Params(jen.Id("e").Id("endingStore")).Id("RevokeSession").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("id")).String(), now).Params(jen.Int64(), jen.Error()).Block(
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("e").Dot("Store").Dot("RevokeSession").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("id"), jen.Id("now")),
		jen.If(jen.Id("n").Op(">").Lit(0)).Block(jen.Id("e").Dot("ended").Dot("Add").Call(jen.Id("id"), jen.Id("now"))),
		jen.Return(jen.Id("n"), jen.Err()),
	)
	f.Line()
	synced := func(doc, name string, params []jen.Code, args ...jen.Code) {
		f.Comment(doc)
		f.Func().Params(jen.Id("e").Id("endingStore")).Id(name).Params(params...).Error().Block(
			jen.If(jen.Err().Op(":=").Id("e").Dot("Store").Dot(name).Call(args...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("e").Dot("ended").Dot("Sync").Call(jen.Id("ctx"))),
		)
		f.Line()
	}
	synced("RevokeUserRefresh implements Store, then learns the sessions it ended.", "RevokeUserRefresh",
		[]jen.Code{ctxParam(), jen.Id("userID").String(), now}, jen.Id("ctx"), jen.Id("userID"), jen.Id("now"))
	synced("RevokeOtherSessions implements Store, then learns the sessions it ended.", "RevokeOtherSessions",
		[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("keep")).String(), now}, jen.Id("ctx"), jen.Id("userID"), jen.Id("keep"), jen.Id("now"))
	synced("ReplacePasswordHash implements Store, then learns the sessions it ended.", "ReplacePasswordHash",
		[]jen.Code{ctxParam(), jen.List(jen.Id("id"), jen.Id("old"), jen.Id("next")).String(), now}, jen.Id("ctx"), jen.Id("id"), jen.Id("old"), jen.Id("next"), jen.Id("now"))
	if !m.PollsSessions() {
		return
	}
	f.Comment("WatchSessions polls the store for the sessions other instances revoke until")
	f.Comment("ctx ends: their access tokens are refused here within a second of the")
	f.Comment("revocation, and while the store cannot be polled every token is answered")
	f.Comment("503 after 1.5 s rather than trusted. FromEnv starts it; a service that")
	f.Comment("builds its Service with New runs it itself: go svc.WatchSessions(ctx).")
	f.Func().Add(recv()).Id("WatchSessions").Params(ctxParam()).Block(
		jen.Id("s").Dot("ended").Dot("Watch").Call(jen.Id("ctx"), millis(sessionPoll), millis(sessionStale), jen.Func().Params(jen.Err().Error()).Block(
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: poll revoked sessions"), jen.Lit("err"), jen.Err()),
		)),
	)
	f.Line()
}

// emitSessionOf renders sessionOf, which both kinds of store describe a
// session with.
func emitSessionOf(f *jen.File) {
	f.Comment("sessionOf describes the session whose live refresh token is r and whose")
	f.Comment("first token was issued at created.")
	f.Func().Id("sessionOf").Params(jen.Id("r").Qual(pkgRefresh, "Record"), jen.Id("created").Qual(pkgTime, "Time")).Id("Session").Block(
		jen.Return(jen.Id("Session").Values(jen.Dict{
			jen.Id("ID"):         jen.Id("r").Dot("FamilyID"),
			jen.Id("CreatedAt"):  jen.Id("created"),
			jen.Id("LastUsedAt"): jen.Id("r").Dot("IssuedAt"),
			jen.Id("ExpiresAt"):  jen.Id("r").Dot("ExpiresAt"),
			jen.Id("UserAgent"):  jen.Id("r").Dot("UserAgent"),
			jen.Id("ClientAddr"): jen.Id("r").Dot("ClientAddr"),
		})),
	)
	f.Line()
}

// memorySessionMethods renders MemoryStore's share of the feature; method
// holds the store's mutex around body.
func memorySessionMethods(m *Model, method func(doc, name string, params, results []jen.Code, body ...jen.Code)) {
	ctx := jen.Id("_").Qual(pkgContext, "Context")
	now := jen.Id("now").Qual(pkgTime, "Time")
	rec := jen.Id("r")
	method("Sessions implements Store.", "Sessions",
		[]jen.Code{ctx, jen.Id("userID").String(), now}, []jen.Code{jen.Index().Id("Session"), jen.Error()},
		jen.Id("created").Op(":=").Map(jen.String()).Qual(pkgTime, "Time").Values(),
		jen.Var().Id("live").Index().Qual(pkgRefresh, "Record"),
		jen.For(jen.List(jen.Id("_"), rec).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Id("r").Dot("UserID").Op("!=").Id("userID")).Block(jen.Continue()),
			jen.If(jen.List(jen.Id("c"), jen.Id("ok")).Op(":=").Id("created").Index(jen.Id("r").Dot("FamilyID")), jen.Op("!").Id("ok").Op("||").Id("r").Dot("IssuedAt").Dot("Before").Call(jen.Id("c"))).Block(
				jen.Id("created").Index(jen.Id("r").Dot("FamilyID")).Op("=").Id("r").Dot("IssuedAt"),
			),
			jen.If(jen.Id("r").Dot("Live").Call(jen.Id("now"))).Block(jen.Id("live").Op("=").Append(jen.Id("live"), jen.Id("r"))),
		),
		jen.Id("sessions").Op(":=").Make(jen.Index().Id("Session"), jen.Lit(0), jen.Len(jen.Id("live"))),
		jen.For(jen.List(jen.Id("_"), rec).Op(":=").Range().Id("live")).Block(
			jen.Id("sessions").Op("=").Append(jen.Id("sessions"), jen.Id("sessionOf").Call(jen.Id("r"), jen.Id("created").Index(jen.Id("r").Dot("FamilyID")))),
		),
		jen.Qual("slices", "SortFunc").Call(jen.Id("sessions"), jen.Func().Params(jen.List(jen.Id("a"), jen.Id("b")).Id("Session")).Int().Block(
			jen.Return(jen.Id("b").Dot("LastUsedAt").Dot("Compare").Call(jen.Id("a").Dot("LastUsedAt"))),
		)),
		jen.Return(jen.Id("sessions"), jen.Nil()),
	)
	method("RevokeSession implements Store.", "RevokeSession",
		[]jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("id")).String(), now}, []jen.Code{jen.Int64(), jen.Error()},
		jen.Id("live").Op(":=").False(),
		jen.For(jen.List(jen.Id("_"), rec).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.Id("live").Op("=").Id("live").Op("||").Id("r").Dot("UserID").Op("==").Id("userID").Op("&&").Id("r").Dot("FamilyID").Op("==").Id("id").Op("&&").Id("r").Dot("Live").Call(jen.Id("now")),
		),
		jen.Var().Id("n").Int64(),
		jen.For(jen.List(jen.Id("digest"), rec).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Id("live").Op("&&").Id("r").Dot("FamilyID").Op("==").Id("id").Op("&&").Id("r").Dot("RevokedAt").Op("==").Nil()).Block(
				jen.Id("r").Dot("RevokedAt").Op("=").Op("&").Id("now"),
				jen.Id("s").Dot("tokens").Index(jen.Id("digest")).Op("=").Id("r"),
				jen.Id("n").Op("++"),
			),
		),
		jen.Return(jen.Id("n"), jen.Nil()),
	)
	method("RevokeOtherSessions implements Store.", "RevokeOtherSessions",
		[]jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("keep")).String(), now}, []jen.Code{jen.Error()},
		jen.Id("s").Dot("revoke").Call(jen.Id("now"), jen.Func().Params(jen.Id("r").Qual(pkgRefresh, "Record")).Bool().Block(
			jen.Return(jen.Id("r").Dot("UserID").Op("==").Id("userID").Op("&&").Id("r").Dot("FamilyID").Op("!=").Id("keep")),
		)),
		jen.Return(jen.Nil()),
	)
	if !m.StrictSessions() {
		return
	}
	method("EndedSessions implements revocation.Source.", "EndedSessions",
		[]jen.Code{ctx, jen.Id("since").Qual(pkgTime, "Time")}, []jen.Code{jen.Index().Qual(pkgRevocation, "Ended"), jen.Error()},
		jen.Id("seen").Op(":=").Map(jen.String()).Bool().Values(),
		jen.Var().Id("ended").Index().Qual(pkgRevocation, "Ended"),
		jen.For(jen.List(jen.Id("_"), rec).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Id("r").Dot("RevokedAt").Op("!=").Nil().Op("&&").Op("!").Id("r").Dot("RevokedAt").Dot("Before").Call(jen.Id("since")).Op("&&").Op("!").Id("seen").Index(jen.Id("r").Dot("FamilyID"))).Block(
				jen.Id("seen").Index(jen.Id("r").Dot("FamilyID")).Op("=").True(),
				jen.Id("ended").Op("=").Append(jen.Id("ended"), jen.Qual(pkgRevocation, "Ended").Values(jen.Dict{
					jen.Id("Session"): jen.Id("r").Dot("FamilyID"),
					jen.Id("At"):      jen.Op("*").Id("r").Dot("RevokedAt"),
				})),
			),
		),
		jen.Return(jen.Id("ended"), jen.Nil()),
	)
}

// emitSessionQueries renders a SQL store's share of the feature.
func (s sqlStore) emitSessionQueries(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	now := jen.Id("now").Qual(pkgTime, "Time")
	rows := func(fail jen.Code, query string, args ...jen.Code) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(s.db()).Dot(s.query).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query)}, args...)...),
			ifErrReturn(fail, jen.Err()),
			jen.Defer().Id("rows").Dot("Close").Call(),
		}
	}
	list := rows(jen.Nil(), "SELECT family_id, issued_at, expires_at, user_agent, client_addr, "+
		"(SELECT MIN(f.issued_at) FROM refresh_tokens f WHERE f.family_id = r.family_id) "+
		"FROM refresh_tokens r WHERE user_id = "+s.param(1)+" AND revoked_at IS NULL AND replaced_at IS NULL AND expires_at > "+s.param(2)+
		" ORDER BY issued_at DESC, family_id", jen.Id("userID"), s.timeArg(jen.Id("now")))
	list = append(list,
		jen.Var().Id("sessions").Index().Id("Session"),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.Var().Id("r").Qual(pkgRefresh, "Record"),
			jen.Var().List(jen.Id("issued"), jen.Id("expires"), jen.Id("created")).Add(s.timeType()),
			jen.If(jen.Err().Op(":=").Id("rows").Dot("Scan").Call(
				jen.Op("&").Id("r").Dot("FamilyID"), jen.Op("&").Id("issued"), jen.Op("&").Id("expires"),
				jen.Op("&").Id("r").Dot("UserAgent"), jen.Op("&").Id("r").Dot("ClientAddr"), jen.Op("&").Id("created"),
			), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.List(jen.Id("r").Dot("IssuedAt"), jen.Id("r").Dot("ExpiresAt")).Op("=").List(s.timeOf(jen.Id("issued")), s.timeOf(jen.Id("expires"))),
			jen.Id("sessions").Op("=").Append(jen.Id("sessions"), jen.Id("sessionOf").Call(jen.Id("r"), s.timeOf(jen.Id("created")))),
		),
		jen.Return(jen.Id("sessions"), jen.Id("rows").Dot("Err").Call()),
	)
	method("Sessions implements Store: the live token of each of the user's families.", "Sessions",
		[]jen.Code{ctxParam(), jen.Id("userID").String(), now}, jen.Params(jen.Index().Id("Session"), jen.Error()), list...)
	s.emitRevokeSession(method)
	others := s.revokeUser() + " AND family_id <> " + s.param(3)
	if s.lockUser == nil {
		method("RevokeOtherSessions implements Store.", "RevokeOtherSessions",
			[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("keep")).String(), now}, jen.Error(),
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit(others), s.timeArg(jen.Id("now")), jen.Id("userID"), jen.Id("keep")),
			jen.Return(jen.Err()),
		)
	} else {
		method("RevokeOtherSessions implements Store, under the lock of the user (see\n// revokeLocked).", "RevokeOtherSessions",
			[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("keep")).String(), now}, jen.Error(),
			jen.Return(jen.Id("s").Dot("revokeLocked").Call(jen.Id("ctx"), jen.Id("userID"), jen.Lit(others), s.timeArg(jen.Id("now")), jen.Id("userID"), jen.Id("keep"))),
		)
	}
	if !s.m.StrictSessions() {
		return
	}
	ended := rows(jen.Nil(), "SELECT family_id, MAX(revoked_at) FROM refresh_tokens WHERE revoked_at >= "+s.param(1)+" GROUP BY family_id", s.timeArg(jen.Id("since")))
	ended = append(ended,
		jen.Var().Id("ended").Index().Qual(pkgRevocation, "Ended"),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.Var().Id("e").Qual(pkgRevocation, "Ended"),
			jen.Var().Id("at").Add(s.timeType()),
			jen.If(jen.Err().Op(":=").Id("rows").Dot("Scan").Call(jen.Op("&").Id("e").Dot("Session"), jen.Op("&").Id("at")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Id("e").Dot("At").Op("=").Add(s.timeOf(jen.Id("at"))),
			jen.Id("ended").Op("=").Append(jen.Id("ended"), jen.Id("e")),
		),
		jen.Return(jen.Id("ended"), jen.Id("rows").Dot("Err").Call()),
	)
	method("EndedSessions implements revocation.Source. The revocation times are the\n// revoking instances' clocks: the list asks again from before its previous\n// poll (revocation.DefaultOverlap), which covers clocks a few seconds apart.", "EndedSessions",
		[]jen.Code{ctxParam(), jen.Id("since").Qual(pkgTime, "Time")}, jen.Params(jen.Index().Qual(pkgRevocation, "Ended"), jen.Error()), ended...)
}

// emitRevokeSession renders RevokeSession: one UPDATE of the family's
// unrevoked tokens, on condition that the user has a live token in it, so
// that of concurrent calls one revokes and the others match nothing. Where
// the dialect locks rows it runs under the user's lock, as every revocation
// does (see revokeLocked).
func (s sqlStore) emitRevokeSession(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	query := "UPDATE refresh_tokens SET revoked_at = " + s.param(1) + " WHERE family_id = " + s.param(2) + " AND user_id = " + s.param(3) + " AND revoked_at IS NULL" +
		" AND EXISTS (SELECT 1 FROM refresh_tokens l WHERE l.family_id = " + s.param(4) + " AND l.replaced_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > " + s.param(5) + ")"
	args := []jen.Code{jen.Id("ctx"), jen.Lit(query), s.timeArg(jen.Id("now")), jen.Id("id"), jen.Id("userID"), jen.Id("id"), s.timeArg(jen.Id("now"))}
	var body []jen.Code
	if s.lockUser == nil {
		body = append(body,
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(args...),
			ifErrReturn(jen.Lit(0), jen.Err()),
		)
	} else {
		body = append(s.beginTx(jen.Lit(0)),
			s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit(s.lockUser("FOR UPDATE")), jen.Id("userID")),
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Id("tx").Dot(s.exec).Call(args...),
			ifErrReturn(jen.Lit(0), jen.Err()),
			jen.If(jen.Err().Op(":=").Id("tx").Dot("Commit").Call(s.txEndArgs...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), jen.Err())),
		)
	}
	method("RevokeSession implements Store.", "RevokeSession",
		[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("id")).String(), jen.Id("now").Qual(pkgTime, "Time")}, jen.Params(jen.Int64(), jen.Error()),
		append(body, s.rowsAffected()...)...)
}
