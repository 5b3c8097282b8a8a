package generator

import "github.com/dave/jennifer/jen"

// Registration of an identity that exists (duplicate_registration): conflict
// answers 409 and so tells the caller the account exists; accepted answers
// 202 to every valid registration, new or not, and hands the duplicate to a
// hook that can tell the owner out of band.

// RegisteredStatus is the status of a successful registration.
func (m *Model) RegisteredStatus() string {
	if m.HidesRegistration() {
		return "StatusAccepted"
	}
	return "StatusCreated"
}

// duplicatesFeature is duplicate_registration.
type duplicatesFeature struct{ noFeature }

func (duplicatesFeature) name() string { return "duplicates" }

// configFields is the hook.
func (duplicatesFeature) configFields(m *Model) []jen.Code {
	return when(m.HidesRegistration(),
		jen.Comment("OnDuplicateRegistration is called, in its own goroutine so that the"),
		jen.Comment("answer's timing does not depend on it, when someone registers an "+m.IdentityJSON()),
		jen.Comment("that exists: tell its owner out of band (\"someone tried to sign up"),
		jen.Comment("with your address\"). Nil logs the event without the "+m.IdentityJSON()+"."),
		jen.Id("OnDuplicateRegistration").Func().Params(ctxParam(), jen.Id(m.IdentityJSON()).String()),
	)
}

func (duplicatesFeature) serviceFields(m *Model) []jen.Code {
	if !m.HidesRegistration() {
		return nil
	}
	return []jen.Code{jen.Id("onDuplicate").Func().Params(jen.Qual("context", "Context"), jen.String())}
}

func (duplicatesFeature) serviceValues(m *Model) []any {
	if !m.HidesRegistration() {
		return nil
	}
	return []any{"onDuplicate", jen.Id("cfg").Dot("OnDuplicateRegistration")}
}

// registerOutcome is the end of Register after CreateUser returned err.
func registerOutcome(m *Model) []jen.Code {
	duplicate := writeProblemReturn(problem("StatusConflict", "CodeIdentityTaken", "this "+m.IdentityJSON()+" is already registered"))
	success := jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusCreated"), jen.Id("u"))
	if m.HidesRegistration() {
		duplicate = []jen.Code{jen.Id("s").Dot("duplicateRegistration").Call(jen.Id("ctx"), jen.Id("identity"))}
		success = jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusAccepted"), jen.Id("registrationAccepted"))
	}
	return []jen.Code{
		jen.Switch(jen.Empty()).Block(
			jen.Case(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrDuplicate"))).Block(duplicate...),
			jen.Case(jen.Err().Op("!=").Nil()).Block(unavailableReturn("create user")...),
		),
		success,
	}
}

// handlers renders the accepted mode's answer and hook call.
func (duplicatesFeature) handlers(f *jen.File, m *Model) {
	if !m.HidesRegistration() {
		return
	}
	f.Comment("registrationAccepted is the one answer to a valid registration, whether the")
	f.Comment(m.IdentityJSON() + " was new or not: the client logs in next.")
	f.Var().Id("registrationAccepted").Op("=").Map(jen.String()).String().Values(jen.Dict{jen.Lit("status"): jen.Lit("accepted")})
	f.Line()
	f.Comment("duplicateRegistration hands a registration of an existing " + m.IdentityJSON() + " to the hook,")
	f.Comment("off the request's path, so that its answer and timing match a new one.")
	f.Func().Add(recv()).Id("duplicateRegistration").Params(ctxParam(), jen.Id("identity").String()).Block(
		jen.If(jen.Id("s").Dot("onDuplicate").Op("==").Nil()).Block(
			jen.Id("s").Dot("log").Dot("Info").Call(jen.Lit("auth: registration of an existing account")),
			jen.Return(),
		),
		jen.Go().Id("s").Dot("onDuplicate").Call(jen.Qual("context", "WithoutCancel").Call(jen.Id("ctx")), jen.Id("identity")),
	)
	f.Line()
}

// tests renders the accepted mode's test.
func (duplicatesFeature) tests(f *jen.File, m *Model) {
	if !m.HidesRegistration() {
		return
	}
	other := jen.Qual("strings", "ToUpper").Call(jen.Lit(m.SampleIdentity()))
	testFunc(f, "TestRegistrationRevealsNothing", "TestRegistrationRevealsNothing: registering an existing "+m.IdentityJSON()+" answers\\n// exactly what a new one does, and the hook hears of it.",
		jen.Id("svc").Op(":=").Id("newTestService").Call(jen.Id("t")),
		jen.Id("heard").Op(":=").Make(jen.Chan().String(), jen.Lit(1)),
		jen.Id("svc").Dot("onDuplicate").Op("=").Func().Params(jen.Id("_").Qual("context", "Context"), jen.Id("identity").String()).Block(jen.Id("heard").Op("<-").Id("identity")),
		jen.Id("srv").Op(":=").Qual("net/http/httptest", "NewServer").Call(jen.Id("newTestRouter").Call(jen.Id("svc"))),
		jen.Id("t").Dot("Cleanup").Call(jen.Id("srv").Dot("Close")),
		jen.Id("first").Op(":=").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/register")), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword"))),
		jen.Id("again").Op(":=").Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/register")), credsJSON(m, other, jen.Lit("another long passphrase"))),
		jen.If(jen.Id("first").Dot("status").Op("!=").Qual(pkgHTTP, "StatusAccepted").Op("||").Op("!").Qual("bytes", "Equal").Call(jen.Id("first").Dot("body"), jen.Id("again").Dot("body")).Op("||").Id("again").Dot("status").Op("!=").Id("first").Dot("status")).Block(
			tcall("Fatalf", jen.Lit("new: %d %s; existing: %d %s; want the same 202"), jen.Id("first").Dot("status"), jen.Id("first").Dot("body"), jen.Id("again").Dot("status"), jen.Id("again").Dot("body")),
		),
		jen.Select().Block(
			jen.Case(jen.Id("got").Op(":=").Op("<-").Id("heard")).Block(
				jen.If(jen.Id("got").Op("!=").Lit(m.SampleIdentity())).Block(tcall("Errorf", jen.Lit("hook heard %q, want %q"), jen.Id("got"), jen.Lit(m.SampleIdentity()))),
			),
			jen.Case(jen.Op("<-").Qual(pkgTime, "After").Call(jen.Lit(5).Op("*").Qual(pkgTime, "Second"))).Block(tcall("Fatal", jen.Lit("the duplicate registration never reached the hook"))),
		),
		jen.Id("wantTokens").Call(jen.Id("t"), jen.Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Id("testPassword")))),
		wantProblem(jen.Id("postJSON").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.Route("/login")), credsJSON(m, jen.Lit(m.SampleIdentity()), jen.Lit("another long passphrase"))), "StatusUnauthorized", "invalid_credentials"),
	)
}
