package generator

import (
	"path"
	"slices"
	"strings"
)

// Model is what the emitters read: the options plus every name derived from
// them, computed once so that no emitter re-derives a name differently.
type Model struct {
	Options
	Target    Target
	PkgPath   string // import path of the generated package
	PkgName   string
	Framework Framework
	Storage   Storage
	// migrations are the store's schema history (see schema.go): what
	// authgen.sum recorded, and the migration this run adds, if any.
	migrations []Migration
}

// RuntimeModule is the module path of the shared runtime.
const RuntimeModule = "github.com/authgen/authgen/runtime"

// Runtime packages imported by generated code.
const (
	pkgToken    = RuntimeModule + "/token"
	pkgRefresh  = RuntimeModule + "/refresh"
	pkgPassword = RuntimeModule + "/password"
	pkgHTTPAuth = RuntimeModule + "/httpauth"
)

func newModel(o Options, t Target) *Model {
	return &Model{
		Options:   o,
		Target:    t,
		PkgPath:   t.Module + "/" + o.Package,
		PkgName:   path.Base(o.Package),
		Framework: frameworks[o.Framework],
		Storage:   storages[o.Storage],
	}
}

// IdentityJSON names the login field in JSON and SQL: "email".
func (m *Model) IdentityJSON() string { return string(m.Identity) }

// IdentityField names the login field in Go: "Email".
func (m *Model) IdentityField() string {
	id := string(m.Identity)
	return strings.ToUpper(id[:1]) + id[1:]
}

// Route is the full path of an endpoint, e.g. Route("/login") = "/auth/login".
func (m *Model) Route(p string) string { return m.Prefix + p }

// File is one output of the generator.
type File struct {
	// Path is relative to the module root, slash-separated.
	Path  string
	Owner Owner
	Data  []byte
}

// Owner says who owns a file after it is written.
type Owner int

const (
	// Generated files are rewritten on every run and checked by `check`.
	Generated Owner = iota
	// Scaffold files are written once, when missing; then they are the user's.
	Scaffold
	// ModuleFile is go.mod: authgen adds lines to it, never removes any.
	ModuleFile
	// ConfigOwner is authgen.yaml: new and init write the options chosen,
	// generate and check only read it.
	ConfigOwner
)

// The predicates of the options, on Options so that the option table's
// rules and the Model (which embeds Options) share them. Emitters and
// templates ask these, never compare an option's value themselves.

// UsesBcrypt reports whether passwords are hashed with bcrypt.
func (o Options) UsesBcrypt() bool { return o.PasswordHash == HashBcrypt }

// UsesEmail reports whether users log in with an email address.
func (o Options) UsesEmail() bool { return o.Identity == IdentityEmail }

// UsesCookies reports whether browsers get their tokens in cookies.
func (o Options) UsesCookies() bool { return o.Transport != TransportHeader }

// UsesHeader reports whether the access token is read from the header.
func (o Options) UsesHeader() bool { return o.Transport != TransportCookie }

// UsesBoth reports whether tokens travel both in the header and in cookies.
func (o Options) UsesBoth() bool { return o.Transport == TransportBoth }

// CookieOnly and HeaderOnly report a transport of one kind.
func (o Options) CookieOnly() bool { return o.Transport == TransportCookie }
func (o Options) HeaderOnly() bool { return o.Transport == TransportHeader }

// StandardBearer reports whether clients send the usual
// "Authorization: Bearer <token>".
func (o Options) StandardBearer() bool {
	return o.Header == "Authorization" && o.Schemes[0] == "Bearer"
}

// Throttled reports whether the service throttles logins at all.
func (o Options) Throttled() bool { return o.LoginThrottle != ThrottleOff }

// ThrottleInStore reports whether the counts live in the Store, shared by
// every instance, rather than in the process.
func (o Options) ThrottleInStore() bool { return o.LoginThrottle == ThrottleStore }

// Durable reports whether the storage outlives the process and may be
// shared by several instances (a SQL store, not memory).
func (o Options) Durable() bool {
	s, ok := storages[o.Storage]
	return ok && s.Dialect() != ""
}

// StrictSessions reports whether access tokens die with their session
// (session_check: strict).
func (o Options) StrictSessions() bool { return o.SessionCheck == SessionCheckStrict }

// PollsSessions reports whether the service polls its store for the sessions
// other instances revoke: strict checking on a store they may share.
func (o Options) PollsSessions() bool { return o.StrictSessions() && o.Durable() }

// HidesRegistration reports whether registration hides which identities
// exist (duplicate_registration: accepted).
func (o Options) HidesRegistration() bool { return o.DuplicateRegistration == DuplicateAccepted }

// The user fields' predicates (see userfields.go): which of the fields each
// emitter and template ranges over.

// fieldsWhere are the fields of fs for which keep holds, in order.
func fieldsWhere(fs []UserField, keep func(UserField) bool) []UserField {
	var out []UserField
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// RegisterFields are the fields a registration may set.
func (o Options) RegisterFields() []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Register })
}

// ServiceFields are the fields that only the service sets (register: false).
func (o Options) ServiceFields() []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return !f.Register })
}

// UniqueFields are the fields no two users share a value of.
func (o Options) UniqueFields() []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Unique })
}

// RequiredRegisterFields are the fields a registration must send.
func (o Options) RequiredRegisterFields() []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Register && f.Required })
}

// UniqueRegisterFields are the unique fields a registration sets.
func (o Options) UniqueRegisterFields() []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Register && f.Unique })
}

// RegisterFieldsOf are the fields of type t that a registration sets.
func (o Options) RegisterFieldsOf(t FieldType) []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Register && f.Type == t })
}

// ShownRegisterFieldsOf are the fields of type t that a registration sets
// and /me shows.
func (o Options) ShownRegisterFieldsOf(t FieldType) []UserField {
	return fieldsWhere(o.UserFields, func(f UserField) bool { return f.Register && f.Me && f.Type == t })
}

// HasFieldType reports whether a user field has type t.
func (o Options) HasFieldType(t FieldType) bool {
	return slices.ContainsFunc(o.UserFields, func(f UserField) bool { return f.Type == t })
}

// HasOptionalField reports whether a user field is optional.
func (o Options) HasOptionalField() bool {
	return slices.ContainsFunc(o.UserFields, func(f UserField) bool { return !f.Required })
}

// maxPasswordBytes is the longest password accepted: bcrypt reads no more
// than 72 bytes, and a megabyte of password only burns CPU in any hasher.
func (m *Model) maxPasswordBytes() int {
	if m.UsesBcrypt() {
		return 72
	}
	return 1024
}

// passwordRule is the validation message of a password of the wrong length.
func (m *Model) passwordRule() string {
	if m.UsesBcrypt() {
		return "password must be 8 characters to 72 bytes long (bcrypt reads no further)"
	}
	return "password must be 8 to 1024 characters long"
}

// maxIdentityBytes bounds a login's identity: the longest that registration
// accepts (RFC 5321's 254 for an address, 32 for a username).
func (m *Model) maxIdentityBytes() int {
	if m.UsesEmail() {
		return 254
	}
	return 32
}

// byIdentity is the email form or the username form of a value.
func (m *Model) byIdentity(email, username string) string {
	if m.UsesEmail() {
		return email
	}
	return username
}

// UsesMFA reports whether users may have a second factor (mfa: totp or
// required).
func (o Options) UsesMFA() bool { return o.MFA == MFATOTP || o.MFA == MFARequired }

// RequiresMFA reports whether every user must have one (mfa: required).
func (o Options) RequiresMFA() bool { return o.MFA == MFARequired }

// VerifiesEmail reports whether users prove they own their address
// (email_verification: optional or required).
func (o Options) VerifiesEmail() bool {
	return o.EmailVerification == VerificationOptional || o.EmailVerification == VerificationRequired
}

// RequiresVerifiedEmail reports whether logins wait for the proof.
func (o Options) RequiresVerifiedEmail() bool { return o.EmailVerification == VerificationRequired }

// SendsMail reports whether the service mails its users: a flow that needs
// a mailer, an outbox and link tokens is on.
func (o Options) SendsMail() bool { return o.VerifiesEmail() || o.PasswordReset }
