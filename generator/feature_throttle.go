package generator

import "github.com/dave/jennifer/jen"

// Login throttling (login_throttle): the Service's throttle.Login, its
// configuration, and the three calls Login makes. The counting itself is the
// runtime's (runtime/throttle); what is generated is where the counts live and
// how a request names its client.

const pkgThrottle = RuntimeModule + "/throttle"

// throttleFeature is login throttling.
type throttleFeature struct{ noFeature }

func (throttleFeature) name() string { return "throttle" }

// configFields are the Config fields of the policies.
func (throttleFeature) configFields(m *Model) []jen.Code {
	return when(m.Throttled(),
		jen.Comment("IdentityThrottle and AddressThrottle slow down password guessing per"),
		jen.Comment("identity and per client address (AUTH_LOGIN_FREE_FAILURES and"),
		jen.Comment("AUTH_LOGIN_ADDRESS_FREE_FAILURES set their free attempts), and"),
		jen.Comment("RegistrationThrottle registrations per address (AUTH_REGISTER_FREE_ATTEMPTS);"),
		jen.Comment("zero values take the throttle package's defaults."),
		jen.List(jen.Id("IdentityThrottle"), jen.Id("AddressThrottle"), jen.Id("RegistrationThrottle")).Qual(pkgThrottle, "Policy"),
	)
}

// fromEnv reads the policies.
func (throttleFeature) fromEnv(m *Model) []jen.Code {
	if !m.Throttled() {
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
		read("RegistrationThrottle", "AUTH_REGISTER_FREE_ATTEMPTS", "DefaultRegistration"),
	}
}

// configFuncs renders policyEnv, ConfigFromEnv's reader of free failures.
func (throttleFeature) configFuncs(f *jen.File, m *Model) {
	if !m.Throttled() {
		return
	}
	f.Line()
	f.Comment("policyEnv is def with its free failures read from the variable name.")
	f.Func().Id("policyEnv").Params(jen.Id("name").String(), jen.Id("def").Qual(pkgThrottle, "Policy")).Params(jen.Qual(pkgThrottle, "Policy"), jen.Error()).Block(
		jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Id("name")),
		jen.If(jen.Id("v").Op("==").Lit("")).Block(jen.Return(jen.Id("def"), jen.Nil())),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Qual("strconv", "Atoi").Call(jen.Id("v")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("n").Op("<").Lit(1)).Block(
			jen.Return(jen.Qual(pkgThrottle, "Policy").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s=%q is not a positive number of attempts such as 5"), jen.Id("name"), jen.Id("v"))),
		),
		jen.Id("def").Dot("Free").Op("=").Id("n"),
		jen.Return(jen.Id("def"), jen.Nil()),
	)
}

// serviceFields are the throttle and the device cookies (throttle.Devices).
func (throttleFeature) serviceFields(m *Model) []jen.Code {
	if !m.Throttled() {
		return nil
	}
	return []jen.Code{
		jen.Id("throttle").Op("*").Qual(pkgThrottle, "Login"),
		jen.Id("devices").Op("*").Qual(pkgThrottle, "Devices").Comment("cookies of clients that signed in before"),
	}
}

// newStatements make the device cookies' key from the token-signing key
// material.
func (throttleFeature) newStatements(m *Model) []jen.Code {
	if !m.Throttled() {
		return nil
	}
	secret := []jen.Code{jen.Id("secret").Op(":=").Id("cfg").Dot("Secret")}
	if m.Asymmetric() {
		secret = []jen.Code{
			jen.List(jen.Id("secret"), jen.Err()).Op(":=").Qual("crypto/x509", "MarshalPKCS8PrivateKey").Call(jen.Id("cfg").Dot("SigningKey")),
			ifErrReturn(jen.Nil(), jen.Err()),
		}
	}
	return append(secret,
		jen.List(jen.Id("devices"), jen.Err()).Op(":=").Qual(pkgThrottle, "NewDevices").Call(jen.Id("secret")),
		ifErrReturn(jen.Nil(), jen.Err()),
	)
}

// serviceValues build the fields in New.
func (throttleFeature) serviceValues(m *Model) []any {
	if !m.Throttled() {
		return nil
	}
	var counts jen.Code = jen.Qual(pkgThrottle, "NewMemory").Call(jen.Lit(0))
	if m.ThrottleInStore() {
		counts = jen.Id("store")
	}
	return []any{"devices", jen.Id("devices"), "throttle", jen.Op("&").Qual(pkgThrottle, "Login").Values(fields(
		"Store", counts,
		"Identity", jen.Id("cfg").Dot("IdentityThrottle"),
		"Address", jen.Id("cfg").Dot("AddressThrottle"),
		"Registration", jen.Id("cfg").Dot("RegistrationThrottle"),
	))}
}

// storeMethods extend the Store interface when it keeps the counts.
func (throttleFeature) storeMethods(m *Model) []jen.Code {
	if !m.ThrottleInStore() {
		return nil
	}
	return []jen.Code{
		jen.Comment("The failed-login counts, shared by every instance of the service."),
		jen.Qual(pkgThrottle, "Store"),
	}
}

// The calls of the handlers; each is empty when throttling is off.

// throttleAttempt is "attempt := throttle.Attempt{...}" for a try at the
// password of identity from the request's client.
func throttleAttempt(m *Model, identity jen.Code) jen.Code {
	if !m.Throttled() {
		return jen.Null()
	}
	return jen.Id("attempt").Op(":=").Qual(pkgThrottle, "Attempt").Values(jen.Dict{
		jen.Id("Identity"): identity,
		jen.Id("Address"):  jen.Id("clientAddress").Call(jen.Id("r")),
		jen.Id("Device"):   jen.Id("s").Dot("device").Call(jen.Id("r"), identity),
	})
}

// rememberDevice is, after a right password at login, "give the client a
// device cookie unless it has one".
func rememberDevice(m *Model) jen.Code {
	if !m.Throttled() {
		return jen.Null()
	}
	return jen.Id("s").Dot("rememberDevice").Call(jen.Id("w"), jen.Id("r"), jen.Id("attempt"))
}

// DeviceCookie is the device cookie's name: it lives on the login route
// only, so it can carry __Secure- but not __Host-.
func (m *Model) DeviceCookie() string {
	if m.CookieSecure {
		return "__Secure-auth_device"
	}
	return "auth_device"
}

// throttleReserve reserves the attempt before its secret is checked.
func throttleReserve(m *Model) jen.Code {
	if !m.Throttled() {
		return jen.Null()
	}
	return jen.If(jen.Op("!").Id("s").Dot("reserve").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("attempt"))).Block(jen.Return())
}

func throttleSucceeded(m *Model) jen.Code {
	if !m.Throttled() {
		return jen.Null()
	}
	return jen.Id("s").Dot("attemptSucceeded").Call(jen.Id("ctx"), jen.Id("attempt"))
}

func throttleRegistration(m *Model) jen.Code {
	if !m.Throttled() {
		return jen.Null()
	}
	return jen.If(jen.Op("!").Id("s").Dot("allowRegistration").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"))).Block(jen.Return())
}

// emitThrottle renders throttle.go: the Service's side of throttling.
func emitThrottle(f *jen.File, m *Model) {
	f.Comment("reserve counts attempt before its secret is checked, so that concurrent")
	f.Comment("guesses cannot all slip through one check. It answers 429 with Retry-After")
	f.Comment("when the identity or the address has tried too often lately, and 503 when")
	f.Comment("the counts cannot be reached: it fails closed. The wait depends only on")
	f.Comment("what was typed, so it tells nothing about whether the account exists.")
	f.Func().Add(recv()).Id("reserve").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("attempt").Qual(pkgThrottle, "Attempt")).Bool().Block(
		jen.List(jen.Id("wait"), jen.Err()).Op(":=").Id("s").Dot("throttle").Dot("Reserve").Call(jen.Id("ctx"), jen.Id("attempt")),
		jen.If(jen.Err().Op("==").Nil().Op("&&").Id("wait").Op(">").Lit(0)).Block(
			emit("EventLoginThrottled", jen.Lit(""), jen.Lit("")),
		),
		jen.Return(jen.Id("s").Dot("allowed").Call(jen.Id("w"), jen.Id("r"), jen.Id("wait"), jen.Err(), jen.Lit("too many failed attempts: try again after the time in Retry-After"))),
	)
	f.Line()
	f.Comment("attemptSucceeded gives back the attempt of a right password: the identity")
	f.Comment("starts over, and the address keeps only its failures.")
	f.Func().Add(recv()).Id("attemptSucceeded").Params(ctxParam(), jen.Id("attempt").Qual(pkgThrottle, "Attempt")).Block(
		jen.If(jen.Err().Op(":=").Id("s").Dot("throttle").Dot("Succeeded").Call(jen.Id("ctx"), jen.Id("attempt")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: reset attempts"), jen.Lit("err"), jen.Err()),
		),
	)
	f.Line()
	base, _ := m.Framework.RouteBase(m)
	loginPath := jen.Lit(m.Route("/login"))
	if base != nil {
		loginPath = jen.Add(base).Op("+").Lit(m.Route("/login"))
	}
	f.Comment("device returns the device ID of r's device cookie when it is one this service")
	f.Comment("issued for identity (see throttle.Devices), and \"\" otherwise.")
	f.Func().Add(recv()).Id("device").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("identity").String()).String().Block(
		jen.Id("found").Op(":=").Id("r").Dot("CookiesNamed").Call(jen.Lit(m.DeviceCookie())),
		jen.If(jen.Len(jen.Id("found")).Op("!=").Lit(1)).Block(jen.Return(jen.Lit(""))),
		jen.List(jen.Id("id"), jen.Id("_")).Op(":=").Id("s").Dot("devices").Dot("Check").Call(jen.Id("found").Index(jen.Lit(0)).Dot("Value"), jen.Id("identity")),
		jen.Return(jen.Id("id")),
	)
	f.Line()
	f.Comment("rememberDevice gives a client that has just proved the password a device")
	f.Comment("cookie for the identity, unless it sent one: from then on its attempts count")
	f.Comment("per device, and strangers who lock the identity out do not lock it out. The")
	f.Comment("cookie goes only to the login route and lasts a year.")
	f.Func().Add(recv()).Id("rememberDevice").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("attempt").Qual(pkgThrottle, "Attempt")).Block(
		jen.If(jen.Id("attempt").Dot("Device").Op("!=").Lit("")).Block(jen.Return()),
		jen.List(jen.Id("value"), jen.Err()).Op(":=").Id("s").Dot("devices").Dot("Issue").Call(jen.Id("attempt").Dot("Identity")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: issue device cookie"), jen.Lit("err"), jen.Err()),
			jen.Return(),
		),
		jen.Qual(pkgHTTP, "SetCookie").Call(jen.Id("w"), jen.Op("&").Qual(pkgHTTP, "Cookie").Values(jen.Dict{
			jen.Id("Name"):     jen.Lit(m.DeviceCookie()),
			jen.Id("Value"):    jen.Id("value"),
			jen.Id("Path"):     loginPath,
			jen.Id("MaxAge"):   jen.Lit(365 * 24 * 60 * 60),
			jen.Id("HttpOnly"): jen.True(),
			jen.Id("Secure"):   jen.Lit(m.CookieSecure),
			jen.Id("SameSite"): jen.Qual(pkgHTTP, "SameSiteStrictMode"),
		})),
	)
	f.Line()
	f.Comment("allowRegistration counts a registration from the request's client address,")
	f.Comment("or answers 429 with Retry-After once the address has registered too often.")
	f.Func().Add(recv()).Id("allowRegistration").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Bool().Block(
		jen.List(jen.Id("wait"), jen.Err()).Op(":=").Id("s").Dot("throttle").Dot("ReserveRegistration").Call(jen.Id("ctx"), jen.Id("clientAddress").Call(jen.Id("r"))),
		jen.Return(jen.Id("s").Dot("allowed").Call(jen.Id("w"), jen.Id("r"), jen.Id("wait"), jen.Err(), jen.Lit("too many registrations from this address: try again after the time in Retry-After"))),
	)
	f.Line()
	f.Comment("allowed answers a refused reservation and reports whether it went ahead.")
	f.Func().Add(recv()).Id("allowed").Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("wait").Qual(pkgTime, "Duration"), jen.Err().Error(), jen.Id("detail").String()).Bool().Block(
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("throttle"), jen.Err()),
			jen.Return(jen.False()),
		),
		jen.If(jen.Id("wait").Op(">").Lit(0)).Block(
			jen.Id("p").Op(":=").Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusTooManyRequests"), jen.Qual(pkgHTTPAuth, "CodeRateLimited"), jen.Id("detail")),
			jen.Id("p").Dot("RetryAfter").Op("=").Int().Call(jen.Parens(jen.Id("wait").Op("+").Qual(pkgTime, "Second").Op("-").Lit(1)).Op("/").Qual(pkgTime, "Second")),
			reject(jen.Id("p")),
			jen.Return(jen.False()),
		),
		jen.Return(jen.True()),
	)
	f.Line()
}

// files adds throttle.go.
func (throttleFeature) files(m *Model) []step {
	if !m.Throttled() {
		return nil
	}
	return []step{{path: m.Package + "/throttle.go", owner: Generated, render: goFile(emitThrottle)}}
}

// schema adds the failure counts' table when they live in the store.
func (throttleFeature) schema(m *Model) []schemaObject {
	if !m.ThrottleInStore() {
		return nil
	}
	return []schemaObject{{key: "table:login_failures"}}
}

// SampleNumbered is a Sprintf format of distinct sample identities.
func (m *Model) SampleNumbered() string {
	if m.UsesEmail() {
		return "user%d@example.com"
	}
	return "user%d"
}
