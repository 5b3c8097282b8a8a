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
	takenVar, takenCase := fieldTakenCase(m)
	return []jen.Code{
		takenVar,
		jen.Switch(jen.Empty()).Block(
			takenCase,
			jen.Case(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrDuplicate"))).Block(duplicate...),
			jen.Case(jen.Err().Op("!=").Nil()).Block(unavailableReturn("create user")...),
			jen.Default().Block(emit("EventRegistered", jen.Id("u").Dot("ID"), jen.Lit(""))),
		),
		queueVerification(m),
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
