package generator

import "github.com/dave/jennifer/jen"

// Login throttling (login_throttle): the Service's throttle.Login, its
// configuration, and the three calls Login makes. The counting itself is the
// runtime's (runtime/throttle); what is generated is where the counts live and
// how a request names its client.

const pkgThrottle = RuntimeModule + "/throttle"

// throttled reports whether the service throttles logins at all.
func (m *Model) throttled() bool { return m.LoginThrottle != "off" }

// throttleInStore reports whether the counts live in the Store, shared by
// every instance, rather than in the process.
func (m *Model) throttleInStore() bool { return m.LoginThrottle == "store" }

// throttleConfigFields are the Config fields of the policies.
func throttleConfigFields(m *Model) []jen.Code {
	if !m.throttled() {
		return nil
	}
	return []jen.Code{
		jen.Comment("IdentityThrottle and AddressThrottle slow down password guessing per"),
		jen.Comment("identity and per client address (AUTH_LOGIN_FREE_FAILURES and"),
		jen.Comment("AUTH_LOGIN_ADDRESS_FREE_FAILURES set their free failures); zero values"),
		jen.Comment("take throttle.DefaultIdentity and throttle.DefaultAddress."),
		jen.List(jen.Id("IdentityThrottle"), jen.Id("AddressThrottle")).Qual(pkgThrottle, "Policy"),
	}
}

// throttleFromEnv reads the policies in ConfigFromEnv.
func throttleFromEnv(m *Model) []jen.Code {
	if !m.throttled() {
		return nil
	}
	read := func(field, env, def string) jen.Code {
		return jen.If(
			jen.List(jen.Id("cfg").Dot(field), jen.Err()).Op("=").Id("policyEnv").Call(jen.Lit(env), jen.Qual(pkgThrottle, def)),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Id("Config").Values(), jen.Err()))
	}
	return []jen.Code{
		read("IdentityThrottle", "AUTH_LOGIN_FREE_FAILURES", "DefaultIdentity"),
		read("AddressThrottle", "AUTH_LOGIN_ADDRESS_FREE_FAILURES", "DefaultAddress"),
	}
}

// emitPolicyEnv renders policyEnv, ConfigFromEnv's reader of free failures.
func emitPolicyEnv(f *jen.File, m *Model) {
	if !m.throttled() {
		return
	}
	f.Line()
	f.Comment("policyEnv is def with its free failures read from the variable name.")
	f.Func().Id("policyEnv").Params(jen.Id("name").String(), jen.Id("def").Qual(pkgThrottle, "Policy")).Params(jen.Qual(pkgThrottle, "Policy"), jen.Error()).Block(
		jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Id("name")),
		jen.If(jen.Id("v").Op("==").Lit("")).Block(jen.Return(jen.Id("def"), jen.Nil())),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Qual("strconv", "Atoi").Call(jen.Id("v")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("n").Op("<").Lit(1)).Block(
			jen.Return(jen.Qual(pkgThrottle, "Policy").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s=%q is not a positive number of failures such as 5"), jen.Id("name"), jen.Id("v"))),
		),
		jen.Id("def").Dot("Free").Op("=").Id("n"),
		jen.Return(jen.Id("def"), jen.Nil()),
	)
}

// throttleServiceField is the Service's field.
func throttleServiceField(m *Model) jen.Code {
	if !m.throttled() {
		return jen.Null()
	}
	return jen.Id("throttle").Op("*").Qual(pkgThrottle, "Login")
}

// throttleServiceValue builds the field in New.
func throttleServiceValue(m *Model) []any {
	if !m.throttled() {
		return nil
	}
	var counts jen.Code = jen.Qual(pkgThrottle, "NewMemory").Call(jen.Lit(0))
	if m.throttleInStore() {
		counts = jen.Id("store")
	}
	return []any{"throttle", jen.Op("&").Qual(pkgThrottle, "Login").Values(fields(
		"Store", counts,
		"Identity", jen.Id("cfg").Dot("IdentityThrottle"),
		"Address", jen.Id("cfg").Dot("AddressThrottle"),
	))}
}

// throttleStoreMethods extends the Store interface when it keeps the counts.
func throttleStoreMethods(m *Model) []jen.Code {
	if !m.throttleInStore() {
		return nil
	}
	return []jen.Code{
		jen.Comment("The failed-login counts, shared by every instance of the service."),
		jen.Qual(pkgThrottle, "Store"),
	}
}

// Login's three calls; each is empty when throttling is off.

func throttleCheck(m *Model) jen.Code {
	if !m.throttled() {
		return jen.Null()
	}
	return jen.If(jen.Op("!").Id("s").Dot("allowLogin").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("identity"), jen.Id("address"))).Block(jen.Return())
}

func throttleFailed(m *Model) jen.Code {
	if !m.throttled() {
		return jen.Null()
	}
	return jen.Id("s").Dot("loginFailed").Call(jen.Id("ctx"), jen.Id("identity"), jen.Id("address"))
}

func throttleSucceeded(m *Model) jen.Code {
	if !m.throttled() {
		return jen.Null()
	}
	return jen.Id("s").Dot("loginSucceeded").Call(jen.Id("ctx"), jen.Id("identity"))
}

// emitThrottle renders throttle.go: the Service's side of throttling.
func emitThrottle(f *jen.File, m *Model) {
	f.Comment("allowLogin answers 429 with Retry-After when identity or address has failed")
	f.Comment("too often lately, and 503 when the counts cannot be read: it fails closed.")
	f.Comment("The wait depends only on the identity as typed, so it tells nothing about")
	f.Comment("whether the account exists.")
	f.Func().Add(recv()).Id("allowLogin").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.List(jen.Id("identity"), jen.Id("address")).String()).Bool().Block(
		jen.List(jen.Id("wait"), jen.Err()).Op(":=").Id("s").Dot("throttle").Dot("Check").Call(jen.Id("ctx"), jen.Id("identity"), jen.Id("address")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("check login throttle"), jen.Err()),
			jen.Return(jen.False()),
		),
		jen.If(jen.Id("wait").Op(">").Lit(0)).Block(
			jen.Id("p").Op(":=").Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusTooManyRequests"), jen.Qual(pkgHTTPAuth, "CodeRateLimited"), jen.Lit("too many failed logins: try again after the time in Retry-After")),
			jen.Id("p").Dot("RetryAfter").Op("=").Int().Call(jen.Parens(jen.Id("wait").Op("+").Qual(pkgTime, "Second").Op("-").Lit(1)).Op("/").Qual(pkgTime, "Second")),
			reject(jen.Id("p")),
			jen.Return(jen.False()),
		),
		jen.Return(jen.True()),
	)
	f.Line()
	f.Comment("loginFailed counts a failed login against identity and address.")
	f.Func().Add(recv()).Id("loginFailed").Params(ctxParam(), jen.List(jen.Id("identity"), jen.Id("address")).String()).Block(
		jen.If(jen.Err().Op(":=").Id("s").Dot("throttle").Dot("Failed").Call(jen.Id("ctx"), jen.Id("identity"), jen.Id("address")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: count failed login"), jen.Lit("err"), jen.Err()),
		),
	)
	f.Line()
	f.Comment("loginSucceeded forgets the identity's failures; the address keeps its own.")
	f.Func().Add(recv()).Id("loginSucceeded").Params(ctxParam(), jen.Id("identity").String()).Block(
		jen.If(jen.Err().Op(":=").Id("s").Dot("throttle").Dot("Succeeded").Call(jen.Id("ctx"), jen.Id("identity")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: reset failed logins"), jen.Lit("err"), jen.Err()),
		),
	)
}

// emitClientAddress renders clientAddress: the direct peer, or the address
// the configured trusted proxy header carries.
func emitClientAddress(f *jen.File, m *Model) {
	peer := []jen.Code{
		jen.List(jen.Id("host"), jen.Id("_"), jen.Err()).Op(":=").Qual("net", "SplitHostPort").Call(jen.Id("r").Dot("RemoteAddr")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r").Dot("RemoteAddr"))),
		jen.Return(jen.Id("host")),
	}
	if m.ClientIPHeader == "" {
		f.Comment("clientAddress is the address of the direct peer. Behind a proxy, set")
		f.Comment("client_ip_header in authgen.yaml to the header it sets.")
		f.Func().Id("clientAddress").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).String().Block(peer...)
		f.Line()
		return
	}
	f.Comment("clientAddress is the rightmost address in " + m.ClientIPHeader + ", the one the")
	f.Comment("trusted proxy in front of the service appended; addresses further left were")
	f.Comment("sent by the client and prove nothing. Without a valid one it is the peer.")
	body := []jen.Code{
		jen.Id("values").Op(":=").Id("r").Dot("Header").Dot("Values").Call(jen.Lit(m.ClientIPHeader)),
		jen.If(jen.Len(jen.Id("values")).Op(">").Lit(0)).Block(
			jen.Id("list").Op(":=").Id("values").Index(jen.Len(jen.Id("values")).Op("-").Lit(1)),
			jen.Id("last").Op(":=").Id("list").Index(jen.Qual("strings", "LastIndexByte").Call(jen.Id("list"), jen.LitRune(',')).Op("+").Lit(1).Op(":")),
			jen.If(jen.List(jen.Id("addr"), jen.Err()).Op(":=").Qual("net/netip", "ParseAddr").Call(jen.Qual("strings", "TrimSpace").Call(jen.Id("last"))), jen.Err().Op("==").Nil()).Block(
				jen.Return(jen.Id("addr").Dot("String").Call()),
			),
		),
	}
	f.Func().Id("clientAddress").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).String().Block(append(body, peer...)...)
	f.Line()
}

// emitTestThrottle renders the generated tests of throttling: per identity
// with a test clock, and per address across identities.
func emitTestThrottle(f *jen.File, m *Model) {
	if !m.throttled() {
		return
	}
	login := func(identity, password jen.Code) *jen.Statement {
		return jen.Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, identity, password))
	}
	wrong := jen.Lit("not the password")
	testFunc(f, "TestLoginThrottlePerIdentity", "TestLoginThrottlePerIdentity: past its free failures an identity must wait, told how\n// long by 429 and Retry-After whatever the password; after the wait the right\n// password logs in and starts the count over.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Var().Id("mu").Qual("sync", "Mutex"),
		jen.Id("now").Op(":=").Qual(pkgTime, "Now").Call(),
		jen.Id("svc").Dot("throttle").Dot("Now").Op("=").Func().Params().Qual(pkgTime, "Time").Block(
			jen.Id("mu").Dot("Lock").Call(),
			jen.Defer().Id("mu").Dot("Unlock").Call(),
			jen.Return(jen.Id("now")),
		),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		jen.Id("t").Dot("Cleanup").Call(jen.Id("srv").Dot("Close")),
		jen.Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.For(jen.Range().Qual(pkgThrottle, "DefaultIdentity").Dot("Free").Op("+").Lit(1)).Block(
			jen.Id("wantProblem").Call(jen.Id("t"), login(jen.Lit(m.SampleIdentity()), wrong), jen.Qual(pkgHTTP, "StatusUnauthorized"), jen.Lit("invalid_credentials")),
		),
		jen.Id("r").Op(":=").Add(login(jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))),
		jen.Id("wantProblem").Call(jen.Id("t"), jen.Id("r"), jen.Qual(pkgHTTP, "StatusTooManyRequests"), jen.Lit("rate_limited")),
		jen.If(jen.Id("got").Op(":=").Id("r").Dot("header").Dot("Get").Call(jen.Lit("Retry-After")), jen.Id("got").Op("!=").Lit("1")).Block(
			tcall("Errorf", jen.Lit("Retry-After = %q, want 1 (the first paid failure waits a second)"), jen.Id("got")),
		),
		jen.Id("mu").Dot("Lock").Call(),
		jen.Id("now").Op("=").Id("now").Dot("Add").Call(jen.Qual(pkgTime, "Second")),
		jen.Id("mu").Dot("Unlock").Call(),
		jen.Id("wantTokens").Call(jen.Id("t"), login(jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))),
		jen.Id("wantProblem").Call(jen.Id("t"), login(jen.Lit(m.SampleIdentity()), wrong), jen.Qual(pkgHTTP, "StatusUnauthorized"), jen.Lit("invalid_credentials")),
	)
	testFunc(f, "TestLoginThrottlePerAddress", "TestLoginThrottlePerAddress: failures spread over many identities from one\n// address make that address wait, even for an identity it never tried.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.For(jen.Id("i").Op(":=").Range().Qual(pkgThrottle, "DefaultAddress").Dot("Free").Op("+").Lit(1)).Block(
			jen.Id("wantProblem").Call(jen.Id("t"), login(jen.Qual("fmt", "Sprintf").Call(jen.Lit(sampleNumbered(m)), jen.Id("i")), wrong), jen.Qual(pkgHTTP, "StatusUnauthorized"), jen.Lit("invalid_credentials")),
		),
		jen.Id("wantProblem").Call(jen.Id("t"), login(jen.Lit(m.sampleOther()), wrong), jen.Qual(pkgHTTP, "StatusTooManyRequests"), jen.Lit("rate_limited")),
	)
}

// sampleNumbered is a Sprintf format of distinct sample identities.
func sampleNumbered(m *Model) string {
	if m.Identity == "email" {
		return "user%d@example.com"
	}
	return "user%d"
}

// emitTestClientAddress renders the test of a configured proxy header.
func emitTestClientAddress(f *jen.File, m *Model) {
	if m.ClientIPHeader == "" {
		return
	}
	testFunc(f, "TestClientAddress", "TestClientAddress takes the rightmost address of "+m.ClientIPHeader+", and the peer\n// when the header has no valid one.",
		jen.For(jen.List(jen.Id("header"), jen.Id("want")).Op(":=").Range().Map(jen.String()).String().Values(jen.Dict{
			jen.Lit("203.0.113.7"):                 jen.Lit("203.0.113.7"),
			jen.Lit("198.51.100.1, 203.0.113.7"):   jen.Lit("203.0.113.7"),
			jen.Lit("203.0.113.7, 2001:db8::1"):    jen.Lit("2001:db8::1"),
			jen.Lit("203.0.113.7, not-an-address"): jen.Lit("192.0.2.1"),
			jen.Lit(""):                            jen.Lit("192.0.2.1"),
		})).Block(
			jen.Id("r").Op(":=").Qual("net/http/httptest", "NewRequest").Call(jen.Lit("POST"), jen.Lit(m.Route("/login")), jen.Nil()),
			jen.Id("r").Dot("RemoteAddr").Op("=").Lit("192.0.2.1:4711"),
			jen.If(jen.Id("header").Op("!=").Lit("")).Block(jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit(m.ClientIPHeader), jen.Id("header"))),
			jen.If(jen.Id("got").Op(":=").Id("clientAddress").Call(jen.Id("r")), jen.Id("got").Op("!=").Id("want")).Block(
				tcall("Errorf", jen.Lit(m.ClientIPHeader+": %q gives %q, want %q"), jen.Id("header"), jen.Id("got"), jen.Id("want")),
			),
		),
	)
}

// throttleOffForBenchmark lifts the limits of a benchmark that fails logins
// on purpose, so that it measures the failure and not the 429.
func throttleOffForBenchmark(m *Model) jen.Code {
	if !m.throttled() {
		return jen.Null()
	}
	unlimited := jen.Qual(pkgThrottle, "Policy").Values(jen.Dict{jen.Id("Free"): jen.Qual("math", "MaxInt"), jen.Id("Forget"): jen.Qual(pkgTime, "Hour")})
	return jen.List(jen.Id("svc").Dot("throttle").Dot("Identity"), jen.Id("svc").Dot("throttle").Dot("Address")).Op("=").List(unlimited, unlimited.Clone())
}
