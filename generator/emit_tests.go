package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// SampleIdentity is the identity the generated tests and docs use.
func (m *Model) SampleIdentity() string { return m.byIdentity("ada@example.com", "ada_lovelace") }

// BlockedIdentity is an identity that the tests' registration hook refuses.
func (m *Model) BlockedIdentity() string { return m.byIdentity("eve@blocked.example", "blocked_eve") }

// UserByIdentityMethod is the Store's lookup by identity, e.g. UserByEmail.
func (m *Model) UserByIdentityMethod() string { return m.userByIdentity() }

// SampleOther is the second account of the generated tests.
func (m *Model) SampleOther() string { return m.byIdentity("grace@example.com", "grace_hopper") }

// AdminIdentity is an identity that the tests' claimsFor makes an admin.
func (m *Model) AdminIdentity() string {
	if m.UsesEmail() {
		return "admin@example.com"
	}
	return "admin_user"
}

// InvalidIdentity is an identity that registration refuses.
func (m *Model) InvalidIdentity() string { return m.byIdentity("not-an-email", "no spaces allowed") }

// CredsBody is the JSON body of a login or a registration of id, with the
// tests' password unless another is given, and a fixed value of each
// required user field.
func (m *Model) CredsBody(id string, password ...string) string {
	pw := testPassword
	if len(password) > 0 {
		pw = password[0]
	}
	return m.credsBody(id, pw, 1)
}

// MFACredsBody is CredsBody for the account of the second factor's
// walk-through, whose required fields differ from the first account's, so
// that unique ones are not taken.
func (m *Model) MFACredsBody() string { return m.credsBody(m.MFASampleIdentity(), testPassword, 2) }

// credsBody is the registration body of id and pw with the nth sample of
// every required field.
func (m *Model) credsBody(id, pw string, n int) string {
	body := `{"` + m.IdentityJSON() + `":"` + id + `","password":"` + pw + `"`
	for _, f := range m.RegisterFields() {
		if f.Required {
			body += `,"` + f.Name + `":` + f.fixedSample(n)
		}
	}
	return body + "}"
}

const (
	testPassword = "correct horse battery staple"
	testSecret   = "test-secret-that-is-at-least-32-bytes-long"
)

// TestPassword and TestSecret are the generated tests' password and HMAC
// secret.
func (*Model) TestPassword() string { return testPassword }
func (*Model) TestSecret() string   { return testSecret }

// emitTests renders auth_test.go: the part of the tests' harness that is
// built for the service's store and router. The tests themselves, and the
// helpers that read the same everywhere, are templates (helpers_test.go,
// endpoints_test.go, attacks_test.go, options_test.go).
func emitTests(f *jen.File, m *Model) {
	f.Comment("The tests' " + m.Storage.Name() + " store and " + m.Framework.Name() + " routers: the part of the harness")
	f.Comment("built for this service. The tests are in the other _test.go files.")
	f.Line()
	f.Comment("newTestStore returns a fresh, empty " + m.Storage.Name() + " store that the test cleans up.")
	m.Storage.TestStore(f, m)
	f.Line()
	f.Comment("newTestRouter mounts the auth routes on " + article(m.Framework.Name()) + " router, with GET /protected")
	f.Comment("behind Require and GET /optional behind Authenticate.")
	emitTestRouter(f, m)
	f.Line()
	emitGuardedRouter(f, m)
	emitGroupedRouter(f, m)
}

// article is name with its indefinite article: "a chi", "an echo".
func article(name string) string {
	if strings.ContainsAny(name[:1], "aeiou") {
		return "an " + name
	}
	return "a " + name
}
