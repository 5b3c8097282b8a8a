package generator

import "github.com/dave/jennifer/jen"

// The generated tests of the attacks that broke earlier services (see
// docs/SECURITY.md, "Attacks tried"): races of revocation with rotation,
// bursts past the throttle, the password-change oracle, registration floods,
// saturated hashing, refreshes that fail half-way, sessions that never end,
// and bytes that no store should see.

const pkgRefreshTest = RuntimeModule + "/refresh/refreshtest"

func emitTestAttacks(f *jen.File, m *Model) {
	emitTestRevocationRaces(f, m)
	emitTestPasswordChangeRaces(f, m)
	emitTestThrottleBurst(f, m)
	emitTestPasswordChangeThrottled(f, m)
	emitTestDeviceCookie(f, m)
	emitTestRegistrationThrottled(f, m)
	emitTestHashingSaturation(f, m)
	emitTestRefreshChecksFirst(f, m)
	emitTestSessionMaxAge(f, m)
	emitTestBadBytes(f, m)
}

// lit is a string literal; path is one of the service's routes.
func lit(s string) *jen.Statement { return jen.Lit(s) }

func status(name string) *jen.Statement { return jen.Qual(pkgHTTP, name) }

func emitTestRevocationRaces(f *jen.File, m *Model) {
	testFunc(f, "TestRevocationRaces", "TestRevocationRaces races every way of ending a session (logout-all and a\n// password change, logout, reuse detection) against a refresh of that session,\n// each way round, 200 times each: afterwards no token of the revoked session\n// refreshes, and no revocation fails.",
		jen.Id("store").Op(":=").Id("newTestStore").Call(jen.Id("t")),
		jen.Qual(pkgRefreshTest, "TestRevocationRaces").Call(jen.Id("t"), jen.Qual(pkgRefreshTest, "Harness").Values(jen.Dict{
			jen.Id("Store"): jen.Id("store"),
			jen.Id("NewUser"): jen.Func().Params(jen.Id("t").Qual(pkgTesting, "TB")).String().Block(
				jen.Id("id").Op(":=").Id("newID").Call(),
				jen.Id("u").Op(":=").Id("User").Values(fields(
					"ID", jen.Id("id"),
					m.IdentityField(), racerIdentity(m),
					"PasswordHash", lit("unused"),
					"Active", jen.True(),
					"CreatedAt", jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")),
				)),
				jen.If(jen.Err().Op(":=").Id("store").Dot("CreateUser").Call(jen.Qual(pkgContext, "Background").Call(), jen.Id("u")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err())),
				jen.Return(jen.Id("id")),
			),
			jen.Id("RevokeUser"): jen.Id("store").Dot("RevokeUserRefresh"),
		})),
	)
}

// racerIdentity is a distinct identity per user of the races.
func racerIdentity(m *Model) jen.Code {
	id := lit("racer-").Op("+").Id("id").Index(jen.Empty(), jen.Lit(8))
	if m.UsesEmail() {
		return id.Op("+").Lit("@example.com")
	}
	return id
}

// wrongLogin is a login of the sample identity with a wrong password.
func wrongLogin(m *Model) *jen.Statement {
	return post(m.Route("/login"), credsJSON(m, lit(m.SampleIdentity()), lit("not the password")))
}

func emitTestThrottleBurst(f *jen.File, m *Model) {
	if !m.Throttled() {
		return
	}
	testFunc(f, "TestThrottleHoldsUnderBurst", "TestThrottleHoldsUnderBurst sends 40 wrong passwords for one account at once,\n// as an attacker with many connections would: only the identity's allowance is\n// verified, and the rest get 429 without reaching the hasher.",
		jen.List(jen.Id("svc"), jen.Id("h")).Op(":=").Id("newFailureService").Call(jen.Id("t")),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		jen.Const().Id("n").Op("=").Lit(40),
		jen.Id("statuses").Op(":=").Make(jen.Chan().Int(), jen.Id("n")),
		jen.Id("start").Op(":=").Make(jen.Chan().Struct()),
		jen.Var().Id("wg").Qual("sync", "WaitGroup"),
		jen.For(jen.Range().Id("n")).Block(
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(
				jen.Op("<-").Id("start"),
				jen.Id("statuses").Op("<-").Add(wrongLogin(m)).Dot("status"),
			)),
		),
		jen.Id("close").Call(jen.Id("start")),
		jen.Id("wg").Dot("Wait").Call(),
		jen.Id("close").Call(jen.Id("statuses")),
		jen.Id("counts").Op(":=").Map(jen.Int()).Int().Values(),
		jen.For(jen.Id("s").Op(":=").Range().Id("statuses")).Block(jen.Id("counts").Index(jen.Id("s")).Op("++")),
		jen.Id("allowance").Op(":=").Qual(pkgThrottle, "DefaultIdentity").Dot("Free").Op("+").Lit(1),
		jen.If(jen.Id("got").Op(":=").Int().Call(jen.Id("h").Dot("verified").Dot("Load").Call()), jen.Id("got").Op("!=").Id("allowance")).Block(
			tcall("Errorf", lit("%d concurrent wrong passwords ran %d verifications, want the allowance of %d"), jen.Id("n"), jen.Id("got"), jen.Id("allowance")),
		),
		jen.If(jen.Id("counts").Index(status("StatusUnauthorized")).Op("!=").Id("allowance").Op("||").Id("counts").Index(status("StatusTooManyRequests")).Op("!=").Id("n").Op("-").Id("allowance")).Block(
			tcall("Errorf", lit("answers by status %v, want %d x 401 and %d x 429"), jen.Id("counts"), jen.Id("allowance"), jen.Id("n").Op("-").Id("allowance")),
		),
	)
}

func emitTestPasswordChangeThrottled(f *jen.File, m *Model) {
	if !m.Throttled() {
		return
	}
	change := func(current jen.Code) *jen.Statement {
		return post(m.Route("/password"), jen.Map(jen.String()).String().Values(jen.Dict{lit("current_password"): current, lit("new_password"): lit("a new and longer passphrase")}), jen.Id("bearer").Call(jen.Id("tk").Dot("Access")).Op("..."))
	}
	testFunc(f, "TestPasswordChangeIsThrottled", "TestPasswordChangeIsThrottled: the current password of "+m.Route("/password")+" is\n// guessed against the same allowance as logins, so a stolen access token is no\n// password oracle, and its guesses hold back the identity's logins too.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), lit(m.SampleIdentity())),
		jen.For(jen.Range().Qual(pkgThrottle, "DefaultIdentity").Dot("Free").Op("+").Lit(1)).Block(
			wantProblem(change(lit("not the password")), "StatusForbidden", "invalid_credentials"),
		),
		wantProblem(change(jen.Id("testPassword")), "StatusTooManyRequests", "rate_limited"),
		wantProblem(post(m.Route("/login"), credsJSON(m, lit(m.SampleIdentity()), jen.Id("testPassword"))), "StatusTooManyRequests", "rate_limited"),
	)
}

func emitTestRegistrationThrottled(f *jen.File, m *Model) {
	if !m.Throttled() {
		return
	}
	register := func(i jen.Code) *jen.Statement {
		return post(m.Route("/register"), credsJSON(m, jen.Qual("fmt", "Sprintf").Call(lit(sampleNumbered(m)), i), jen.Id("testPassword")))
	}
	testFunc(f, "TestRegistrationIsThrottled", "TestRegistrationIsThrottled: one client address registers its allowance of\n// accounts, then waits, told how long by Retry-After.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("svc").Dot("throttle").Dot("Registration").Op("=").Qual(pkgThrottle, "Policy").Values(fields("Free", jen.Lit(2), "Base", jen.Qual(pkgTime, "Minute"), "Max", jen.Qual(pkgTime, "Hour"), "Forget", jen.Qual(pkgTime, "Hour"))),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		jen.For(jen.Id("i").Op(":=").Range().Lit(3)).Block(
			jen.If(jen.Id("r").Op(":=").Add(register(jen.Id("i"))), jen.Id("r").Dot("status").Op("!=").Add(status(m.RegisteredStatus()))).Block(
				tcall("Fatalf", lit("registration %d: %d %s"), jen.Id("i"), jen.Id("r").Dot("status"), jen.Id("r").Dot("body")),
			),
		),
		jen.Id("r").Op(":=").Add(register(jen.Lit(3))),
		wantProblem(jen.Id("r"), "StatusTooManyRequests", "rate_limited"),
		jen.If(jen.Id("got").Op(":=").Id("r").Dot("header").Dot("Get").Call(lit("Retry-After")), jen.Id("got").Op("!=").Lit("60")).Block(
			tcall("Errorf", lit("Retry-After = %q, want 60"), jen.Id("got")),
		),
	)
}

func emitTestHashingSaturation(f *jen.File, m *Model) {
	testFunc(f, "TestHashingSaturation", "TestHashingSaturation: while every hashing slot stays taken past the wait,\n// logins and registrations get 503 with Retry-After at once, never a hung or\n// dropped connection; once a slot is free they work again.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("svc").Dot("hashing").Op("=").Qual(pkgPassword, "NewLimiter").Call(jen.Lit(1), jen.Lit(10).Op("*").Qual(pkgTime, "Millisecond")),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), lit(m.SampleIdentity())),
		jen.List(jen.Id("held"), jen.Id("release")).Op(":=").List(jen.Make(jen.Chan().Struct()), jen.Make(jen.Chan().Struct())),
		jen.Go().Id("svc").Dot("hashing").Dot("Do").Call(jen.Qual(pkgContext, "Background").Call(), jen.Func().Params().Block(
			jen.Id("close").Call(jen.Id("held")),
			jen.Op("<-").Id("release"),
		)),
		jen.Op("<-").Id("held"),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Index().Id("result").Values(
			post(m.Route("/login"), credsJSON(m, lit(m.SampleIdentity()), jen.Id("testPassword"))),
			post(m.Route("/register"), credsJSON(m, lit(m.SampleOther()), jen.Id("testPassword"))),
		)).Block(
			wantProblem(jen.Id("r"), "StatusServiceUnavailable", "unavailable"),
			jen.If(jen.Id("r").Dot("header").Dot("Get").Call(lit("Retry-After")).Op("==").Lit("")).Block(
				tcall("Errorf", lit("503 without Retry-After")),
			),
		),
		jen.Id("close").Call(jen.Id("release")),
		jen.Id("wantTokens").Call(jen.Id("t"), post(m.Route("/login"), credsJSON(m, lit(m.SampleIdentity()), jen.Id("testPassword")))),
	)
}

func emitTestRefreshChecksFirst(f *jen.File, m *Model) {
	refresh := func(tok jen.Code) *jen.Statement { return post(m.Route("/refresh"), refreshWith(tok)) }
	testFunc(f, "TestRefreshChecksBeforeSpending", "TestRefreshChecksBeforeSpending: a refresh that fails after its token was\n// found (here: the claims cannot be built) leaves the token unspent, so the\n// client's retry refreshes instead of looking like reuse.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Var().Id("failClaims").Qual("sync/atomic", "Bool"),
		jen.Id("svc").Dot("claimsFor").Op("=").Func().Params(jen.Id("ctx").Qual(pkgContext, "Context"), jen.Id("u").Id("User")).Params(jen.Id("TokenClaims"), jen.Error()).Block(
			jen.If(jen.Id("failClaims").Dot("Load").Call()).Block(
				jen.Return(jen.Id("TokenClaims").Values(), jen.Qual(pkgErrors, "New").Call(lit("claims unavailable"))),
			),
			jen.Return(jen.Id("claimsFor").Call(jen.Id("ctx"), jen.Id("u"))),
		),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), lit(m.SampleIdentity())),
		jen.Id("failClaims").Dot("Store").Call(jen.True()),
		wantProblem(refresh(jen.Id("tk").Dot("Refresh")), "StatusServiceUnavailable", "unavailable"),
		jen.Id("failClaims").Dot("Store").Call(jen.False()),
		jen.Id("next").Op(":=").Id("wantTokens").Call(jen.Id("t"), refresh(jen.Id("tk").Dot("Refresh"))),
		jen.Id("wantTokens").Call(jen.Id("t"), refresh(jen.Id("next").Dot("Refresh"))),
	)
}

func emitTestSessionMaxAge(f *jen.File, m *Model) {
	advance := func(d jen.Code) jen.Code {
		return jen.Id("mu").Dot("Lock").Call().Line().Id("now").Op("=").Id("now").Dot("Add").Call(d).Line().Id("mu").Dot("Unlock").Call()
	}
	refresh := func(tok jen.Code) *jen.Statement { return post(m.Route("/refresh"), refreshWith(tok)) }
	testFunc(f, "TestSessionMaxAge", "TestSessionMaxAge: a session that keeps refreshing still ends at its absolute\n// lifetime: its last refresh token expires with it, and then refresh is 401.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Var().Id("mu").Qual("sync", "Mutex"),
		jen.Id("now").Op(":=").Qual(pkgTime, "Now").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")).Comment("as the stores keep it"),
		jen.Id("svc").Dot("refresh").Dot("Now").Op("=").Func().Params().Qual(pkgTime, "Time").Block(
			jen.Id("mu").Dot("Lock").Call(),
			jen.Defer().Id("mu").Dot("Unlock").Call(),
			jen.Return(jen.Id("now")),
		),
		jen.Id("svc").Dot("refresh").Dot("MaxAge").Op("=").Lit(3).Op("*").Qual(pkgTime, "Hour").Comment("the refresh TTL of the tests is an hour"),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		tcall("Cleanup", jen.Id("srv").Dot("Close")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), lit(m.SampleIdentity())),
		jen.Var().Id("r").Id("result"),
		jen.For(jen.Range().Lit(3)).Block(
			advance(jen.Lit(50).Op("*").Qual(pkgTime, "Minute")),
			jen.Id("r").Op("=").Add(refresh(jen.Id("tk").Dot("Refresh"))),
			jen.Id("tk").Op("=").Id("wantTokens").Call(jen.Id("t"), jen.Id("r")),
		),
		jen.Comment("150 minutes in, the last token lives until the session ends, 30 minutes"),
		jen.Comment("on, and not for the hour of a refresh TTL."),
		jen.If(jen.Id("got").Op(":=").Id("r").Dot("fields").Call(jen.Id("t")).Index(lit("refresh_expires_in")), jen.Id("got").Op("!=").Float64().Call(jen.Lit(30*60))).Block(
			tcall("Errorf", lit("refresh_expires_in = %v, want 1800 (the rest of the session)"), jen.Id("got")),
		),
		advance(jen.Lit(30).Op("*").Qual(pkgTime, "Minute")),
		wantProblem(refresh(jen.Id("tk").Dot("Refresh")), "StatusUnauthorized", "invalid_token"),
	)
}

func emitTestBadBytes(f *jen.File, m *Model) {
	form := func(values jen.Dict) *jen.Statement {
		return jen.Qual("net/url", "Values").Values(values).Dot("Encode").Call()
	}
	formRequest := func(values jen.Dict) jen.Code {
		return jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(lit("POST"), lit(m.Route("/login")), jen.Qual("strings", "NewReader").Call(form(values))).Line().
			Id("req").Dot("Header").Dot("Set").Call(lit("Content-Type"), lit("application/x-www-form-urlencoded"))
	}
	testFunc(f, "TestBadBytesNeverReachTheStore", "TestBadBytesNeverReachTheStore: identities that no account can have (NUL,\n// control characters, invalid UTF-8, over-long) are refused at login like an\n// unknown account, before the store; and a User-Agent of NUL, invalid UTF-8\n// and multibyte text longer than the stored limit is stored as valid text cut\n// on a rune boundary, while login and refresh still answer 200.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("router").Op(":=").Id("newTestRouter").Call(jen.Id("svc")),
		jen.Id("serve").Op(":=").Func().Params(jen.Id("req").Op("*").Qual(pkgHTTP, "Request")).Op("*").Qual("net/http/httptest", "ResponseRecorder").Block(
			jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
			jen.Id("router").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
			jen.Return(jen.Id("w")),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("identity")).Op(":=").Range().Index().String().Values(
			lit("\x00"), lit(m.SampleIdentity()+"\x00"), lit("\xff\xfe"), lit("ada\n"+m.SampleOther()), jen.Qual("strings", "Repeat").Call(lit("é"), jen.Lit(300)),
		)).Block(
			formRequest(jen.Dict{lit("grant_type"): jen.Values(lit("password")), lit("username"): jen.Values(jen.Id("identity")), lit("password"): jen.Values(jen.Id("testPassword"))}),
			jen.If(jen.Id("w").Op(":=").Id("serve").Call(jen.Id("req")), jen.Id("w").Dot("Code").Op("!=").Add(status("StatusBadRequest")).Op("||").Op("!").Qual("strings", "Contains").Call(jen.Id("w").Dot("Body").Dot("String").Call(), lit(`"invalid_grant"`))).Block(
				tcall("Errorf", lit("form login as %q: %d %s, want 400 invalid_grant"), jen.Id("identity"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
			),
			jen.List(jen.Id("body"), jen.Id("_")).Op(":=").Qual("encoding/json", "Marshal").Call(credsJSON(m, jen.Id("identity"), jen.Id("testPassword"))),
			jen.Id("req").Op("=").Qual("net/http/httptest", "NewRequest").Call(lit("POST"), lit(m.Route("/login")), jen.Qual("bytes", "NewReader").Call(jen.Id("body"))),
			jen.Id("req").Dot("Header").Dot("Set").Call(lit("Content-Type"), lit("application/json")),
			jen.If(jen.Id("w").Op(":=").Id("serve").Call(jen.Id("req")), jen.Id("w").Dot("Code").Op("!=").Add(status("StatusUnauthorized"))).Block(
				tcall("Errorf", lit("JSON login as %q: %d %s, want 401"), jen.Id("identity"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
			),
		),
		jen.List(jen.Id("body"), jen.Id("_")).Op(":=").Qual("encoding/json", "Marshal").Call(credsJSON(m, lit(m.SampleIdentity()), jen.Id("testPassword"))),
		jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(lit("POST"), lit(m.Route("/register")), jen.Qual("bytes", "NewReader").Call(jen.Id("body"))),
		jen.Id("req").Dot("Header").Dot("Set").Call(lit("Content-Type"), lit("application/json")),
		jen.If(jen.Id("w").Op(":=").Id("serve").Call(jen.Id("req")), jen.Id("w").Dot("Code").Op("!=").Add(status(m.RegisteredStatus()))).Block(
			tcall("Fatalf", lit("register: %d %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
		),
		jen.Id("agent").Op(":=").Lit("curl/8\x00\xff\xfe ").Op("+").Qual("strings", "Repeat").Call(lit("é"), jen.Lit(300)),
		jen.Var().Id("tk").Struct(jen.Id("RefreshToken").String().Tag(map[string]string{"json": "refresh_token"})),
		jen.For(jen.List(jen.Id("_"), jen.Id("grant")).Op(":=").Range().Index().Qual("net/url", "Values").Values(
			jen.Values(jen.Dict{lit("grant_type"): jen.Values(lit("password")), lit("username"): jen.Values(lit(m.SampleIdentity())), lit("password"): jen.Values(jen.Id("testPassword"))}),
			jen.Values(jen.Dict{lit("grant_type"): jen.Values(lit("refresh_token"))}),
		)).Block(
			jen.If(jen.Id("tk").Dot("RefreshToken").Op("!=").Lit("")).Block(jen.Id("grant").Dot("Set").Call(lit("refresh_token"), jen.Id("tk").Dot("RefreshToken"))),
			jen.Id("req").Op(":=").Qual("net/http/httptest", "NewRequest").Call(lit("POST"), lit(m.Route("/login")), jen.Qual("strings", "NewReader").Call(jen.Id("grant").Dot("Encode").Call())),
			jen.Id("req").Dot("Header").Dot("Set").Call(lit("Content-Type"), lit("application/x-www-form-urlencoded")),
			jen.Id("req").Dot("Header").Dot("Set").Call(lit("User-Agent"), jen.Id("agent")),
			jen.Id("w").Op(":=").Id("serve").Call(jen.Id("req")),
			jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("w").Dot("Body").Dot("Bytes").Call(), jen.Op("&").Id("tk")), jen.Id("w").Dot("Code").Op("!=").Add(status("StatusOK")).Op("||").Err().Op("!=").Nil()).Block(
				tcall("Fatalf", lit("%s with a hostile User-Agent: %d %s"), jen.Id("grant").Dot("Get").Call(lit("grant_type")), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
			),
		),
		jen.List(jen.Id("rec"), jen.Err()).Op(":=").Id("svc").Dot("store").Dot("RefreshByDigest").Call(jen.Qual(pkgContext, "Background").Call(), jen.Qual(pkgRefresh, "Digest").Call(jen.Id("tk").Dot("RefreshToken"))),
		ifErr(tcall("Fatal", jen.Err())),
		jen.If(jen.Op("!").Qual("unicode/utf8", "ValidString").Call(jen.Id("rec").Dot("UserAgent")).Op("||").Len(jen.Id("rec").Dot("UserAgent")).Op(">").Qual(pkgRefresh, "MaxUserAgent").Op("||").Qual("strings", "ContainsRune").Call(jen.Id("rec").Dot("UserAgent"), jen.Lit(0))).Block(
			tcall("Errorf", lit("stored User-Agent %q: want valid UTF-8 without NUL, at most %d bytes"), jen.Id("rec").Dot("UserAgent"), jen.Qual(pkgRefresh, "MaxUserAgent")),
		),
	)
}

func emitTestDeviceCookie(f *jen.File, m *Model) {
	if !m.Throttled() {
		return
	}
	login := func(password jen.Code, header ...jen.Code) *jen.Statement {
		return post(m.Route("/login"), credsJSON(m, lit(m.SampleIdentity()), password), header...)
	}
	withDevice := func(value jen.Code) []jen.Code {
		return []jen.Code{lit("Cookie"), lit(m.DeviceCookie() + "=").Op("+").Add(value)}
	}
	wrong := lit("not the password")
	testFunc(f, "TestDeviceCookieOutlivesALockout", "TestDeviceCookieOutlivesALockout: strangers who know the "+m.IdentityJSON()+" lock it out,\n// but the device its owner signed in from before still gets in with the right\n// password; a tampered cookie is a stranger's, and the device's own guesses\n// are throttled too.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), lit(m.SampleIdentity())),
		jen.Id("r").Op(":=").Add(login(jen.Id("testPassword"))),
		jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("r")),
		jen.Id("device").Op(":=").Id("cookieOf").Call(jen.Id("r"), lit(m.DeviceCookie())),
		jen.If(jen.Id("device").Dot("Value").Op("==").Lit("").Op("||").Op("!").Id("device").Dot("HttpOnly").Op("||").Id("device").Dot("Path").Op("!=").Lit(m.Route("/login"))).Block(
			tcall("Fatalf", lit("device cookie %+v: want an HttpOnly cookie for "+m.Route("/login")), jen.Id("device")),
		),
		jen.For(jen.Range().Qual(pkgThrottle, "DefaultIdentity").Dot("Free").Op("+").Lit(1)).Block(
			wantProblem(login(wrong), "StatusUnauthorized", "invalid_credentials"),
		),
		wantProblem(login(jen.Id("testPassword")), "StatusTooManyRequests", "rate_limited"),
		jen.Id("wantTokens").Call(jen.Id("t"), login(jen.Id("testPassword"), withDevice(jen.Id("device").Dot("Value"))...)),
		jen.Id("tampered").Op(":=").Lit("A").Op("+").Id("device").Dot("Value").Index(jen.Lit(1), jen.Empty()),
		jen.If(jen.Id("tampered").Op("==").Id("device").Dot("Value")).Block(jen.Id("tampered").Op("=").Lit("B").Op("+").Id("device").Dot("Value").Index(jen.Lit(1), jen.Empty())),
		wantProblem(login(jen.Id("testPassword"), withDevice(jen.Id("tampered"))...), "StatusTooManyRequests", "rate_limited"),
		jen.For(jen.Range().Qual(pkgThrottle, "DefaultDevice").Dot("Free").Op("+").Lit(1)).Block(
			wantProblem(login(wrong, withDevice(jen.Id("device").Dot("Value"))...), "StatusUnauthorized", "invalid_credentials"),
		),
		wantProblem(login(jen.Id("testPassword"), withDevice(jen.Id("device").Dot("Value"))...), "StatusTooManyRequests", "rate_limited"),
	)
}

func emitTestPasswordChangeRaces(f *jen.File, m *Model) {
	race := func(a, b jen.Code) []jen.Code {
		return []jen.Code{
			jen.Var().Id("wg").Qual("sync", "WaitGroup"),
			jen.Id("start").Op(":=").Make(jen.Chan().Struct()),
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(jen.Op("<-").Id("start"), jen.If(jen.Id("i").Op("%2").Op("==").Lit(0)).Block(jen.Qual("runtime", "Gosched").Call()), a)),
			jen.Id("wg").Dot("Go").Call(jen.Func().Params().Block(jen.Op("<-").Id("start"), jen.If(jen.Id("i").Op("%2").Op("==").Lit(1)).Block(jen.Qual("runtime", "Gosched").Call()), b)),
			jen.Id("close").Call(jen.Id("start")),
			jen.Id("wg").Dot("Wait").Call(),
		}
	}
	replace := func(errVar, next string) jen.Code {
		return jen.Id(errVar).Op("=").Id("store").Dot("ReplacePasswordHash").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("hash"), jen.Id(next), jen.Qual(pkgTime, "Now").Call())
	}
	loginRace := append([]jen.Code{
		jen.Id("next").Op(":=").Qual("fmt", "Sprintf").Call(lit("hash-%d"), jen.Id("i")),
		jen.List(jen.Id("_"), jen.Id("rec"), jen.Err()).Op(":=").Id("manager").Dot("NewFamily").Call(jen.Id("u").Dot("ID"), jen.Qual(pkgRefresh, "Meta").Values()),
		ifErr(tcall("Fatal", jen.Err())),
		jen.Var().List(jen.Id("loginErr"), jen.Id("changeErr")).Error(),
	}, race(
		jen.Id("loginErr").Op("=").Id("store").Dot("StartSession").Call(jen.Id("ctx"), jen.Id("rec"), jen.Id("hash")),
		replace("changeErr", "next"),
	)...)
	loginRace = append(loginRace,
		jen.If(jen.Id("changeErr").Op("!=").Nil()).Block(tcall("Fatalf", lit("trial %d: password change: %v"), jen.Id("i"), jen.Id("changeErr"))),
		jen.Id("hash").Op("=").Id("next"),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Id("loginErr"), jen.Id("ErrPasswordChanged"))).Block(jen.Continue().Comment("the login came after the change, and failed")),
		jen.If(jen.Id("loginErr").Op("!=").Nil()).Block(tcall("Fatalf", lit("trial %d: login: %v"), jen.Id("i"), jen.Id("loginErr"))),
		jen.If(jen.List(jen.Id("got"), jen.Err()).Op(":=").Id("store").Dot("RefreshByDigest").Call(jen.Id("ctx"), jen.Id("rec").Dot("Digest")), jen.Err().Op("!=").Nil().Op("||").Id("got").Dot("RevokedAt").Op("==").Nil()).Block(
			tcall("Errorf", lit("trial %d: a session that proved the old password outlived the change (err %v)"), jen.Id("i"), jen.Err()),
		),
	)
	changeRace := append([]jen.Code{
		jen.List(jen.Id("a"), jen.Id("b")).Op(":=").List(jen.Id("hash").Op("+").Lit("a"), jen.Id("hash").Op("+").Lit("b")),
		jen.Var().List(jen.Id("errA"), jen.Id("errB")).Error(),
	}, race(replace("errA", "a"), replace("errB", "b"))...)
	changeRace = append(changeRace,
		jen.Switch().Block(
			jen.Case(jen.Id("errA").Op("==").Nil().Op("&&").Qual(pkgErrors, "Is").Call(jen.Id("errB"), jen.Id("ErrPasswordChanged"))).Block(jen.Id("hash").Op("=").Id("a")),
			jen.Case(jen.Id("errB").Op("==").Nil().Op("&&").Qual(pkgErrors, "Is").Call(jen.Id("errA"), jen.Id("ErrPasswordChanged"))).Block(jen.Id("hash").Op("=").Id("b")),
			jen.Default().Block(tcall("Fatalf", lit("trial %d: two changes from one current password answered %v and %v, want exactly one to win"), jen.Id("i"), jen.Id("errA"), jen.Id("errB"))),
		),
	)
	testFunc(f, "TestPasswordChangeRaces", "TestPasswordChangeRaces races, 200 times each way round, a login that proved\n// the current password against a change of it: the login's session never\n// outlives the change (it is revoked, or it never starts); and two changes\n// made from one current password: exactly one wins.",
		jen.Id("store").Op(":=").Id("newTestStore").Call(jen.Id("t")),
		jen.Id("ctx").Op(":=").Qual(pkgContext, "Background").Call(),
		jen.Id("manager").Op(":=").Op("&").Qual(pkgRefresh, "Manager").Values(jen.Dict{jen.Id("Store"): jen.Id("store"), jen.Id("TTL"): jen.Qual(pkgTime, "Hour")}),
		jen.Id("hash").Op(":=").Lit("hash-start"),
		jen.Id("u").Op(":=").Id("User").Values(fields(
			"ID", jen.Id("newID").Call(),
			m.IdentityField(), lit(m.SampleIdentity()),
			"PasswordHash", jen.Id("hash"),
			"Active", jen.True(),
			"CreatedAt", jen.Qual(pkgTime, "Now").Call().Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Second")),
		)),
		jen.If(jen.Err().Op(":=").Id("store").Dot("CreateUser").Call(jen.Id("ctx"), jen.Id("u")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err())),
		jen.For(jen.Id("i").Op(":=").Range().Lit(200)).Block(loginRace...),
		jen.For(jen.Id("i").Op(":=").Range().Lit(200)).Block(changeRace...),
	)
}
