package generator

import "github.com/dave/jennifer/jen"

// The owner's hooks and the audit events. hooks.go is the owner's file,
// written once like claims.go: what the service calls at registration, after
// a login, before a password change, and with every event. events.go is
// generated: the typed events, the default audit line (LogEvent), and the
// plumbing that calls the hooks.

// eventKind is one kind of Event: its constant's name, its value, and when
// it happens.
type eventKind struct{ name, value, doc string }

// eventKinds are every kind of event, whatever the options: an owner's
// switch over them compiles whichever options the service has.
var eventKinds = []eventKind{
	{"EventRegistered", "registered", "an account was created"},
	{"EventLoginSucceeded", "login_succeeded", "a password was proved and a session started"},
	{"EventLoginFailed", "login_failed", "a login was refused: an unknown identity (no UserID), a wrong password or a disabled account"},
	{"EventLoginThrottled", "login_throttled", "a password guess, at login or in a password change, waits for the throttle (no UserID)"},
	{"EventRefreshRotated", "refresh_rotated", "a refresh token was spent for a new pair"},
	{"EventRefreshReused", "refresh_reuse_detected", "a spent refresh token came back, and its session was revoked"},
	{"EventSessionRevoked", "session_revoked", "a logout ended a session, or every session of the user (no SessionID)"},
	{"EventPasswordChanged", "password_changed", "the password was replaced, and every session revoked"},
	{"EventPasswordChangeFailed", "password_change_failed", "a password change gave a wrong current password"},
	{"EventReauthenticated", "reauthenticated", "a user proved their password again, for the sensitive actions of recent_auth"},
	{"EventReauthenticationFailed", "reauthentication_failed", "a re-authentication gave a wrong password"},
	{"EventTokenCreated", "token_created", "a personal access token was made (api_tokens)"},
	{"EventTokenUsed", "token_first_used", "a personal access token authenticated its first request"},
	{"EventTokenRevoked", "token_revoked", "a personal access token was deleted by its owner or revoked through RFC 7009"},
	{"EventMFAEnabled", "mfa_enabled", "a code confirmed a new authenticator app, and the second factor is on (mfa)"},
	{"EventMFADisabled", "mfa_disabled", "the second factor was turned off, and its recovery codes deleted"},
	{"EventMFAVerified", "mfa_verified", "a code of the authenticator app was proved, at login or in a re-authentication"},
	{"EventMFAFailed", "mfa_failed", "a code of the authenticator app or a recovery code was wrong, or already used"},
	{"EventRecoveryCodeUsed", "recovery_code_used", "a recovery code stood in for the authenticator app, and is spent"},
	{"EventRecoveryCodesRegenerated", "recovery_codes_regenerated", "the recovery codes were replaced with new ones"},
}

// EventKind is one kind of event, for AUTH.md.
type EventKind struct{ Name, Value, Doc string }

// EventKinds lists the kinds of events, for AUTH.md.
func (*Model) EventKinds() []EventKind {
	out := make([]EventKind, len(eventKinds))
	for i, k := range eventKinds {
		out[i] = EventKind{k.name, k.value, k.doc}
	}
	return out
}

// emitHooks renders hooks.go, written once and then the owner's.
func emitHooks(f *jen.File, m *Model) {
	f.Comment("The hooks of this service's authentication: the generated code calls them at")
	f.Comment("the moments their names say, and relies on nothing else in this file. They")
	f.Comment("run on the request's path: keep them quick, and hand slow work to a queue.")
	f.Comment("")
	f.Comment("A hook that refuses returns an error: a *httpauth.Problem is the answer the")
	f.Comment("client gets, e.g.")
	f.Comment("")
	f.Comment("\treturn httpauth.NewProblem(http.StatusForbidden, \"domain_refused\", \"sign up with your work address\")")
	f.Comment("")
	f.Comment("and any other error is logged and answered 503.")
	f.Line()
	f.Comment("onRegister is called with each new account before it is stored, and with the")
	f.Comment("password it is registered with (check it against a list of breached ones,")
	f.Comment("say; never log or keep it). Set u's fields to enrich the account; leave its")
	f.Comment("ID and " + m.IdentityJSON() + " as they are.")
	f.Func().Id("onRegister").Params(ctxParam(), jen.Id("u").Op("*").Id("User"), jen.Id("password").String()).Error().Block(jen.Return(jen.Nil()))
	f.Line()
	f.Comment("afterLogin is called once a user has proved their password, before the")
	f.Comment("session starts: an error refuses the login.")
	f.Func().Id("afterLogin").Params(ctxParam(), jen.Id("u").Id("User")).Error().Block(jen.Return(jen.Nil()))
	f.Line()
	f.Comment("onPasswordChange is called with the new password of u before it replaces the")
	f.Comment("old one: an error refuses the change.")
	f.Func().Id("onPasswordChange").Params(ctxParam(), jen.Id("u").Id("User"), jen.Id("password").String()).Error().Block(jen.Return(jen.Nil()))
	f.Line()
	f.Comment("onEvent is called with every event (events.go) once it has happened. By")
	f.Comment("default it writes the event to the service's log at Info, the audit trail;")
	f.Comment("send it to a store of your own here as well.")
	f.Func().Id("onEvent").Params(ctxParam(), jen.Id("log").Op("*").Qual("log/slog", "Logger"), jen.Id("e").Id("Event")).Block(
		jen.Id("LogEvent").Call(jen.Id("ctx"), jen.Id("log"), jen.Id("e")),
	)
}

// emitEvents renders events.go: the kinds of events, Event, LogEvent, and
// the Service's calls of the hooks.
func emitEvents(f *jen.File, m *Model) {
	f.Comment("EventKind is what happened.")
	f.Type().Id("EventKind").String()
	f.Line()
	f.Comment("The kinds of events.")
	var consts []jen.Code
	for _, k := range eventKinds {
		consts = append(consts, jen.Comment(k.name+" means "+k.doc+"."), jen.Id(k.name).Id("EventKind").Op("=").Lit(k.value))
	}
	f.Const().Defs(consts...)
	f.Line()
	f.Comment("Event is something that happened to an account or a session, as onEvent")
	f.Comment("(hooks.go) hears of it. It carries no secret: no password, token or hash.")
	f.Type().Id("Event").Struct(
		jen.Id("Kind").Id("EventKind"),
		jen.Id("Time").Qual(pkgTime, "Time"),
		jen.Comment("UserID is the account's, or empty when no account is known."),
		jen.Id("UserID").String(),
		jen.Comment("SessionID is the session's (its refresh-token family), for events of one."),
		jen.Id("SessionID").String(),
		jen.Comment("TokenID is the personal access token's, for events of one."),
		jen.Id("TokenID").String(),
		jen.Comment("ClientAddr and UserAgent are the request's (see AUTH.md), cleaned and bounded."),
		jen.Id("ClientAddr").String(),
		jen.Id("UserAgent").String(),
	)
	f.Line()
	f.Comment("LogEvent writes e to log at Info, one line with its non-empty attributes:")
	f.Comment("the audit trail that onEvent writes by default.")
	attr := func(key string, v *jen.Statement) jen.Code {
		return jen.If(v.Clone().Op("!=").Lit("")).Block(
			jen.Id("attrs").Op("=").Append(jen.Id("attrs"), jen.Qual("log/slog", "String").Call(jen.Lit(key), v)),
		)
	}
	f.Func().Id("LogEvent").Params(ctxParam(), jen.Id("log").Op("*").Qual("log/slog", "Logger"), jen.Id("e").Id("Event")).Block(
		jen.Id("attrs").Op(":=").Index().Qual("log/slog", "Attr").Values(jen.Qual("log/slog", "String").Call(jen.Lit("event"), jen.String().Call(jen.Id("e").Dot("Kind")))),
		attr("user", jen.Id("e").Dot("UserID")),
		attr("session", jen.Id("e").Dot("SessionID")),
		attr("token", jen.Id("e").Dot("TokenID")),
		attr("client", jen.Id("e").Dot("ClientAddr")),
		attr("user_agent", jen.Id("e").Dot("UserAgent")),
		jen.Id("log").Dot("LogAttrs").Call(jen.Id("ctx"), jen.Qual("log/slog", "LevelInfo"), jen.Lit("auth: event"), jen.Id("attrs").Op("...")),
	)
	f.Line()
	f.Comment("hooks are the functions of hooks.go, held by the Service so that tests can")
	f.Comment("swap one.")
	f.Type().Id("hooks").Struct(
		jen.Id("register").Func().Params(jen.Qual(pkgContext, "Context"), jen.Op("*").Id("User"), jen.String()).Error(),
		jen.Id("login").Func().Params(jen.Qual(pkgContext, "Context"), jen.Id("User")).Error(),
		jen.Id("passwordChange").Func().Params(jen.Qual(pkgContext, "Context"), jen.Id("User"), jen.String()).Error(),
		jen.Id("event").Func().Params(jen.Qual(pkgContext, "Context"), jen.Op("*").Qual("log/slog", "Logger"), jen.Id("Event")),
	)
	f.Line()
	f.Comment("ownHooks are hooks.go's.")
	f.Var().Id("ownHooks").Op("=").Id("hooks").Values(fields(
		"register", jen.Id("onRegister"),
		"login", jen.Id("afterLogin"),
		"passwordChange", jen.Id("onPasswordChange"),
		"event", jen.Id("onEvent"),
	))
	f.Line()
	f.Comment("emit tells the event hook that kind happened to the user's session, for")
	f.Comment("the client of r.")
	f.Func().Add(recv()).Id("emit").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("kind").Id("EventKind"), jen.List(jen.Id("userID"), jen.Id("sessionID")).String()).Block(
		jen.Id("s").Dot("event").Call(jen.Id("r"), jen.Id("Event").Values(jen.Dict{jen.Id("Kind"): jen.Id("kind"), jen.Id("UserID"): jen.Id("userID"), jen.Id("SessionID"): jen.Id("sessionID")})),
	)
	f.Line()
	f.Comment("event tells the event hook of e, stamped with the time and the client of r.")
	f.Func().Add(recv()).Id("event").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("e").Id("Event")).Block(
		jen.Id("meta").Op(":=").Id("clientMeta").Call(jen.Id("r")),
		jen.Id("e").Dot("Time").Op("=").Qual(pkgTime, "Now").Call().Dot("UTC").Call(),
		jen.Id("e").Dot("ClientAddr").Op("=").Qual(pkgRefresh, "Clean").Call(jen.Id("meta").Dot("ClientAddr"), jen.Qual(pkgRefresh, "MaxClientAddr")),
		jen.Id("e").Dot("UserAgent").Op("=").Qual(pkgRefresh, "Clean").Call(jen.Id("meta").Dot("UserAgent"), jen.Qual(pkgRefresh, "MaxUserAgent")),
		jen.Id("s").Dot("hooks").Dot("event").Call(jen.Id("r").Dot("Context").Call(), jen.Id("s").Dot("log"), jen.Id("e")),
	)
	f.Line()
	f.Comment("refused answers a hook's error: its problem, or 503 for any other error,")
	f.Comment("which is logged.")
	f.Func().Add(recv()).Id("refused").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("hook").String(), jen.Err().Error()).Block(
		jen.Var().Id("p").Op("*").Qual(pkgHTTPAuth, "Problem"),
		jen.If(jen.Qual(pkgErrors, "As").Call(jen.Err(), jen.Op("&").Id("p"))).Block(
			reject(jen.Id("p")),
			jen.Return(),
		),
		jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Id("hook"), jen.Err()),
	)
	f.Line()
}

// hookRefusal is "if err := s.hooks.<hook>(args...); err != nil {
// s.refused(w, r, "<name>", err); return }".
func hookRefusal(hook, name string, args ...jen.Code) jen.Code {
	return jen.If(jen.Err().Op(":=").Id("s").Dot("hooks").Dot(hook).Call(append([]jen.Code{jen.Id("ctx")}, args...)...), jen.Err().Op("!=").Nil()).Block(
		jen.Id("s").Dot("refused").Call(jen.Id("w"), jen.Id("r"), jen.Lit(name), jen.Err()),
		jen.Return(),
	)
}

// emit is "s.emit(r, kind, userID, sessionID)".
func emit(kind string, userID, sessionID jen.Code) jen.Code {
	return jen.Id("s").Dot("emit").Call(jen.Id("r"), jen.Id(kind), userID, sessionID)
}
