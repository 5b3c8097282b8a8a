package generator

import "github.com/dave/jennifer/jen"

// Mail (email_verification, password_reset): the service mails its users
// links and security notices through a Mailer (SMTP through
// github.com/wneessen/go-mail, or .eml files for development). The fixed code
// (mailers, outbox worker, link tokens, handlers) is plain Go in
// templates/email.go.tmpl; the messages are the owner's, scaffolded once into
// mail/. What is generated here is the configuration, the Service's fields,
// the stores' outbox, link and verification tables, and the core's few calls
// into it: login refuses an unverified address, registration queues its
// verification, a password change its notice.

const (
	pkgGoMail = "github.com/wneessen/go-mail"

	envEmailVerification = "AUTH_EMAIL_VERIFICATION"
)

// emailFeature is email_verification and password_reset.
type emailFeature struct{ noFeature }

func (emailFeature) name() string { return "email" }

func (emailFeature) requires(m *Model) []Module {
	if !m.SendsMail() {
		return nil
	}
	return []Module{{pkgGoMail, "v0.8.1"}}
}

func (emailFeature) configFields(m *Model) []jen.Code {
	fields := when(m.SendsMail(),
		jen.Comment("Mailer sends the mails (AUTH_SMTP_URL or AUTH_MAIL_DIR, from AUTH_MAIL_FROM),"),
		jen.Comment("and AppURL is the front end their links point at (AUTH_APP_URL)."),
		jen.Id("Mailer").Id("Mailer"),
		jen.Id("AppURL").String(),
	)
	if m.VerifiesEmail() {
		fields = append(fields,
			jen.Comment("VerificationTTL is how long a verification link is good"),
			jen.Comment("(AUTH_VERIFICATION_TTL), and EmailVerificationRequired refuses logins"),
			jen.Comment("before it is followed ("+envEmailVerification+"=required or optional)."),
			jen.Id("VerificationTTL").Qual(pkgTime, "Duration"),
			jen.Id("EmailVerificationRequired").Bool(),
		)
	}
	if m.PasswordReset {
		fields = append(fields,
			jen.Comment("ResetTTL is how long a password-reset link is good (AUTH_RESET_TTL)."),
			jen.Id("ResetTTL").Qual(pkgTime, "Duration"),
		)
	}
	return fields
}

func (emailFeature) fromEnv(m *Model) []jen.Code {
	if !m.SendsMail() {
		return nil
	}
	fail := jen.Return(jen.Id("Config").Values(), jen.Err())
	out := []jen.Code{
		jen.If(jen.List(jen.Id("cfg").Dot("Mailer"), jen.Err()).Op("=").Id("mailerFromEnv").Call(), jen.Err().Op("!=").Nil()).Block(fail),
		jen.If(jen.List(jen.Id("cfg").Dot("AppURL"), jen.Err()).Op("=").Id("appURLFromEnv").Call(), jen.Err().Op("!=").Nil()).Block(fail),
	}
	if m.VerifiesEmail() {
		out = append(out,
			jen.If(jen.List(jen.Id("cfg").Dot("VerificationTTL"), jen.Err()).Op("=").Id("durationEnv").Call(jen.Lit("AUTH_VERIFICATION_TTL"), durationCode(m.VerificationTTL)), jen.Err().Op("!=").Nil()).Block(fail),
			jen.Switch(jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Lit(envEmailVerification)), jen.Id("v")).Block(
				jen.Case(jen.Lit("")).Block(jen.Id("cfg").Dot("EmailVerificationRequired").Op("=").Lit(m.RequiresVerifiedEmail())),
				jen.Case(jen.Lit("required"), jen.Lit("optional")).Block(jen.Id("cfg").Dot("EmailVerificationRequired").Op("=").Id("v").Op("==").Lit("required")),
				jen.Default().Block(jen.Return(jen.Id("Config").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit(envEmailVerification+"=%q is neither required nor optional"), jen.Id("v")))),
			),
		)
	}
	if m.PasswordReset {
		out = append(out,
			jen.If(jen.List(jen.Id("cfg").Dot("ResetTTL"), jen.Err()).Op("=").Id("durationEnv").Call(jen.Lit("AUTH_RESET_TTL"), durationCode(m.ResetTTL)), jen.Err().Op("!=").Nil()).Block(fail),
		)
	}
	return out
}

// newStatements refuse a Service that would accept requests for mail it
// cannot send, and parse the owner's mail templates.
func (emailFeature) newStatements(m *Model) []jen.Code {
	if !m.SendsMail() {
		return nil
	}
	out := []jen.Code{
		jen.If(jen.Id("cfg").Dot("Mailer").Op("==").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgErrors, "New").Call(jen.Lit("auth: mail is on and Config.Mailer is nil: set AUTH_SMTP_URL (or AUTH_MAIL_DIR in development) and AUTH_MAIL_FROM"))),
		),
		jen.If(jen.Err().Op(":=").Id("checkAppURL").Call(jen.Id("cfg").Dot("AppURL")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.List(jen.Id("app"), jen.Id("_")).Op(":=").Qual("net/url", "Parse").Call(jen.Id("cfg").Dot("AppURL")),
		jen.List(jen.Id("mailTemplates"), jen.Err()).Op(":=").Id("loadMailTemplates").Call(),
		ifErrReturn(jen.Nil(), jen.Err()),
	}
	if m.VerifiesEmail() {
		out = append(out, jen.If(jen.Id("cfg").Dot("VerificationTTL").Op("<=").Lit(0)).Block(
			jen.Id("cfg").Dot("VerificationTTL").Op("=").Add(durationCode(m.VerificationTTL)),
		))
	}
	if m.PasswordReset {
		out = append(out, jen.If(jen.Id("cfg").Dot("ResetTTL").Op("<=").Lit(0)).Block(
			jen.Id("cfg").Dot("ResetTTL").Op("=").Add(durationCode(m.ResetTTL)),
		))
	}
	return out
}

func (emailFeature) serviceFields(m *Model) []jen.Code {
	fields := when(m.SendsMail(),
		jen.Id("mailer").Id("Mailer"),
		jen.Id("mailTemplates").Map(jen.String()).Id("mailTemplate").Comment("mail/'s, by name"),
		jen.Id("mailWake").Chan().Struct().Comment("wakes DeliverMail when this instance queues a mail"),
		jen.List(jen.Id("appURL"), jen.Id("appHost")).String(),
	)
	if m.VerifiesEmail() {
		fields = append(fields,
			jen.Id("verificationTTL").Qual(pkgTime, "Duration"),
			jen.Id("verificationRequired").Bool(),
		)
	}
	if m.PasswordReset {
		fields = append(fields, jen.Id("resetTTL").Qual(pkgTime, "Duration"))
	}
	return fields
}

func (emailFeature) serviceValues(m *Model) []any {
	if !m.SendsMail() {
		return nil
	}
	values := []any{
		"mailer", jen.Id("cfg").Dot("Mailer"),
		"mailTemplates", jen.Id("mailTemplates"),
		"mailWake", jen.Make(jen.Chan().Struct(), jen.Lit(1)),
		"appURL", jen.Qual("strings", "TrimSuffix").Call(jen.Id("cfg").Dot("AppURL"), jen.Lit("/")),
		"appHost", jen.Id("app").Dot("Host"),
	}
	if m.VerifiesEmail() {
		values = append(values, "verificationTTL", jen.Id("cfg").Dot("VerificationTTL"), "verificationRequired", jen.Id("cfg").Dot("EmailVerificationRequired"))
	}
	if m.PasswordReset {
		values = append(values, "resetTTL", jen.Id("cfg").Dot("ResetTTL"))
	}
	return values
}

// background runs the outbox's worker for as long as the Service lives.
func (emailFeature) background(m *Model) []string {
	if !m.SendsMail() {
		return nil
	}
	return []string{"DeliverMail"}
}

func (emailFeature) endpoints(m *Model) []Endpoint {
	var out []Endpoint
	if m.VerifiesEmail() {
		out = append(out,
			Endpoint{"POST", "/verify-email", "VerifyEmail", false},
			Endpoint{"POST", "/verify-email/resend", "ResendVerification", false},
		)
	}
	if m.PasswordReset {
		out = append(out,
			Endpoint{"POST", "/password-reset", "RequestPasswordReset", false},
			Endpoint{"POST", "/password-reset/confirm", "ConfirmPasswordReset", false},
		)
	}
	return out
}

// MailSampleIdentity is the account of AUTH.md's walk-through of the mail.
func (m *Model) MailSampleIdentity() string { return "grace@example.com" }

// MailCredsBody is its registration body, with the third sample of every
// required field, so that unique ones are not taken.
func (m *Model) MailCredsBody() string { return m.credsBody(m.MailSampleIdentity(), testPassword, 3) }

// mailFiles are the messages of mail/, each a subject and text template and
// an HTML one.
func (m *Model) mailFiles() []string {
	var names []string
	if m.VerifiesEmail() {
		names = append(names, "verify-email")
	}
	if m.PasswordReset {
		names = append(names, "reset-password")
	}
	return append(names, "password-changed")
}

func (emailFeature) files(m *Model) []step {
	if !m.SendsMail() {
		return nil
	}
	steps := []step{{path: m.Package + "/email.go", owner: Generated, render: goTemplateFile("email.go.tmpl")}}
	for _, name := range m.mailFiles() {
		for _, ext := range []string{".txt", ".html"} {
			steps = append(steps, step{path: m.Package + "/mail/" + name + ext, owner: Scaffold, render: rawFile("mail/" + name + ext)})
		}
	}
	return steps
}

func (emailFeature) schema(m *Model) []schemaObject {
	if !m.SendsMail() {
		return nil
	}
	objects := []schemaObject{{key: "table:mail_outbox"}, {key: "table:mail_links"}}
	if m.VerifiesEmail() {
		objects = append(objects, schemaObject{key: "table:email_verifications"})
	}
	return objects
}

func (emailFeature) storeMethods(m *Model) []jen.Code {
	if !m.SendsMail() {
		return nil
	}
	now := jen.Id("now").Qual(pkgTime, "Time")
	methods := []jen.Code{
		jen.Line(),
		jen.Comment("EnqueueMail puts m in the outbox, due at once."),
		jen.Id("EnqueueMail").Params(ctxParam(), jen.Id("m").Id("Mail")).Error(),
		jen.Comment("ClaimMail takes a mail that is due at now, counts an attempt at it and"),
		jen.Comment("makes it due again only at until, in one step: of concurrent claims, on"),
		jen.Comment("any instance, one gets each mail. ErrNotFound means none is due."),
		jen.Id("ClaimMail").Params(ctxParam(), jen.List(jen.Id("now"), jen.Id("until")).Qual(pkgTime, "Time")).Params(jen.Id("Mail"), jen.Error()),
		jen.Comment("RetryMail makes the mail with id due at at."),
		jen.Id("RetryMail").Params(ctxParam(), jen.Id("id").String(), jen.Id("at").Qual(pkgTime, "Time")).Error(),
		jen.Comment("DeleteMail takes the mail with id out of the outbox."),
		jen.Id("DeleteMail").Params(ctxParam(), jen.Id("id").String()).Error(),
		jen.Comment("ReplaceLink stores l in place of the links of its mail and of its user's"),
		jen.Comment("earlier ones of its purpose, and deletes the links expired at now."),
		jen.Id("ReplaceLink").Params(ctxParam(), jen.Id("l").Id("Link"), now).Error(),
		jen.Comment("LinkByDigest returns the link of purpose with digest, unexpired at now,"),
		jen.Comment("or ErrNotFound."),
		jen.Id("LinkByDigest").Params(ctxParam(), jen.List(jen.Id("digest"), jen.Id("purpose")).String(), now).Params(jen.Id("Link"), jen.Error()),
		jen.Comment("DeleteLink deletes the link with digest and reports how many it deleted:"),
		jen.Comment("of concurrent calls, one spends it."),
		jen.Id("DeleteLink").Params(ctxParam(), jen.Id("digest").String()).Params(jen.Int64(), jen.Error()),
	}
	if m.VerifiesEmail() {
		methods = append(methods,
			jen.Comment("MarkEmailVerified records that the user proved to own email at now."),
			jen.Id("MarkEmailVerified").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("email")).String(), now).Error(),
			jen.Comment("EmailVerified reports whether the user proved to own email."),
			jen.Id("EmailVerified").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("email")).String()).Params(jen.Bool(), jen.Error()),
		)
	}
	return methods
}

// The core's calls into the feature; each is empty when it is off.

// verificationCheck is login's statement after the password proved right:
// with verification required, an unverified address gets 403.
func verificationCheck(m *Model) jen.Code {
	if !m.VerifiesEmail() {
		return jen.Null()
	}
	return jen.If(jen.Id("s").Dot("unverified").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u"))).Block(jen.Return())
}

// queueVerification is registration's statement once the user is stored:
// the verification mail. A failure leaves the account, whose owner can ask
// for the mail again.
func queueVerification(m *Model) jen.Code {
	if !m.VerifiesEmail() {
		return jen.Null()
	}
	return jen.If(jen.Err().Op(":=").Id("s").Dot("queueMail").Call(jen.Id("ctx"), jen.Id("mailVerifyEmail"), jen.Id("u").Dot("Email"), jen.Lit("")), jen.Err().Op("!=").Nil()).Block(
		jen.Id("s").Dot("log").Dot("Error").Call(jen.Lit("auth: queue verification mail"), jen.Lit("user"), jen.Id("u").Dot("ID"), jen.Lit("err"), jen.Err()),
	)
}

// passwordChangedNotice is a password change's statement once it is done.
func passwordChangedNotice(m *Model) jen.Code {
	if !m.SendsMail() {
		return jen.Null()
	}
	return jen.Id("s").Dot("notify").Call(jen.Id("ctx"), jen.Id("mailPasswordChanged"), jen.Id("u"))
}

// memoryMailFields are MemoryStore's fields and their initial values.
func memoryMailFields(m *Model, fields *[]jen.Code, values jen.Dict) {
	if !m.SendsMail() {
		return
	}
	*fields = append(*fields,
		jen.Id("outbox").Map(jen.String()).Id("queuedMail").Comment("by ID"),
		jen.Id("links").Map(jen.String()).Id("Link").Comment("by digest"),
	)
	values[jen.Id("outbox")] = jen.Map(jen.String()).Id("queuedMail").Values()
	values[jen.Id("links")] = jen.Map(jen.String()).Id("Link").Values()
	if m.VerifiesEmail() {
		*fields = append(*fields, jen.Id("verified").Map(jen.String()).String().Comment("verified email by user ID"))
		values[jen.Id("verified")] = jen.Map(jen.String()).String().Values()
	}
}

// memoryMailMethods renders MemoryStore's share of the feature; method holds
// the store's mutex around body.
func memoryMailMethods(f *jen.File, m *Model, method func(doc, name string, params, results []jen.Code, body ...jen.Code)) {
	if !m.SendsMail() {
		return
	}
	f.Comment("queuedMail is a mail of MemoryStore's outbox and when it is due.")
	f.Type().Id("queuedMail").Struct(jen.Id("Mail"), jen.Id("due").Qual(pkgTime, "Time"))
	f.Line()
	ctx := jen.Id("_").Qual(pkgContext, "Context")
	now := jen.Id("now").Qual(pkgTime, "Time")
	method("EnqueueMail implements Store.", "EnqueueMail", []jen.Code{ctx, jen.Id("m").Id("Mail")}, []jen.Code{jen.Error()},
		jen.Id("s").Dot("outbox").Index(jen.Id("m").Dot("ID")).Op("=").Id("queuedMail").Values(jen.Id("m"), jen.Id("m").Dot("CreatedAt")),
		jen.Return(jen.Nil()),
	)
	method("ClaimMail implements Store: the oldest mail that is due.", "ClaimMail", []jen.Code{ctx, jen.List(jen.Id("now"), jen.Id("until")).Qual(pkgTime, "Time")}, []jen.Code{jen.Id("Mail"), jen.Error()},
		jen.Var().Id("next").Op("*").Id("queuedMail"),
		jen.For(jen.List(jen.Id("_"), jen.Id("q")).Op(":=").Range().Id("s").Dot("outbox")).Block(
			jen.If(jen.Op("!").Id("q").Dot("due").Dot("After").Call(jen.Id("now")).Op("&&").Parens(jen.Id("next").Op("==").Nil().Op("||").Id("q").Dot("CreatedAt").Dot("Before").Call(jen.Id("next").Dot("CreatedAt")))).Block(
				jen.Id("next").Op("=").Op("&").Id("q"),
			),
		),
		jen.If(jen.Id("next").Op("==").Nil()).Block(jen.Return(jen.Id("Mail").Values(), jen.Id("ErrNotFound"))),
		jen.Id("next").Dot("Attempts").Op("++"),
		jen.Id("next").Dot("due").Op("=").Id("until"),
		jen.Id("s").Dot("outbox").Index(jen.Id("next").Dot("ID")).Op("=").Op("*").Id("next"),
		jen.Return(jen.Id("next").Dot("Mail"), jen.Nil()),
	)
	method("RetryMail implements Store.", "RetryMail", []jen.Code{ctx, jen.Id("id").String(), jen.Id("at").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.If(jen.List(jen.Id("q"), jen.Id("ok")).Op(":=").Id("s").Dot("outbox").Index(jen.Id("id")), jen.Id("ok")).Block(
			jen.Id("q").Dot("due").Op("=").Id("at"),
			jen.Id("s").Dot("outbox").Index(jen.Id("id")).Op("=").Id("q"),
		),
		jen.Return(jen.Nil()),
	)
	method("DeleteMail implements Store.", "DeleteMail", []jen.Code{ctx, jen.Id("id").String()}, []jen.Code{jen.Error()},
		jen.Id("delete").Call(jen.Id("s").Dot("outbox"), jen.Id("id")),
		jen.Return(jen.Nil()),
	)
	method("ReplaceLink implements Store.", "ReplaceLink", []jen.Code{ctx, jen.Id("l").Id("Link"), now}, []jen.Code{jen.Error()},
		jen.For(jen.List(jen.Id("digest"), jen.Id("o")).Op(":=").Range().Id("s").Dot("links")).Block(
			jen.If(jen.Id("o").Dot("MailID").Op("==").Id("l").Dot("MailID").Op("||").Id("o").Dot("UserID").Op("==").Id("l").Dot("UserID").Op("&&").Id("o").Dot("Purpose").Op("==").Id("l").Dot("Purpose").Op("||").Op("!").Id("o").Dot("ExpiresAt").Dot("After").Call(jen.Id("now"))).Block(
				jen.Id("delete").Call(jen.Id("s").Dot("links"), jen.Id("digest")),
			),
		),
		jen.Id("s").Dot("links").Index(jen.Id("l").Dot("Digest")).Op("=").Id("l"),
		jen.Return(jen.Nil()),
	)
	method("LinkByDigest implements Store.", "LinkByDigest", []jen.Code{ctx, jen.List(jen.Id("digest"), jen.Id("purpose")).String(), now}, []jen.Code{jen.Id("Link"), jen.Error()},
		jen.List(jen.Id("l"), jen.Id("ok")).Op(":=").Id("s").Dot("links").Index(jen.Id("digest")),
		jen.If(jen.Op("!").Id("ok").Op("||").Id("l").Dot("Purpose").Op("!=").Id("purpose").Op("||").Op("!").Id("l").Dot("ExpiresAt").Dot("After").Call(jen.Id("now"))).Block(
			jen.Return(jen.Id("Link").Values(), jen.Id("ErrNotFound")),
		),
		jen.Return(jen.Id("l"), jen.Nil()),
	)
	method("DeleteLink implements Store.", "DeleteLink", []jen.Code{ctx, jen.Id("digest").String()}, []jen.Code{jen.Int64(), jen.Error()},
		jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("s").Dot("links").Index(jen.Id("digest")), jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Id("delete").Call(jen.Id("s").Dot("links"), jen.Id("digest")),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	if !m.VerifiesEmail() {
		return
	}
	user := jen.List(jen.Id("userID"), jen.Id("email")).String()
	method("MarkEmailVerified implements Store.", "MarkEmailVerified", []jen.Code{ctx, user, jen.Id("_").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("userID")), jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("ErrNotFound"))),
		jen.Id("s").Dot("verified").Index(jen.Id("userID")).Op("=").Id("email"),
		jen.Return(jen.Nil()),
	)
	method("EmailVerified implements Store.", "EmailVerified", []jen.Code{ctx, user}, []jen.Code{jen.Bool(), jen.Error()},
		jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("s").Dot("verified").Index(jen.Id("userID")),
		jen.Return(jen.Id("ok").Op("&&").Id("v").Op("==").Id("email"), jen.Nil()),
	)
}

// emitMailQueries renders a SQL store's share of the feature. A claim is
// one UPDATE of the row its subquery picks; PostgreSQL's subquery skips the
// rows other transactions hold (FOR UPDATE SKIP LOCKED), SQLite has one
// writer at a time.
func (s sqlStore) emitMailQueries(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	m := s.m
	if !m.SendsMail() {
		return
	}
	p := s.param
	exec := func(query string, args ...jen.Code) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query)}, args...)...),
			jen.Return(jen.Err()),
		}
	}
	now := jen.Id("now").Qual(pkgTime, "Time")
	method("EnqueueMail implements Store.", "EnqueueMail", []jen.Code{ctxParam(), jen.Id("m").Id("Mail")}, jen.Error(),
		exec("INSERT INTO mail_outbox (id, kind, recipient, user_id, attempts, created_at, due_at) VALUES ("+s.params(7)+")",
			jen.Id("m").Dot("ID"), jen.Id("m").Dot("Kind"), jen.Id("m").Dot("To"), jen.Id("m").Dot("UserID"), jen.Id("m").Dot("Attempts"), s.timeArg(jen.Id("m").Dot("CreatedAt")), s.timeArg(jen.Id("m").Dot("CreatedAt")))...)
	skipLocked := ""
	if s.lockUser != nil {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	method("ClaimMail implements Store: one UPDATE of the oldest due row.", "ClaimMail", []jen.Code{ctxParam(), jen.List(jen.Id("now"), jen.Id("until")).Qual(pkgTime, "Time")}, jen.Params(jen.Id("Mail"), jen.Error()),
		jen.Var().Id("m").Id("Mail"),
		jen.Var().Id("created").Add(s.timeType()),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("UPDATE mail_outbox SET attempts = attempts + 1, due_at = "+p(1)+" WHERE id = (SELECT id FROM mail_outbox WHERE due_at <= "+p(2)+" ORDER BY created_at LIMIT 1"+skipLocked+") RETURNING id, kind, recipient, user_id, attempts, created_at"),
			s.timeArg(jen.Id("until")), s.timeArg(jen.Id("now"))).Dot("Scan").Call(
			jen.Op("&").Id("m").Dot("ID"), jen.Op("&").Id("m").Dot("Kind"), jen.Op("&").Id("m").Dot("To"), jen.Op("&").Id("m").Dot("UserID"), jen.Op("&").Id("m").Dot("Attempts"), jen.Op("&").Id("created")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("Mail").Values(), jen.Id("ErrNotFound"))),
		ifErrReturn(jen.Id("Mail").Values(), jen.Err()),
		jen.Id("m").Dot("CreatedAt").Op("=").Add(s.timeOf(jen.Id("created"))),
		jen.Return(jen.Id("m"), jen.Nil()),
	)
	method("RetryMail implements Store.", "RetryMail", []jen.Code{ctxParam(), jen.Id("id").String(), jen.Id("at").Qual(pkgTime, "Time")}, jen.Error(),
		exec("UPDATE mail_outbox SET due_at = "+p(1)+" WHERE id = "+p(2), s.timeArg(jen.Id("at")), jen.Id("id"))...)
	method("DeleteMail implements Store.", "DeleteMail", []jen.Code{ctxParam(), jen.Id("id").String()}, jen.Error(),
		exec("DELETE FROM mail_outbox WHERE id = "+p(1), jen.Id("id"))...)
	replace := s.beginTx()
	replace = append(replace,
		s.txExec(nil, jen.Lit("DELETE FROM mail_links WHERE mail_id = "+p(1)+" OR (user_id = "+p(2)+" AND purpose = "+p(3)+") OR expires_at <= "+p(4)),
			jen.Id("l").Dot("MailID"), jen.Id("l").Dot("UserID"), jen.Id("l").Dot("Purpose"), s.timeArg(jen.Id("now"))),
		s.txExec(nil, jen.Lit("INSERT INTO mail_links (digest, purpose, user_id, sent_to, binding, mail_id, expires_at) VALUES ("+s.params(7)+")"),
			jen.Id("l").Dot("Digest"), jen.Id("l").Dot("Purpose"), jen.Id("l").Dot("UserID"), jen.Id("l").Dot("SentTo"), jen.Id("l").Dot("Binding"), jen.Id("l").Dot("MailID"), s.timeArg(jen.Id("l").Dot("ExpiresAt"))),
		jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method("ReplaceLink implements Store: the old links go and the new one comes in\n// one transaction.", "ReplaceLink", []jen.Code{ctxParam(), jen.Id("l").Id("Link"), now}, jen.Error(), replace...)
	method("LinkByDigest implements Store.", "LinkByDigest", []jen.Code{ctxParam(), jen.List(jen.Id("digest"), jen.Id("purpose")).String(), now}, jen.Params(jen.Id("Link"), jen.Error()),
		jen.Id("l").Op(":=").Id("Link").Values(jen.Dict{jen.Id("Digest"): jen.Id("digest"), jen.Id("Purpose"): jen.Id("purpose")}),
		jen.Var().Id("expires").Add(s.timeType()),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("SELECT user_id, sent_to, binding, mail_id, expires_at FROM mail_links WHERE digest = "+p(1)+" AND purpose = "+p(2)+" AND expires_at > "+p(3)),
			jen.Id("digest"), jen.Id("purpose"), s.timeArg(jen.Id("now"))).Dot("Scan").Call(
			jen.Op("&").Id("l").Dot("UserID"), jen.Op("&").Id("l").Dot("SentTo"), jen.Op("&").Id("l").Dot("Binding"), jen.Op("&").Id("l").Dot("MailID"), jen.Op("&").Id("expires")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("Link").Values(), jen.Id("ErrNotFound"))),
		ifErrReturn(jen.Id("Link").Values(), jen.Err()),
		jen.Id("l").Dot("ExpiresAt").Op("=").Add(s.timeOf(jen.Id("expires"))),
		jen.Return(jen.Id("l"), jen.Nil()),
	)
	del := append([]jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM mail_links WHERE digest = "+p(1)), jen.Id("digest")),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}, s.rowsAffected()...)
	method("DeleteLink implements Store: one DELETE.", "DeleteLink", []jen.Code{ctxParam(), jen.Id("digest").String()}, jen.Params(jen.Int64(), jen.Error()), del...)
	if !m.VerifiesEmail() {
		return
	}
	user := jen.List(jen.Id("userID"), jen.Id("email")).String()
	method("MarkEmailVerified implements Store: one upsert.", "MarkEmailVerified", []jen.Code{ctxParam(), user, now}, jen.Error(),
		exec("INSERT INTO email_verifications (user_id, email, verified_at) VALUES ("+s.params(3)+") ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, verified_at = excluded.verified_at",
			jen.Id("userID"), jen.Id("email"), s.timeArg(jen.Id("now")))...)
	method("EmailVerified implements Store.", "EmailVerified", []jen.Code{ctxParam(), user}, jen.Params(jen.Bool(), jen.Error()),
		jen.Var().Id("n").Int(),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT COUNT(*) FROM email_verifications WHERE user_id = "+p(1)+" AND email = "+p(2)), jen.Id("userID"), jen.Id("email")).Dot("Scan").Call(jen.Op("&").Id("n")),
		jen.Return(jen.Id("n").Op(">").Lit(0), jen.Err()),
	)
}
