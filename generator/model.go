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
	Version   string // authgen's version, "(devel)" from a checkout
	PkgPath   string // import path of the generated package
	PkgName   string
	Framework Framework
	Storage   Storage
	// Identity names the login field: "Email" in Go, "email" in JSON and SQL.
	IdentityField, IdentityJSON string
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

func newModel(o Options, t Target, version string) *Model {
	m := &Model{
		Options:      o,
		Target:       t,
		Version:      version,
		PkgPath:      t.Module + "/" + o.Package,
		PkgName:      path.Base(o.Package),
		Framework:    frameworks[o.Framework],
		Storage:      storages[o.Storage],
		IdentityJSON: o.Identity,
	}
	m.IdentityField = strings.ToUpper(o.Identity[:1]) + o.Identity[1:]
	return m
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
)
