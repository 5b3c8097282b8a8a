package generator

import "github.com/dave/jennifer/jen"

// Second factor (mfa): an authenticator app (TOTP, RFC 6238, through
// github.com/pquerna/otp) and ten single-use recovery codes. A user turns it
// on by starting an enrolment (a secret, sealed at rest under
// AUTH_ENCRYPTION_KEY) and confirming it with a code; from then on a right
// password at login answers 403 mfa_required with an mfa_token, which
// POST {prefix}/mfa/verify exchanges, with a code, for the token pair. Every
// code is accepted once (the last accepted time step is stored), and wrong
// codes are throttled per user, per address and per mfa_token. With
// mfa: required, a user without a second factor may only enrol one.

const (
	pkgMFA    = RuntimeModule + "/mfa"
	pkgSealed = RuntimeModule + "/sealed"
	pkgOTP    = "github.com/pquerna/otp"
	pkgTOTP   = "github.com/pquerna/otp/totp"

	envEncryptionKey          = "AUTH_ENCRYPTION_KEY"
	envEncryptionKeysPrevious = "AUTH_ENCRYPTION_KEYS_PREVIOUS"
	envTOTPIssuer             = "AUTH_TOTP_ISSUER"
)

// mfaFeature is mfa.
type mfaFeature struct{ noFeature }

func (mfaFeature) name() string { return "mfa" }

func (mfaFeature) requires(m *Model) []Module {
	if !m.UsesMFA() {
		return nil
	}
	return []Module{{pkgOTP, "v1.5.0"}}
}

func (mfaFeature) configFields(m *Model) []jen.Code {
	return when(m.UsesMFA(),
		jen.Comment("EncryptionKeys seal the users' TOTP secrets at rest: "+envEncryptionKey),
		jen.Comment("(32 bytes of base64) seals, and "+envEncryptionKeysPrevious),
		jen.Comment("(comma-separated) still open what the keys before a rotation sealed."),
		jen.Id("EncryptionKeys").Op("*").Qual(pkgSealed, "Keys"),
		jen.Comment("TOTPIssuer names the service in authenticator apps ("+envTOTPIssuer+");"),
		jen.Comment("empty means Issuer."),
		jen.Id("TOTPIssuer").String(),
	)
}

func (mfaFeature) fromEnv(m *Model) []jen.Code {
	return when(m.UsesMFA(),
		jen.If(jen.List(jen.Id("cfg").Dot("EncryptionKeys"), jen.Err()).Op("=").Id("encryptionKeysFromEnv").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id("Config").Values(), jen.Err()),
		),
		jen.Id("cfg").Dot("TOTPIssuer").Op("=").Qual("os", "Getenv").Call(jen.Lit(envTOTPIssuer)),
	)
}

func (mfaFeature) configFuncs(f *jen.File, m *Model) {
	if !m.UsesMFA() {
		return
	}
	f.Comment("encryptionKeysFromEnv reads the keys that seal TOTP secrets: " + envEncryptionKey + ",")
	f.Comment("which mfa needs, and " + envEncryptionKeysPrevious + ", the keys it replaced.")
	f.Func().Id("encryptionKeysFromEnv").Params().Params(jen.Op("*").Qual(pkgSealed, "Keys"), jen.Error()).Block(
		jen.Id("current").Op(":=").Qual("os", "Getenv").Call(jen.Lit(envEncryptionKey)),
		jen.If(jen.Id("current").Op("==").Lit("")).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgErrors, "New").Call(jen.Lit(envEncryptionKey+" is required: mfa is on, and the TOTP secrets are stored sealed under it (make one with: openssl rand -base64 32)"))),
		),
		jen.Var().Id("previous").Index().String(),
		jen.If(jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Lit(envEncryptionKeysPrevious)), jen.Id("v").Op("!=").Lit("")).Block(
			jen.Id("previous").Op("=").Qual("strings", "Split").Call(jen.Id("v"), jen.Lit(",")),
		),
		jen.List(jen.Id("keys"), jen.Err()).Op(":=").Qual(pkgSealed, "ParseKeys").Call(jen.Id("current"), jen.Id("previous").Op("...")),
		ifErrReturn(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(envEncryptionKey+": %w"), jen.Err())),
		jen.Return(jen.Id("keys"), jen.Nil()),
	)
	f.Line()
}

func (mfaFeature) newStatements(m *Model) []jen.Code {
	return when(m.UsesMFA(),
		jen.If(jen.Id("cfg").Dot("EncryptionKeys").Op("==").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgErrors, "New").Call(jen.Lit("auth: mfa is on and Config.EncryptionKeys is nil: set "+envEncryptionKey+" (make one with: openssl rand -base64 32)"))),
		),
		jen.If(jen.Id("cfg").Dot("TOTPIssuer").Op("==").Lit("")).Block(
			jen.Id("cfg").Dot("TOTPIssuer").Op("=").Id("cfg").Dot("Issuer"),
		),
	)
}

func (mfaFeature) serviceFields(m *Model) []jen.Code {
	fields := when(m.UsesMFA(),
		jen.Id("sealer").Op("*").Qual(pkgSealed, "Keys").Comment("seals TOTP secrets"),
		jen.Id("totpIssuer").String(),
	)
	return append(fields, when(m.RequiresMFA(),
		jen.Id("mfaRequired").Bool().Comment("mfa: required; the generated tests of other features turn it off"),
	)...)
}

func (mfaFeature) serviceValues(m *Model) []any {
	if !m.UsesMFA() {
		return nil
	}
	values := []any{"sealer", jen.Id("cfg").Dot("EncryptionKeys"), "totpIssuer", jen.Id("cfg").Dot("TOTPIssuer")}
	if m.RequiresMFA() {
		values = append(values, "mfaRequired", jen.True())
	}
	return values
}

// MFASampleIdentity is the account of AUTH.md's walk-through of the second
// factor.
func (m *Model) MFASampleIdentity() string { return m.byIdentity("hedy@example.com", "hedy_lamarr") }

// endpoints: with mfa: required, the routes a user without a second factor
// may use check their token themselves (requireEnrolling), so they are not
// behind Require, which refuses that user.
func (mfaFeature) endpoints(m *Model) []Endpoint {
	if !m.UsesMFA() {
		return nil
	}
	return []Endpoint{
		{"POST", "/mfa/totp", "StartTOTP", !m.RequiresMFA()},
		{"POST", "/mfa/totp/confirm", "ConfirmTOTP", !m.RequiresMFA()},
		// DELETE shares its path with StartTOTP's POST, which Require, mounted
		// on a whole router, lets through by path: it checks its token itself too.
		{"DELETE", "/mfa/totp", "DisableTOTP", !m.RequiresMFA()},
		{"POST", "/mfa/recovery-codes", "RegenerateRecoveryCodes", true},
		{"POST", "/mfa/verify", "VerifyMFA", false},
	}
}

func (mfaFeature) storeMethods(m *Model) []jen.Code {
	if !m.UsesMFA() {
		return nil
	}
	user := jen.Id("userID").String()
	digests := jen.Id("digests").Index().String()
	return []jen.Code{
		jen.Line(),
		jen.Comment("TOTPOf returns the user's authenticator-app secret, or ErrNotFound."),
		jen.Id("TOTPOf").Params(ctxParam(), user).Params(jen.Id("TOTP"), jen.Error()),
		jen.Comment("StartTOTP stores secret as the user's pending one, in place of any other"),
		jen.Comment("pending one, and reports how many it stored: 0 when the user's is on."),
		jen.Id("StartTOTP").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("secret")).String(), jen.Id("now").Qual(pkgTime, "Time")).Params(jen.Int64(), jen.Error()),
		jen.Comment("EnableTOTP turns the user's pending secret on, with step as its last"),
		jen.Comment("accepted time step and digests as the recovery codes, and reports how"),
		jen.Comment("many secrets it turned on: 0 when none was pending or step is not past"),
		jen.Comment("the last one."),
		jen.Id("EnableTOTP").Params(ctxParam(), user, jen.Id("step").Int64(), digests).Params(jen.Int64(), jen.Error()),
		jen.Comment("UseTOTPStep records that the code of step was accepted, if step is past"),
		jen.Comment("the last accepted one of the user's enabled secret, and reports how many"),
		jen.Comment("secrets it changed: of concurrent calls with one step, one succeeds."),
		jen.Id("UseTOTPStep").Params(ctxParam(), user, jen.Id("step").Int64()).Params(jen.Int64(), jen.Error()),
		jen.Comment("ResealTOTP replaces the user's sealed secret old with new, sealed under"),
		jen.Comment("the current key, unless it changed meanwhile."),
		jen.Id("ResealTOTP").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("old"), jen.Id("new")).String()).Error(),
		jen.Comment("DisableTOTP deletes the user's secret, recovery codes and MFA challenges,"),
		jen.Comment("and reports how many secrets it deleted."),
		jen.Id("DisableTOTP").Params(ctxParam(), user).Params(jen.Int64(), jen.Error()),
		jen.Comment("ReplaceRecoveryCodes makes digests the user's recovery codes if the"),
		jen.Comment("user's secret is on, and reports 1 if it did, 0 if it is not."),
		jen.Id("ReplaceRecoveryCodes").Params(ctxParam(), user, digests).Params(jen.Int64(), jen.Error()),
		jen.Comment("UseRecoveryCode spends the user's unused recovery code of digest at now,"),
		jen.Comment("if the user's secret is on, and reports how many it spent: of concurrent"),
		jen.Comment("calls with one code, one succeeds."),
		jen.Id("UseRecoveryCode").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("digest")).String(), jen.Id("now").Qual(pkgTime, "Time")).Params(jen.Int64(), jen.Error()),
		jen.Comment("RecoveryCodeUnused reports whether digest is an unused recovery code of"),
		jen.Comment("the user's, whose second factor is on."),
		jen.Id("RecoveryCodeUnused").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("digest")).String()).Params(jen.Bool(), jen.Error()),
		jen.Comment("InsertMFAChallenge stores c, and deletes the challenges expired at now."),
		jen.Id("InsertMFAChallenge").Params(ctxParam(), jen.Id("c").Id("MFAChallenge"), jen.Id("now").Qual(pkgTime, "Time")).Error(),
		jen.Comment("ReserveMFAChallenge counts a guess at the challenge of digest and returns"),
		jen.Comment("it, if it is unexpired at now and has had fewer than limit guesses;"),
		jen.Comment("otherwise ErrNotFound. The check and the count are one step: of"),
		jen.Comment("concurrent guesses, on any instance, no more than limit get through."),
		jen.Id("ReserveMFAChallenge").Params(ctxParam(), jen.Id("digest").String(), jen.Id("now").Qual(pkgTime, "Time"), jen.Id("limit").Int()).Params(jen.Id("MFAChallenge"), jen.Error()),
		jen.Comment("EndMFAChallenge deletes the challenge of digest and reports how many it"),
		jen.Comment("deleted: of concurrent calls, one ends it."),
		jen.Id("EndMFAChallenge").Params(ctxParam(), jen.Id("digest").String()).Params(jen.Int64(), jen.Error()),
	}
}

func (mfaFeature) files(m *Model) []step {
	if !m.UsesMFA() {
		return nil
	}
	return []step{{path: m.Package + "/mfa.go", owner: Generated, render: goFile(emitMFA)}}
}

func (mfaFeature) schema(m *Model) []schemaObject {
	if !m.UsesMFA() {
		return nil
	}
	return []schemaObject{{key: "table:mfa_totp"}, {key: "table:mfa_recovery_codes"}, {key: "table:mfa_challenges"}}
}

// mfaChallenge is login's statement, after the password proved right: an
// account with a second factor gets mfa_required instead of a session.
func mfaChallenge(m *Model) jen.Code {
	if !m.UsesMFA() {
		return jen.Null()
	}
	return jen.If(jen.Id("s").Dot("challenged").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u"))).Block(jen.Return())
}

// enrollingClaims is requireClaims for the routes that a user without a
// second factor may use under mfa: required, which check the token
// themselves.
func enrollingClaims(m *Model) []jen.Code {
	if !m.RequiresMFA() {
		return requireClaims(m)
	}
	return []jen.Code{
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("requireEnrolling").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
		personalTokenRefused(m),
	}
}

// requireFunc is the Service method that a handler outside Require calls
// for its access token: one that lets a user without a second factor
// through under mfa: required.
func requireFunc(m *Model) string {
	if m.RequiresMFA() {
		return "requireEnrolling"
	}
	return "require"
}

// authenticateName is the name of the method that verifies a request's
// access token: under mfa: required, authenticate wraps it with the check of
// the second factor.
func authenticateName(m *Model) string {
	if m.RequiresMFA() {
		return "authenticateEnrolling"
	}
	return "authenticate"
}

// reauthenticationFields are the second factor's members of a
// re-authentication.
func reauthenticationFields(m *Model) []jen.Code {
	return when(m.UsesMFA(),
		jen.Comment("Code or RecoveryCode is the second factor, for an account that has one."),
		jen.Id("Code").String().Tag(map[string]string{"json": "code"}),
		jen.Id("RecoveryCode").String().Tag(map[string]string{"json": "recovery_code"}),
	)
}

// reauthenticateSecondFactor are Reauthenticate's statements after the
// password: an account with a second factor proves it too, and amr says so.
func reauthenticateSecondFactor(m *Model) []jen.Code {
	return when(m.UsesMFA(),
		jen.List(jen.Id("on"), jen.Err()).Op(":=").Id("s").Dot("hasSecondFactor").Call(jen.Id("ctx"), jen.Id("u").Dot("ID")),
		ifErr(unavailableReturn("find second factor")...),
		jen.If(jen.Id("on")).Block(
			jen.Id("attempt").Op(":=").Id("codeAttempt").Call(jen.Id("r"), jen.Id("u").Dot("ID")),
			jen.If(jen.Op("!").Id("s").Dot("reserve").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("attempt"))).Block(jen.Return()),
			jen.List(jen.Id("proof"), jen.Id("ok")).Op(":=").Id("s").Dot("secondFactor").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u").Dot("ID"), jen.Id("in").Dot("Code"), jen.Id("in").Dot("RecoveryCode")),
			jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("s").Dot("spendFactor").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u").Dot("ID"), jen.Id("proof"))).Block(jen.Return()),
			jen.Id("s").Dot("attemptSucceeded").Call(jen.Id("ctx"), jen.Id("attempt")),
			jen.Id("amr").Op("=").Append(jen.Id("amr"), jen.Lit("otp")),
		),
	)
}

// emitMFA renders mfa.go.
func emitMFA(f *jen.File, m *Model) {
	f.Const().Defs(
		jen.Comment("mfaChallengeTTL is how long an mfa_token lives: time enough to find the phone."),
		jen.Id("mfaChallengeTTL").Op("=").Lit(5).Op("*").Qual(pkgTime, "Minute"),
		jen.Comment("mfaChallengeGuesses is how many codes one mfa_token may try."),
		jen.Id("mfaChallengeGuesses").Op("=").Lit(5),
	)
	f.Line()
	f.Comment("TOTP is a user's authenticator-app secret, pending until a code confirms it.")
	f.Type().Id("TOTP").Struct(
		jen.Comment("Secret is sealed (Service.sealer), bound to the user's ID: a copy of the"),
		jen.Comment("store alone does not give it away, nor does it open on another row."),
		jen.Id("Secret").String(),
		jen.Id("Enabled").Bool(),
		jen.Comment("LastStep is the time step (Unix time / 30 s) of the last code accepted:"),
		jen.Comment("a code of it or of an earlier one is refused, so none is accepted twice."),
		jen.Id("LastStep").Int64(),
	)
	f.Line()
	f.Comment("MFAChallenge is a login whose password was right, waiting for its second")
	f.Comment("factor. Only the digest of its mfa_token is stored.")
	f.Type().Id("MFAChallenge").Struct(
		jen.List(jen.Id("Digest"), jen.Id("UserID")).String(),
		jen.Comment("PasswordDigest is passwordDigest of the hash the login's password"),
		jen.Comment("matched: a password change since voids the challenge."),
		jen.Id("PasswordDigest").String(),
		jen.Id("ExpiresAt").Qual(pkgTime, "Time"),
		jen.Comment("Guesses counts the codes tried with it."),
		jen.Id("Guesses").Int(),
	)
	f.Line()
	emitMFARequestTypes(f)
	emitTOTPCodes(f)
	emitStartTOTP(f, m)
	emitConfirmTOTP(f, m)
	emitDisableTOTP(f, m)
	emitRegenerateRecoveryCodes(f, m)
	emitVerifyMFA(f, m)
	emitSecondFactor(f)
	if m.RequiresMFA() {
		emitEnrolmentCheck(f)
	}
}

func emitMFARequestTypes(f *jen.File) {
	tag := func(name string) map[string]string { return map[string]string{"json": name} }
	f.Comment("totpEnrolment is StartTOTP's answer: the secret, for typing in, and the")
	f.Comment("otpauth:// URI that a QR code carries to an authenticator app.")
	f.Type().Id("totpEnrolment").Struct(
		jen.Id("Secret").String().Tag(tag("secret")),
		jen.Id("URI").String().Tag(tag("otpauth_uri")),
	)
	f.Line()
	f.Comment("codeRequest is ConfirmTOTP's body.")
	f.Type().Id("codeRequest").Struct(jen.Id("Code").String().Tag(tag("code")))
	f.Line()
	f.Comment("recoveryCodes is the answer that shows new recovery codes, once.")
	f.Type().Id("recoveryCodes").Struct(jen.Id("Codes").Index().String().Tag(tag("recovery_codes")))
	f.Line()
	f.Comment("totpConfirmation is ConfirmTOTP's answer: the recovery codes, and an access")
	f.Comment("token of the caller's session that states both factors (omitted if the")
	f.Comment("store failed after the factor was on; a refresh gives one).")
	f.Type().Id("totpConfirmation").Struct(
		jen.Id("recoveryCodes"),
		jen.Op("*").Id("accessResponse"),
	)
	f.Line()
	f.Comment("mfaVerification is VerifyMFA's body: the mfa_token of the login and a")
	f.Comment("code of the authenticator app or a recovery code.")
	f.Type().Id("mfaVerification").Struct(
		jen.Id("MFAToken").String().Tag(tag("mfa_token")),
		jen.Id("Code").String().Tag(tag("code")),
		jen.Id("RecoveryCode").String().Tag(tag("recovery_code")),
	)
	f.Line()
	f.Func().Id("errMFAToken").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the mfa_token is invalid, expired, used, or out of guesses: log in again"), jen.True())),
	)
	f.Line()
	f.Func().Id("errWrongCode").Params().Op("*").Qual(pkgHTTPAuth, "Problem").Block(
		jen.Return(jen.Qual(pkgHTTPAuth, "InvalidCode").Call(jen.Lit("the code is wrong, expired or already used"))),
	)
	f.Line()
}

func emitTOTPCodes(f *jen.File) {
	f.Comment("totpCodes are the codes of authenticator apps: RFC 6238's defaults, which")
	f.Comment("every app reads from an otpauth:// URI.")
	f.Var().Id("totpCodes").Op("=").Qual(pkgTOTP, "ValidateOpts").Values(jen.Dict{
		jen.Id("Period"):    jen.Lit(30),
		jen.Id("Digits"):    jen.Qual(pkgOTP, "DigitsSix"),
		jen.Id("Algorithm"): jen.Qual(pkgOTP, "AlgorithmSHA1"),
	})
	f.Line()
	f.Comment("totpStep returns the time step whose code for secret is code, within one")
	f.Comment("step of clock skew of now; ok is false when there is none. Every candidate")
	f.Comment("is compared in constant time.")
	f.Func().Id("totpStep").Params(jen.List(jen.Id("secret"), jen.Id("code")).String(), jen.Id("now").Qual(pkgTime, "Time")).Params(jen.Id("step").Int64(), jen.Id("ok").Bool()).Block(
		jen.If(jen.Len(jen.Id("code")).Op("!=").Lit(6).Op("||").Qual("strings", "IndexFunc").Call(jen.Id("code"), jen.Func().Params(jen.Id("c").Rune()).Bool().Block(
			jen.Return(jen.Id("c").Op("<").LitRune('0').Op("||").Id("c").Op(">").LitRune('9')),
		)).Op(">=").Lit(0)).Block(jen.Return(jen.Lit(0), jen.False())),
		jen.Id("current").Op(":=").Id("now").Dot("Unix").Call().Op("/").Lit(30),
		jen.For(jen.Id("at").Op(":=").Id("current").Op("-").Lit(1), jen.Id("at").Op("<=").Id("current").Op("+").Lit(1), jen.Id("at").Op("++")).Block(
			jen.List(jen.Id("want"), jen.Err()).Op(":=").Qual(pkgTOTP, "GenerateCodeCustom").Call(jen.Id("secret"), jen.Qual(pkgTime, "Unix").Call(jen.Id("at").Op("*").Lit(30), jen.Lit(0)), jen.Id("totpCodes")),
			jen.If(jen.Err().Op("==").Nil().Op("&&").Qual("crypto/subtle", "ConstantTimeCompare").Call(jen.Index().Byte().Parens(jen.Id("want")), jen.Index().Byte().Parens(jen.Id("code"))).Op("==").Lit(1)).Block(
				jen.List(jen.Id("step"), jen.Id("ok")).Op("=").List(jen.Id("at"), jen.True()),
			),
		),
		jen.Return(jen.Id("step"), jen.Id("ok")),
	)
	f.Line()
	f.Comment("passwordDigest names a password hash without holding it.")
	f.Func().Id("passwordDigest").Params(jen.Id("hash").String()).String().Block(
		jen.Id("sum").Op(":=").Qual("crypto/sha256", "Sum256").Call(jen.Index().Byte().Parens(jen.Id("hash"))),
		jen.Return(jen.Qual("encoding/hex", "EncodeToString").Call(jen.Id("sum").Index(jen.Op(":")))),
	)
	f.Line()
	f.Comment("codeAttempt is a guess at a user's second factor, for the throttle: it")
	f.Comment("counts against the user and the address as a password guess does, on counts")
	f.Comment("of its own, so that guessing passwords does not lock out codes.")
	f.Func().Id("codeAttempt").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("userID").String()).Qual(pkgThrottle, "Attempt").Block(
		jen.Return(jen.Qual(pkgThrottle, "Attempt").Values(jen.Dict{
			jen.Id("Identity"): jen.Id("userID"),
			jen.Id("Address"):  jen.Id("clientAddress").Call(jen.Id("r")),
			jen.Id("Factor"):   jen.Lit("totp"),
		})),
	)
	f.Line()
}

func emitStartTOTP(f *jen.File, m *Model) {
	handlerDoc(f, m, "StartTOTP", "POST "+m.Route("/mfa/totp")+mfaGuard(m),
		"It makes a new authenticator-app secret for the user, pending until",
		"ConfirmTOTP, and answers it with its otpauth:// URI; 409 mfa_enabled when",
		"the user's second factor is already on.",
		"It needs a password proved within recent_auth (401 reauthentication_required).")
	body := append(enrollingClaims(m),
		recentAuthCheck(m),
		storeContext(),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject")),
		jen.If(jen.Id("gone").Call(jen.Id("u"), jen.Err())).Block(
			writeProblemReturn(jen.Qual(pkgHTTPAuth, "Unauthorized").Call(jen.Qual(pkgHTTPAuth, "CodeInvalidToken"), jen.Lit("the account of this token no longer exists"), jen.True()))...,
		),
		ifErr(unavailableReturn("find user")...),
		jen.List(jen.Id("key"), jen.Err()).Op(":=").Qual(pkgTOTP, "Generate").Call(jen.Qual(pkgTOTP, "GenerateOpts").Values(jen.Dict{
			jen.Id("Issuer"):      jen.Id("s").Dot("totpIssuer"),
			jen.Id("AccountName"): jen.Id("u").Dot(m.IdentityField()),
			jen.Id("Period"):      jen.Id("totpCodes").Dot("Period"),
			jen.Id("Digits"):      jen.Id("totpCodes").Dot("Digits"),
			jen.Id("Algorithm"):   jen.Id("totpCodes").Dot("Algorithm"),
		})),
		ifErr(unavailableReturn("make TOTP secret")...),
		jen.List(jen.Id("sealed"), jen.Err()).Op(":=").Id("s").Dot("sealer").Dot("Seal").Call(jen.Index().Byte().Parens(jen.Id("key").Dot("Secret").Call()), jen.Index().Byte().Parens(jen.Id("u").Dot("ID"))),
		ifErr(unavailableReturn("seal TOTP secret")...),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("StartTOTP").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("sealed"), jen.Id("s").Dot("clock").Call().Dot("UTC").Call()),
		ifErr(unavailableReturn("store TOTP secret")...),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(
			writeProblemReturn(problem("StatusConflict", "CodeMFAEnabled", "the second factor is already on: turn it off (DELETE "+m.Route("/mfa/totp")+") to enrol another authenticator app"))...,
		),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("totpEnrolment").Values(jen.Dict{
			jen.Id("Secret"): jen.Id("key").Dot("Secret").Call(),
			jen.Id("URI"):    jen.Id("key").Dot("URL").Call(),
		})),
	)
	f.Func().Add(recv()).Id("StartTOTP").Add(httpParams()).Block(body...)
	f.Line()
}

// secondFactorCheck is the statement of the handlers that change a second
// factor that is on: the caller's session must have proved one (amr otp),
// by the login or a re-authentication with a code, so that a session that
// proved only the password — one from before the factor, say — cannot.
func secondFactorCheck() jen.Code {
	return jen.If(jen.Op("!").Qual("slices", "Contains").Call(jen.Id("claims").Dot("AMR"), jen.Lit("otp"))).Block(
		jen.Id("p").Op(":=").Qual(pkgHTTPAuth, "ReauthenticationRequired").Call(jen.Id("s").Dot("recentAuth")),
		jen.Id("p").Dot("Detail").Op("=").Lit("this session has not proved the second factor: re-authenticate with the password and a code, then retry"),
		writeProblem(jen.Id("p")),
		jen.Return(),
	)
}

// mfaGuard is how a handler's doc says what stands in front of it.
func mfaGuard(m *Model) string {
	if m.RequiresMFA() {
		return " (it checks the access token itself: under mfa: required, a user without a second factor may call it)"
	}
	return " behind Require"
}

func emitConfirmTOTP(f *jen.File, m *Model) {
	handlerDoc(f, m, "ConfirmTOTP", "POST "+m.Route("/mfa/totp/confirm")+mfaGuard(m),
		"Given a code of the pending secret, it turns the second factor on and",
		"answers ten recovery codes, shown this once. Every other session of the",
		"user ends; the caller's counts as authenticated by both factors from now",
		"on, and the answer carries an access token that says so (amr otp). A",
		"wrong code is 400 invalid_code, counted like a wrong password.")
	body := append(enrollingClaims(m), decodeInto("codeRequest", "DecodeJSON")...)
	body = append(body,
		storeContext(),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("TOTPOf").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(
			writeProblemReturn(jen.Qual(pkgHTTPAuth, "InvalidCode").Call(jen.Lit("no authenticator app is waiting to be confirmed: start with POST "+m.Route("/mfa/totp"))))...,
		),
		ifErr(unavailableReturn("find second factor")...),
		jen.If(jen.Id("t").Dot("Enabled")).Block(
			writeProblemReturn(problem("StatusConflict", "CodeMFAEnabled", "the second factor is already on"))...,
		),
		jen.Id("attempt").Op(":=").Id("codeAttempt").Call(jen.Id("r"), jen.Id("claims").Dot("Subject")),
		jen.If(jen.Op("!").Id("s").Dot("reserve").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("attempt"))).Block(jen.Return()),
		jen.List(jen.Id("secret"), jen.Err()).Op(":=").Id("s").Dot("openTOTP").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("t")),
		ifErr(unavailableReturn("open TOTP secret")...),
		jen.List(jen.Id("step"), jen.Id("ok")).Op(":=").Id("totpStep").Call(jen.Id("secret"), jen.Id("in").Dot("Code"), jen.Id("s").Dot("clock").Call()),
		jen.Var().Id("n").Int64(),
		jen.Var().Id("codes").Index().String(),
		jen.If(jen.Id("ok").Op("&&").Id("step").Op(">").Id("t").Dot("LastStep")).Block(
			jen.Comment("A session that proved only the password, before the factor existed, must"),
			jen.Comment("not outlive it: every session but the caller's ends first."),
			jen.If(jen.Err().Op(":=").Id("s").Dot("store").Dot("RevokeOtherSessions").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID"), jen.Id("s").Dot("clock").Call().Dot("UTC").Call()), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("end other sessions")...,
			),
			jen.Var().Id("digests").Index().String(),
			jen.If(jen.List(jen.Id("codes"), jen.Id("digests"), jen.Err()).Op("=").Qual(pkgMFA, "NewRecoveryCodes").Call(jen.Qual(pkgMFA, "RecoveryCodes")), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("make recovery codes")...,
			),
			jen.If(jen.List(jen.Id("n"), jen.Err()).Op("=").Id("s").Dot("store").Dot("EnableTOTP").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("step"), jen.Id("digests")), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("turn second factor on")...,
			),
		),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(
			emit("EventMFAFailed", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID")),
			writeProblem(jen.Id("errWrongCode").Call()),
			jen.Return(),
		),
		jen.Id("s").Dot("attemptSucceeded").Call(jen.Id("ctx"), jen.Id("attempt")),
		emit("EventMFAEnabled", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID")),
		jen.Comment("The caller's session proved both factors just now: its next refresh says"),
		jen.Comment("so, and so does the access token in the answer."),
		jen.Id("resp").Op(":=").Id("totpConfirmation").Values(jen.Dict{jen.Id("recoveryCodes"): jen.Id("recoveryCodes").Values(jen.Dict{jen.Id("Codes"): jen.Id("codes")})}),
		jen.If(jen.List(jen.Id("access"), jen.Err()).Op(":=").Id("s").Dot("proveBothFactors").Call(jen.Id("ctx"), jen.Id("claims")), jen.Err().Op("!=").Nil()).Block(
			jen.Comment("The factor is on: the codes must reach the user even so; a refresh"),
			jen.Comment("will say otp once the store answers again."),
			jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: record the second factor on the session"), jen.Lit("err"), jen.Err()),
		).Else().Block(
			jen.Id("fresh").Op(":=").Id("s").Dot("freshAccess").Call(jen.Id("w"), jen.Id("r"), jen.Id("access")),
			jen.Id("resp").Dot("accessResponse").Op("=").Op("&").Id("fresh"),
		),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("resp")),
	)
	f.Func().Add(recv()).Id("ConfirmTOTP").Add(httpParams()).Block(body...)
	f.Line()
	f.Comment("proveBothFactors records that the session of claims proved both factors")
	f.Comment("just now, so that its next refresh says so, and signs an access token")
	f.Comment("that says so too.")
	f.Func().Add(recv()).Id("proveBothFactors").Params(ctxParam(), jen.Id("claims").Op("*").Qual(pkgToken, "Claims")).Params(jen.String(), jen.Error()).Block(
		jen.Id("rec").Op(":=").Qual(pkgRefresh, "Record").Values(jen.Dict{
			jen.Id("FamilyID"): jen.Id("claims").Dot("SessionID"),
			jen.Id("AuthTime"): jen.Id("s").Dot("clock").Call().Dot("UTC").Call(),
			jen.Id("AMR"):      jen.Index().String().Values(jen.Lit("pwd"), jen.Lit("otp")),
		}),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject")),
		ifErrReturn(jen.Lit(""), jen.Err()),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("Reauthenticate").Call(jen.Id("ctx"), jen.Id("u").Dot("ID"), jen.Id("rec").Dot("FamilyID"), jen.Id("rec").Dot("AuthTime"), jen.Id("rec").Dot("AMR")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Lit(""), jen.Err()),
		),
		jen.Return(jen.Id("s").Dot("signAccess").Call(jen.Id("ctx"), jen.Id("u"), jen.Id("rec"))),
	)
	f.Line()
}

func emitDisableTOTP(f *jen.File, m *Model) {
	lines := []string{
		"It turns the user's second factor off and deletes its recovery codes; 204",
		"whether or not it was on.",
		"It needs a password and a code proved within recent_auth (401",
		"reauthentication_required): a session that proved only a password cannot.",
	}
	downgrade := []jen.Code{}
	if m.RequiresMFA() {
		lines = append(lines,
			"Under mfa: required the user must enrol again: the caller's session is",
			"marked as proved by password alone (its next access token may only enrol),",
			"and every other session of the user ends.")
		downgrade = []jen.Code{
			jen.Id("now").Op(":=").Id("s").Dot("clock").Call().Dot("UTC").Call(),
			jen.If(jen.Err().Op(":=").Id("s").Dot("store").Dot("RevokeOtherSessions").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID"), jen.Id("now")), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("end sessions")...,
			),
			jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("Reauthenticate").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID"), jen.Id("now"), jen.Index().String().Values(jen.Lit("pwd"))), jen.Err().Op("!=").Nil()).Block(
				unavailableReturn("record the session's proof")...,
			),
		}
	}
	handlerDoc(f, m, "DisableTOTP", "DELETE "+m.Route("/mfa/totp")+mfaGuard(m), lines...)
	body := append(enrollingClaims(m),
		recentAuthCheck(m),
		secondFactorCheck(),
		storeContext(),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("DisableTOTP").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject")),
		ifErr(unavailableReturn("turn second factor off")...),
	)
	body = append(body, downgrade...)
	body = append(body,
		jen.If(jen.Id("n").Op(">").Lit(0)).Block(emit("EventMFADisabled", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID"))),
	)
	body = append(body, bodyless("StatusNoContent")...)
	f.Func().Add(recv()).Id("DisableTOTP").Add(httpParams()).Block(body...)
	f.Line()
}

func emitRegenerateRecoveryCodes(f *jen.File, m *Model) {
	handlerDoc(f, m, "RegenerateRecoveryCodes", "POST "+m.Route("/mfa/recovery-codes")+" behind Require",
		"It replaces the user's recovery codes with ten new ones, shown this once;",
		"409 mfa_not_enabled when the second factor is off.",
		"It needs a password and a code proved within recent_auth (401",
		"reauthentication_required): a session that proved only a password cannot.")
	body := append(requireClaims(m),
		recentAuthCheck(m),
		secondFactorCheck(),
		storeContext(),
		jen.List(jen.Id("codes"), jen.Id("digests"), jen.Err()).Op(":=").Qual(pkgMFA, "NewRecoveryCodes").Call(jen.Qual(pkgMFA, "RecoveryCodes")),
		ifErr(unavailableReturn("make recovery codes")...),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("ReplaceRecoveryCodes").Call(jen.Id("ctx"), jen.Id("claims").Dot("Subject"), jen.Id("digests")),
		ifErr(unavailableReturn("store recovery codes")...),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(
			writeProblemReturn(problem("StatusConflict", "CodeMFANotEnabled", "the second factor is off: turn it on with POST "+m.Route("/mfa/totp")+" first"))...,
		),
		emit("EventRecoveryCodesRegenerated", jen.Id("claims").Dot("Subject"), jen.Id("claims").Dot("SessionID")),
		jen.Qual(pkgHTTPAuth, "WriteJSON").Call(jen.Id("w"), jen.Qual(pkgHTTP, "StatusOK"), jen.Id("recoveryCodes").Values(jen.Dict{jen.Id("Codes"): jen.Id("codes")})),
	)
	f.Func().Add(recv()).Id("RegenerateRecoveryCodes").Add(httpParams()).Block(body...)
	f.Line()
}

func emitVerifyMFA(f *jen.File, m *Model) {
	handlerDoc(f, m, "VerifyMFA", "POST "+m.Route("/mfa/verify"),
		"It finishes a login that answered mfa_required: given its mfa_token and a",
		"code of the authenticator app (or a recovery code), it answers the token",
		"pair, whose amr is pwd and otp. An mfa_token is good for five minutes and",
		"one login; a bad, expired or used one is 401 invalid_token. A wrong code",
		"is 400 invalid_code; wrong codes count against the user, the address and",
		"the mfa_token (five per token).")
	body := append(crossOriginGuard(m), decodeInto("mfaVerification", "DecodeJSON")...)
	body = append(body,
		jen.List(jen.Id("digest"), jen.Id("ok")).Op(":=").Qual(pkgMFA, "ChallengeDigest").Call(jen.Id("in").Dot("MFAToken")),
		jen.If(jen.Op("!").Id("ok")).Block(writeProblemReturn(jen.Id("errMFAToken").Call())...),
		storeContext(),
		jen.Comment("The guess is counted before its code is checked, in the store, so that"),
		jen.Comment("every instance shares the five."),
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("ReserveMFAChallenge").Call(jen.Id("ctx"), jen.Id("digest"), jen.Id("s").Dot("clock").Call().Dot("UTC").Call(), jen.Id("mfaChallengeGuesses")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(writeProblemReturn(jen.Id("errMFAToken").Call())...),
		ifErr(unavailableReturn("find mfa_token")...),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("UserByID").Call(jen.Id("ctx"), jen.Id("c").Dot("UserID")),
		jen.Comment("A password change (or a disabled account) since the login voids it."),
		jen.If(jen.Id("gone").Call(jen.Id("u"), jen.Err()).Op("||").Err().Op("==").Nil().Op("&&").Qual("crypto/subtle", "ConstantTimeCompare").Call(
			jen.Index().Byte().Parens(jen.Id("passwordDigest").Call(jen.Id("u").Dot("PasswordHash"))), jen.Index().Byte().Parens(jen.Id("c").Dot("PasswordDigest"))).Op("!=").Lit(1)).Block(
			writeProblemReturn(jen.Id("errMFAToken").Call())...,
		),
		ifErr(unavailableReturn("find user")...),
		jen.Id("attempt").Op(":=").Id("codeAttempt").Call(jen.Id("r"), jen.Id("u").Dot("ID")),
		jen.If(jen.Op("!").Id("s").Dot("reserve").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("attempt"))).Block(jen.Return()),
		jen.List(jen.Id("proof"), jen.Id("ok")).Op(":=").Id("s").Dot("secondFactor").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u").Dot("ID"), jen.Id("in").Dot("Code"), jen.Id("in").Dot("RecoveryCode")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Comment("One mfa_token, one session: of concurrent verifications, one ends it,"),
		jen.Comment("and only that one spends its code, so the others' recovery codes live on."),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("EndMFAChallenge").Call(jen.Id("ctx"), jen.Id("digest")),
		ifErr(unavailableReturn("end mfa_token")...),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(writeProblemReturn(jen.Id("errMFAToken").Call())...),
		jen.If(jen.Op("!").Id("s").Dot("spendFactor").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u").Dot("ID"), jen.Id("proof"))).Block(jen.Return()),
		jen.Id("s").Dot("attemptSucceeded").Call(jen.Id("ctx"), jen.Id("attempt")),
		jen.Id("s").Dot("startSession").Call(jen.Id("ctx"), jen.Id("w"), jen.Id("r"), jen.Id("u"), jen.Index().String().Values(jen.Lit("pwd"), jen.Lit("otp"))),
	)
	f.Func().Add(recv()).Id("VerifyMFA").Add(httpParams()).Block(body...)
	f.Line()
}

// emitSecondFactor renders the checks that login, verification and
// re-authentication share.
func emitSecondFactor(f *jen.File) {
	f.Comment("challenged answers 403 mfa_required with a fresh mfa_token when u has a")
	f.Comment("second factor on, and reports whether it answered (503 too, when the store")
	f.Comment("fails).")
	f.Func().Add(recv()).Id("challenged").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("u").Id("User")).Bool().Block(
		jen.List(jen.Id("on"), jen.Err()).Op(":=").Id("s").Dot("hasSecondFactor").Call(jen.Id("ctx"), jen.Id("u").Dot("ID")),
		jen.If(jen.Err().Op("==").Nil().Op("&&").Op("!").Id("on")).Block(jen.Return(jen.False())),
		jen.Var().Id("token").String(),
		jen.If(jen.Err().Op("==").Nil()).Block(
			jen.List(jen.Id("token"), jen.Err()).Op("=").Id("s").Dot("newChallenge").Call(jen.Id("ctx"), jen.Id("u")),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("challenge second factor"), jen.Err()),
			jen.Return(jen.True()),
		),
		jen.Id("s").Dot("reject").Call(jen.Id("w"), jen.Id("r"), jen.Qual(pkgHTTPAuth, "MFARequired").Call(jen.Id("token"))),
		jen.Return(jen.True()),
	)
	f.Line()
	f.Comment("newChallenge stores a challenge for u, who just proved their password, and")
	f.Comment("returns its mfa_token.")
	f.Func().Add(recv()).Id("newChallenge").Params(ctxParam(), jen.Id("u").Id("User")).Params(jen.String(), jen.Error()).Block(
		jen.List(jen.Id("token"), jen.Id("digest"), jen.Err()).Op(":=").Qual(pkgMFA, "NewChallenge").Call(),
		ifErrReturn(jen.Lit(""), jen.Err()),
		jen.Id("now").Op(":=").Id("s").Dot("clock").Call().Dot("UTC").Call(),
		jen.Return(jen.Id("token"), jen.Id("s").Dot("store").Dot("InsertMFAChallenge").Call(jen.Id("ctx"), jen.Id("MFAChallenge").Values(jen.Dict{
			jen.Id("Digest"):         jen.Id("digest"),
			jen.Id("UserID"):         jen.Id("u").Dot("ID"),
			jen.Id("PasswordDigest"): jen.Id("passwordDigest").Call(jen.Id("u").Dot("PasswordHash")),
			jen.Id("ExpiresAt"):      jen.Id("now").Dot("Add").Call(jen.Id("mfaChallengeTTL")),
		}), jen.Id("now"))),
	)
	f.Line()
	f.Comment("hasSecondFactor reports whether the user's second factor is on.")
	f.Func().Add(recv()).Id("hasSecondFactor").Params(ctxParam(), jen.Id("userID").String()).Params(jen.Bool(), jen.Error()).Block(
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("TOTPOf").Call(jen.Id("ctx"), jen.Id("userID")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound"))).Block(jen.Return(jen.False(), jen.Nil())),
		jen.Return(jen.Id("t").Dot("Enabled"), jen.Err()),
	)
	f.Line()
	f.Comment("factorProof is a second factor that checked out and is not spent yet: a")
	f.Comment("code of the authenticator app, of its time step, or a recovery code.")
	f.Type().Id("factorProof").Struct(
		jen.Id("kind").Id("EventKind").Comment("EventMFAVerified or EventRecoveryCodeUsed; \"\" for none"),
		jen.Id("step").Int64().Comment("the code's time step"),
		jen.Id("digest").String().Comment("the recovery code's digest"),
	)
	f.Line()
	f.Comment("secondFactor checks code, of the user's authenticator app, or else")
	f.Comment("recoveryCode, without spending it (spendFactor does, once what the proof")
	f.Comment("is for has been claimed). It answers a failure itself (400 invalid_code,")
	f.Comment("503) and reports whether the factor checked out.")
	f.Func().Add(recv()).Id("secondFactor").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.List(jen.Id("userID"), jen.Id("code"), jen.Id("recoveryCode")).String()).Params(jen.Id("factorProof"), jen.Bool()).Block(
		jen.If(jen.Id("code").Op("==").Lit("").Op("&&").Id("recoveryCode").Op("==").Lit("")).Block(
			writeProblem(jen.Qual(pkgHTTPAuth, "InvalidCode").Call(jen.Lit("this account has a second factor: send a code of its authenticator app as code, or a recovery code as recovery_code"))),
			jen.Return(jen.Id("factorProof").Values(), jen.False()),
		),
		jen.List(jen.Id("proof"), jen.Err()).Op(":=").Id("s").Dot("checkSecondFactor").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("code"), jen.Id("recoveryCode")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("check second factor"), jen.Err()),
			jen.Return(jen.Id("factorProof").Values(), jen.False()),
		),
		jen.If(jen.Id("proof").Dot("kind").Op("==").Lit("")).Block(
			emit("EventMFAFailed", jen.Id("userID"), jen.Lit("")),
			writeProblem(jen.Id("errWrongCode").Call()),
			jen.Return(jen.Id("factorProof").Values(), jen.False()),
		),
		jen.Return(jen.Id("proof"), jen.True()),
	)
	f.Line()
	f.Comment("spendFactor spends proof: of concurrent requests with one code, one does,")
	f.Comment("and the others get 400 invalid_code. It answers a failure itself and")
	f.Comment("reports whether it spent the proof.")
	f.Func().Add(recv()).Id("spendFactor").Params(ctxParam(), jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("userID").String(), jen.Id("proof").Id("factorProof")).Bool().Block(
		jen.Var().Id("n").Int64(),
		jen.Var().Err().Error(),
		jen.If(jen.Id("proof").Dot("kind").Op("==").Id("EventRecoveryCodeUsed")).Block(
			jen.List(jen.Id("n"), jen.Err()).Op("=").Id("s").Dot("store").Dot("UseRecoveryCode").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("proof").Dot("digest"), jen.Id("s").Dot("clock").Call().Dot("UTC").Call()),
		).Else().Block(
			jen.List(jen.Id("n"), jen.Err()).Op("=").Id("s").Dot("store").Dot("UseTOTPStep").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("proof").Dot("step")),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("s").Dot("unavailable").Call(jen.Id("w"), jen.Lit("spend second factor"), jen.Err()),
			jen.Return(jen.False()),
		),
		jen.If(jen.Id("n").Op("==").Lit(0)).Block(
			emit("EventMFAFailed", jen.Id("userID"), jen.Lit("")),
			writeProblem(jen.Id("errWrongCode").Call()),
			jen.Return(jen.False()),
		),
		jen.Id("s").Dot("emit").Call(jen.Id("r"), jen.Id("proof").Dot("kind"), jen.Id("userID"), jen.Lit("")),
		jen.Return(jen.True()),
	)
	f.Line()
	f.Comment("checkSecondFactor checks code or else recoveryCode of the user's against")
	f.Comment("the store without spending it; the zero proof means neither is right and")
	f.Comment("unused.")
	f.Func().Add(recv()).Id("checkSecondFactor").Params(ctxParam(), jen.List(jen.Id("userID"), jen.Id("code"), jen.Id("recoveryCode")).String()).Params(jen.Id("factorProof"), jen.Error()).Block(
		jen.Var().Id("none").Id("factorProof"),
		jen.If(jen.Id("code").Op("==").Lit("")).Block(
			jen.List(jen.Id("digest"), jen.Id("ok")).Op(":=").Qual(pkgMFA, "RecoveryDigest").Call(jen.Id("recoveryCode")),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("none"), jen.Nil())),
			jen.List(jen.Id("unused"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("RecoveryCodeUnused").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("digest")),
			jen.If(jen.Err().Op("!=").Nil().Op("||").Op("!").Id("unused")).Block(jen.Return(jen.Id("none"), jen.Err())),
			jen.Return(jen.Id("factorProof").Values(jen.Dict{jen.Id("kind"): jen.Id("EventRecoveryCodeUsed"), jen.Id("digest"): jen.Id("digest")}), jen.Nil()),
		),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Id("s").Dot("store").Dot("TOTPOf").Call(jen.Id("ctx"), jen.Id("userID")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Id("ErrNotFound")).Op("||").Err().Op("==").Nil().Op("&&").Op("!").Id("t").Dot("Enabled")).Block(jen.Return(jen.Id("none"), jen.Nil())),
		ifErrReturn(jen.Id("none"), jen.Err()),
		jen.List(jen.Id("secret"), jen.Err()).Op(":=").Id("s").Dot("openTOTP").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("t")),
		ifErrReturn(jen.Id("none"), jen.Err()),
		jen.List(jen.Id("step"), jen.Id("ok")).Op(":=").Id("totpStep").Call(jen.Id("secret"), jen.Id("code"), jen.Id("s").Dot("clock").Call()),
		jen.If(jen.Op("!").Id("ok").Op("||").Id("step").Op("<=").Id("t").Dot("LastStep")).Block(jen.Return(jen.Id("none"), jen.Nil())),
		jen.Return(jen.Id("factorProof").Values(jen.Dict{jen.Id("kind"): jen.Id("EventMFAVerified"), jen.Id("step"): jen.Id("step")}), jen.Nil()),
	)
	f.Line()
	f.Comment("openTOTP opens the user's sealed secret; one sealed under a previous key is")
	f.Comment("sealed again under the current one, so that a rotation completes as users")
	f.Comment("sign in.")
	f.Func().Add(recv()).Id("openTOTP").Params(ctxParam(), jen.Id("userID").String(), jen.Id("t").Id("TOTP")).Params(jen.String(), jen.Error()).Block(
		jen.List(jen.Id("secret"), jen.Id("stale"), jen.Err()).Op(":=").Id("s").Dot("sealer").Dot("Open").Call(jen.Id("t").Dot("Secret"), jen.Index().Byte().Parens(jen.Id("userID"))),
		ifErrReturn(jen.Lit(""), jen.Err()),
		jen.If(jen.Id("stale")).Block(
			jen.List(jen.Id("again"), jen.Err()).Op(":=").Id("s").Dot("sealer").Dot("Seal").Call(jen.Id("secret"), jen.Index().Byte().Parens(jen.Id("userID"))),
			jen.If(jen.Err().Op("==").Nil()).Block(
				jen.Err().Op("=").Id("s").Dot("store").Dot("ResealTOTP").Call(jen.Id("ctx"), jen.Id("userID"), jen.Id("t").Dot("Secret"), jen.Id("again")),
			),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Id("s").Dot("log").Dot("Warn").Call(jen.Lit("auth: seal a TOTP secret under the current key"), jen.Lit("err"), jen.Err()),
			),
		),
		jen.Return(jen.String().Parens(jen.Id("secret")), jen.Nil()),
	)
	f.Line()
}

// emitEnrolmentCheck renders, for mfa: required, authenticate around
// authenticateEnrolling, and requireEnrolling for the routes that enrol.
func emitEnrolmentCheck(f *jen.File) {
	claimsProblem := jen.Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem"))
	f.Comment("authenticate is authenticateEnrolling, then 403 mfa_enrollment_required for")
	f.Comment("the access token of a session that has not proved a second factor: under")
	f.Comment("mfa: required, its user may only enrol one (requireEnrolling).")
	f.Func().Add(recv()).Id("authenticate").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Add(claimsProblem).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticateEnrolling").Call(jen.Id("r")),
		jen.If(jen.Id("s").Dot("mfaRequired").Op("&&").Id("p").Op("==").Nil().Op("&&").Id("claims").Op("!=").Nil().Op("&&").Op("!").Id("claims").Dot("Personal").Call().Op("&&").Op("!").Qual("slices", "Contains").Call(jen.Id("claims").Dot("AMR"), jen.Lit("otp"))).Block(
			jen.Return(jen.Nil(), problem("StatusForbidden", "CodeMFAEnrollmentRequired", "every account here needs a second factor: enrol an authenticator app (POST, then confirm, at the mfa/totp routes) and refresh")),
		),
		jen.Return(jen.Id("claims"), jen.Id("p")),
	)
	f.Line()
	f.Comment("requireEnrolling is require for the routes that a user without a second")
	f.Comment("factor may use: enrolling one, re-authenticating, logging out.")
	f.Func().Add(recv()).Id("requireEnrolling").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Add(claimsProblem).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticateEnrolling").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("==").Nil().Op("&&").Id("claims").Op("==").Nil()).Block(jen.Id("p").Op("=").Id("errMissingToken").Call()),
		jen.Return(jen.Id("claims"), jen.Id("p")),
	)
	f.Line()
}

// memoryMFAMethods renders MemoryStore's share of the feature; method holds
// the store's mutex around body.
func memoryMFAMethods(m *Model, method func(doc, name string, params, results []jen.Code, body ...jen.Code)) {
	if !m.UsesMFA() {
		return
	}
	ctx := jen.Id("_").Qual(pkgContext, "Context")
	user := jen.Id("userID").String()
	n64 := []jen.Code{jen.Int64(), jen.Error()}
	totpOf := jen.List(jen.Id("t"), jen.Id("ok")).Op(":=").Id("s").Dot("totp").Index(jen.Id("userID"))
	method("TOTPOf implements Store.", "TOTPOf", []jen.Code{ctx, user}, []jen.Code{jen.Id("TOTP"), jen.Error()},
		totpOf,
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("TOTP").Values(), jen.Id("ErrNotFound"))),
		jen.Return(jen.Id("t"), jen.Nil()),
	)
	method("StartTOTP implements Store.", "StartTOTP", []jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("secret")).String(), jen.Id("_").Qual(pkgTime, "Time")}, n64,
		jen.If(jen.Id("s").Dot("totp").Index(jen.Id("userID")).Dot("Enabled")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("userID")), jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(0), jen.Id("ErrNotFound"))),
		jen.Id("s").Dot("totp").Index(jen.Id("userID")).Op("=").Id("TOTP").Values(jen.Dict{jen.Id("Secret"): jen.Id("secret")}),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("EnableTOTP implements Store.", "EnableTOTP", []jen.Code{ctx, user, jen.Id("step").Int64(), jen.Id("digests").Index().String()}, n64,
		totpOf,
		jen.If(jen.Op("!").Id("ok").Op("||").Id("t").Dot("Enabled").Op("||").Id("step").Op("<=").Id("t").Dot("LastStep")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.List(jen.Id("t").Dot("Enabled"), jen.Id("t").Dot("LastStep")).Op("=").List(jen.True(), jen.Id("step")),
		jen.Id("s").Dot("totp").Index(jen.Id("userID")).Op("=").Id("t"),
		jen.Id("s").Dot("setRecoveryCodes").Call(jen.Id("userID"), jen.Id("digests")),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("UseTOTPStep implements Store.", "UseTOTPStep", []jen.Code{ctx, user, jen.Id("step").Int64()}, n64,
		totpOf,
		jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("t").Dot("Enabled").Op("||").Id("step").Op("<=").Id("t").Dot("LastStep")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Id("t").Dot("LastStep").Op("=").Id("step"),
		jen.Id("s").Dot("totp").Index(jen.Id("userID")).Op("=").Id("t"),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("ResealTOTP implements Store.", "ResealTOTP", []jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("old"), jen.Id("new")).String()}, []jen.Code{jen.Error()},
		jen.If(jen.List(jen.Id("t"), jen.Id("ok")).Op(":=").Id("s").Dot("totp").Index(jen.Id("userID")), jen.Id("ok").Op("&&").Id("t").Dot("Secret").Op("==").Id("old")).Block(
			jen.Id("t").Dot("Secret").Op("=").Id("new"),
			jen.Id("s").Dot("totp").Index(jen.Id("userID")).Op("=").Id("t"),
		),
		jen.Return(jen.Nil()),
	)
	method("DisableTOTP implements Store.", "DisableTOTP", []jen.Code{ctx, user}, n64,
		jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("s").Dot("totp").Index(jen.Id("userID")),
		jen.Id("delete").Call(jen.Id("s").Dot("totp"), jen.Id("userID")),
		jen.Id("delete").Call(jen.Id("s").Dot("recoveryCodes"), jen.Id("userID")),
		jen.For(jen.List(jen.Id("digest"), jen.Id("c")).Op(":=").Range().Id("s").Dot("mfaChallenges")).Block(
			jen.If(jen.Id("c").Dot("UserID").Op("==").Id("userID")).Block(jen.Id("delete").Call(jen.Id("s").Dot("mfaChallenges"), jen.Id("digest"))),
		),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("ReplaceRecoveryCodes implements Store.", "ReplaceRecoveryCodes", []jen.Code{ctx, user, jen.Id("digests").Index().String()}, n64,
		jen.If(jen.Op("!").Id("s").Dot("totp").Index(jen.Id("userID")).Dot("Enabled")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Id("s").Dot("setRecoveryCodes").Call(jen.Id("userID"), jen.Id("digests")),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("UseRecoveryCode implements Store.", "UseRecoveryCode", []jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("digest")).String(), jen.Id("_").Qual(pkgTime, "Time")}, n64,
		jen.List(jen.Id("unused"), jen.Id("ok")).Op(":=").Id("s").Dot("recoveryCodes").Index(jen.Id("userID")).Index(jen.Id("digest")),
		jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("unused").Op("||").Op("!").Id("s").Dot("totp").Index(jen.Id("userID")).Dot("Enabled")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Id("s").Dot("recoveryCodes").Index(jen.Id("userID")).Index(jen.Id("digest")).Op("=").False(),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
	method("RecoveryCodeUnused implements Store.", "RecoveryCodeUnused", []jen.Code{ctx, jen.List(jen.Id("userID"), jen.Id("digest")).String()}, []jen.Code{jen.Bool(), jen.Error()},
		jen.Return(jen.Id("s").Dot("recoveryCodes").Index(jen.Id("userID")).Index(jen.Id("digest")).Op("&&").Id("s").Dot("totp").Index(jen.Id("userID")).Dot("Enabled"), jen.Nil()),
	)
	method("InsertMFAChallenge implements Store.", "InsertMFAChallenge", []jen.Code{ctx, jen.Id("c").Id("MFAChallenge"), jen.Id("now").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.For(jen.List(jen.Id("digest"), jen.Id("o")).Op(":=").Range().Id("s").Dot("mfaChallenges")).Block(
			jen.If(jen.Op("!").Id("o").Dot("ExpiresAt").Dot("After").Call(jen.Id("now"))).Block(jen.Id("delete").Call(jen.Id("s").Dot("mfaChallenges"), jen.Id("digest"))),
		),
		jen.Id("s").Dot("mfaChallenges").Index(jen.Id("c").Dot("Digest")).Op("=").Id("c"),
		jen.Return(jen.Nil()),
	)
	method("ReserveMFAChallenge implements Store.", "ReserveMFAChallenge", []jen.Code{ctx, jen.Id("digest").String(), jen.Id("now").Qual(pkgTime, "Time"), jen.Id("limit").Int()}, []jen.Code{jen.Id("MFAChallenge"), jen.Error()},
		jen.List(jen.Id("c"), jen.Id("ok")).Op(":=").Id("s").Dot("mfaChallenges").Index(jen.Id("digest")),
		jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("c").Dot("ExpiresAt").Dot("After").Call(jen.Id("now")).Op("||").Id("c").Dot("Guesses").Op(">=").Id("limit")).Block(jen.Return(jen.Id("MFAChallenge").Values(), jen.Id("ErrNotFound"))),
		jen.Id("c").Dot("Guesses").Op("++"),
		jen.Id("s").Dot("mfaChallenges").Index(jen.Id("digest")).Op("=").Id("c"),
		jen.Return(jen.Id("c"), jen.Nil()),
	)
	method("EndMFAChallenge implements Store.", "EndMFAChallenge", []jen.Code{ctx, jen.Id("digest").String()}, n64,
		jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("s").Dot("mfaChallenges").Index(jen.Id("digest")), jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(0), jen.Nil())),
		jen.Id("delete").Call(jen.Id("s").Dot("mfaChallenges"), jen.Id("digest")),
		jen.Return(jen.Lit(1), jen.Nil()),
	)
}

// memoryMFAHelpers renders what MemoryStore's MFA methods share.
func memoryMFAHelpers(f *jen.File, m *Model) {
	if !m.UsesMFA() {
		return
	}
	f.Comment("setRecoveryCodes makes digests the user's unused recovery codes; the caller")
	f.Comment("holds s.mu.")
	f.Func().Params(jen.Id("s").Op("*").Id("MemoryStore")).Id("setRecoveryCodes").Params(jen.Id("userID").String(), jen.Id("digests").Index().String()).Block(
		jen.Id("codes").Op(":=").Make(jen.Map(jen.String()).Bool(), jen.Len(jen.Id("digests"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("digests")).Block(jen.Id("codes").Index(jen.Id("d")).Op("=").True()),
		jen.Id("s").Dot("recoveryCodes").Index(jen.Id("userID")).Op("=").Id("codes"),
	)
	f.Line()
}

// memoryMFAFields are MemoryStore's fields and their initial values.
func memoryMFAFields(m *Model, fields *[]jen.Code, values jen.Dict) {
	if !m.UsesMFA() {
		return
	}
	*fields = append(*fields,
		jen.Id("totp").Map(jen.String()).Id("TOTP").Comment("by user ID"),
		jen.Id("recoveryCodes").Map(jen.String()).Map(jen.String()).Bool().Comment("by user ID, then digest: true while unused"),
		jen.Id("mfaChallenges").Map(jen.String()).Id("MFAChallenge").Comment("by digest"),
	)
	values[jen.Id("totp")] = jen.Map(jen.String()).Id("TOTP").Values()
	values[jen.Id("recoveryCodes")] = jen.Map(jen.String()).Map(jen.String()).Bool().Values()
	values[jen.Id("mfaChallenges")] = jen.Map(jen.String()).Id("MFAChallenge").Values()
}

// emitMFAQueries renders a SQL store's share of the feature.
func (s sqlStore) emitMFAQueries(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	if !s.m.UsesMFA() {
		return
	}
	p := s.param
	user := jen.Id("userID").String()
	n64 := jen.Params(jen.Int64(), jen.Error())
	exec := func(query string, args ...jen.Code) []jen.Code {
		return append([]jen.Code{
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query)}, args...)...),
			ifErrReturn(jen.Lit(0), jen.Err()),
		}, s.rowsAffected()...)
	}
	// inTx runs body in a transaction, under the user's lock where the store
	// has one, and returns 1 once it commits.
	inTx := func(body ...jen.Code) []jen.Code {
		out := s.beginTx(jen.Lit(0))
		if s.lockUser != nil {
			out = append(out, s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit(s.lockUser("FOR UPDATE")), jen.Id("userID")))
		}
		out = append(out, body...)
		return append(out,
			jen.If(jen.Err().Op(":=").Id("tx").Dot("Commit").Call(s.txEndArgs...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), jen.Err())),
			jen.Return(jen.Lit(1), jen.Nil()),
		)
	}
	setCodes := []jen.Code{
		s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit("DELETE FROM mfa_recovery_codes WHERE user_id = "+p(1)), jen.Id("userID")),
		jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("digests")).Block(
			s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit("INSERT INTO mfa_recovery_codes (user_id, digest) VALUES ("+s.params(2)+")"), jen.Id("userID"), jen.Id("d")),
		),
	}
	method("TOTPOf implements Store.", "TOTPOf", []jen.Code{ctxParam(), user}, jen.Params(jen.Id("TOTP"), jen.Error()),
		jen.Var().Id("t").Id("TOTP"),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT secret, enabled, last_step FROM mfa_totp WHERE user_id = "+p(1)), jen.Id("userID")).
			Dot("Scan").Call(jen.Op("&").Id("t").Dot("Secret"), jen.Op("&").Id("t").Dot("Enabled"), jen.Op("&").Id("t").Dot("LastStep")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("TOTP").Values(), jen.Id("ErrNotFound"))),
		jen.Return(jen.Id("t"), jen.Err()),
	)
	method("StartTOTP implements Store: one upsert, which changes nothing of a\n// secret that is on.", "StartTOTP", []jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("secret")).String(), jen.Id("now").Qual(pkgTime, "Time")}, n64,
		exec("INSERT INTO mfa_totp (user_id, secret, enabled, last_step, created_at) VALUES ("+p(1)+", "+p(2)+", false, 0, "+p(3)+") "+
			"ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = 0, created_at = excluded.created_at WHERE NOT mfa_totp.enabled",
			jen.Id("userID"), jen.Id("secret"), s.timeArg(jen.Id("now")))...)
	// returning runs a statement of the transaction that names the user's
	// row it changed (RETURNING), and returns 0 when there was none.
	returning := func(query string, args ...jen.Code) []jen.Code {
		return []jen.Code{
			jen.Var().Id("changed").String(),
			jen.Err().Op("=").Id("tx").Dot(s.queryRow).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query + " RETURNING user_id")}, args...)...).Dot("Scan").Call(jen.Op("&").Id("changed")),
			jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Lit(0), jen.Nil())),
			ifErrReturn(jen.Lit(0), jen.Err()),
		}
	}
	enable := returning("UPDATE mfa_totp SET enabled = true, last_step = "+p(1)+" WHERE user_id = "+p(2)+" AND NOT enabled AND last_step < "+p(3),
		jen.Id("step"), jen.Id("userID"), jen.Id("step"))
	method("EnableTOTP implements Store: the switch and the codes are one\n// transaction.", "EnableTOTP", []jen.Code{ctxParam(), user, jen.Id("step").Int64(), jen.Id("digests").Index().String()}, n64,
		inTx(append(enable, setCodes...)...)...)
	method("UseTOTPStep implements Store: one conditional UPDATE.", "UseTOTPStep", []jen.Code{ctxParam(), user, jen.Id("step").Int64()}, n64,
		exec("UPDATE mfa_totp SET last_step = "+p(1)+" WHERE user_id = "+p(2)+" AND enabled AND last_step < "+p(3), jen.Id("step"), jen.Id("userID"), jen.Id("step"))...)
	method("ResealTOTP implements Store.", "ResealTOTP", []jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("old"), jen.Id("new")).String()}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("UPDATE mfa_totp SET secret = "+p(1)+" WHERE user_id = "+p(2)+" AND secret = "+p(3)), jen.Id("new"), jen.Id("userID"), jen.Id("old")),
		jen.Return(jen.Err()),
	)
	disable := append(returning("DELETE FROM mfa_totp WHERE user_id = "+p(1), jen.Id("userID")),
		s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit("DELETE FROM mfa_recovery_codes WHERE user_id = "+p(1)), jen.Id("userID")),
		s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit("DELETE FROM mfa_challenges WHERE user_id = "+p(1)), jen.Id("userID")),
	)
	method("DisableTOTP implements Store: the secret, the codes and the challenges go\n// in one transaction.", "DisableTOTP", []jen.Code{ctxParam(), user}, n64, inTx(disable...)...)
	replace := []jen.Code{
		jen.Var().Id("on").Int(),
		jen.If(jen.Err().Op(":=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT COUNT(*) FROM mfa_totp WHERE user_id = "+p(1)+" AND enabled"), jen.Id("userID")).Dot("Scan").Call(jen.Op("&").Id("on")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), jen.Err())),
		jen.If(jen.Id("on").Op("==").Lit(0)).Block(jen.Return(jen.Lit(0), jen.Nil())),
	}
	method("ReplaceRecoveryCodes implements Store: the check and the codes are one\n// transaction.", "ReplaceRecoveryCodes", []jen.Code{ctxParam(), user, jen.Id("digests").Index().String()}, n64,
		inTx(append(replace, setCodes...)...)...)
	method("UseRecoveryCode implements Store: one conditional UPDATE.", "UseRecoveryCode", []jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("digest")).String(), jen.Id("now").Qual(pkgTime, "Time")}, n64,
		exec("UPDATE mfa_recovery_codes SET used_at = "+p(1)+" WHERE user_id = "+p(2)+" AND digest = "+p(3)+" AND used_at IS NULL AND EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = "+p(4)+" AND enabled)",
			s.timeArg(jen.Id("now")), jen.Id("userID"), jen.Id("digest"), jen.Id("userID"))...)
	method("RecoveryCodeUnused implements Store.", "RecoveryCodeUnused", []jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("digest")).String()}, jen.Params(jen.Bool(), jen.Error()),
		jen.Var().Id("n").Int(),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = "+p(1)+" AND digest = "+p(2)+" AND used_at IS NULL AND EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = "+p(3)+" AND enabled)"),
			jen.Id("userID"), jen.Id("digest"), jen.Id("userID")).Dot("Scan").Call(jen.Op("&").Id("n")),
		jen.Return(jen.Id("n").Op(">").Lit(0), jen.Err()),
	)
	method("InsertMFAChallenge implements Store.", "InsertMFAChallenge", []jen.Code{ctxParam(), jen.Id("c").Id("MFAChallenge"), jen.Id("now").Qual(pkgTime, "Time")}, jen.Error(),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM mfa_challenges WHERE expires_at <= "+p(1)), s.timeArg(jen.Id("now"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("INSERT INTO mfa_challenges (digest, user_id, password_digest, expires_at) VALUES ("+s.params(4)+")"),
			jen.Id("c").Dot("Digest"), jen.Id("c").Dot("UserID"), jen.Id("c").Dot("PasswordDigest"), s.timeArg(jen.Id("c").Dot("ExpiresAt"))),
		jen.Return(jen.Err()),
	)
	method("ReserveMFAChallenge implements Store: one conditional UPDATE.", "ReserveMFAChallenge", []jen.Code{ctxParam(), jen.Id("digest").String(), jen.Id("now").Qual(pkgTime, "Time"), jen.Id("limit").Int()}, jen.Params(jen.Id("MFAChallenge"), jen.Error()),
		jen.Id("c").Op(":=").Id("MFAChallenge").Values(jen.Dict{jen.Id("Digest"): jen.Id("digest")}),
		jen.Var().Id("expires").Add(s.timeType()),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("UPDATE mfa_challenges SET guesses = guesses + 1 WHERE digest = "+p(1)+" AND expires_at > "+p(2)+" AND guesses < "+p(3)+" RETURNING user_id, password_digest, expires_at, guesses"),
			jen.Id("digest"), s.timeArg(jen.Id("now")), jen.Id("limit")).
			Dot("Scan").Call(jen.Op("&").Id("c").Dot("UserID"), jen.Op("&").Id("c").Dot("PasswordDigest"), jen.Op("&").Id("expires"), jen.Op("&").Id("c").Dot("Guesses")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("MFAChallenge").Values(), jen.Id("ErrNotFound"))),
		jen.Id("c").Dot("ExpiresAt").Op("=").Add(s.timeOf(jen.Id("expires"))),
		jen.Return(jen.Id("c"), jen.Err()),
	)
	method("EndMFAChallenge implements Store: one DELETE.", "EndMFAChallenge", []jen.Code{ctxParam(), jen.Id("digest").String()}, n64,
		exec("DELETE FROM mfa_challenges WHERE digest = "+p(1), jen.Id("digest"))...)
}
