package generator

import (
	"path"
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
func (m *Model) IdentityJSON() string { return m.Identity }

// IdentityField names the login field in Go: "Email".
func (m *Model) IdentityField() string { return strings.ToUpper(m.Identity[:1]) + m.Identity[1:] }

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

// usesBcrypt reports whether passwords are hashed with bcrypt.
func (m *Model) usesBcrypt() bool { return m.PasswordHash == "bcrypt" }

// maxPasswordBytes is the longest password accepted: bcrypt reads no more
// than 72 bytes, and a megabyte of password only burns CPU in any hasher.
func (m *Model) maxPasswordBytes() int {
	if m.usesBcrypt() {
		return 72
	}
	return 1024
}

// passwordRule is the validation message of a password of the wrong length.
func (m *Model) passwordRule() string {
	if m.usesBcrypt() {
		return "password must be 8 characters to 72 bytes long (bcrypt reads no further)"
	}
	return "password must be 8 to 1024 characters long"
}

// maxIdentityBytes bounds a login's identity: the longest that registration
// accepts (RFC 5321's 254 for an address, 32 for a username).
func (m *Model) maxIdentityBytes() int {
	if m.Identity == "email" {
		return 254
	}
	return 32
}
