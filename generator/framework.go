package generator

import (
	"slices"

	"github.com/dave/jennifer/jen"
)

// Module is a requirement that generated code adds to the target's go.mod.
type Module struct{ Path, Version string }

// Framework is one router. Everything the generated package does not share
// across routers comes from here; a new router is one new file that calls
// registerFramework.
type Framework interface {
	// Name is the option value, e.g. "chi".
	Name() string
	// Describe is one line for prompts and help.
	Describe() string
	// ImportNames maps the router's import paths to their package names
	// where the two differ (github.com/go-chi/chi/v5 is chi).
	ImportNames() map[string]string
	// Requires lists the modules the router's code needs, given what the
	// target already requires.
	Requires(t Target) []Module
	// RouterTypes lists the types, as types.TypeString writes them, of the
	// variables that `init --wire` recognises as the service's router.
	RouterTypes(t Target) []string
	// Idiom spells the middleware and routers that emit_routes.go writes
	// once for every router.
	Idiom
	// Routes renders the router's Mount into routes.go, and any helper it
	// needs; the middleware follows it there.
	Routes(f *jen.File, m *Model)
	// Whoami renders the generated tests' probe handler
	//	whoami: the token's subject, or "anonymous", as text
	// in the router's handler idiom.
	Whoami(f *jen.File, m *Model)
	// RouteBase is the expression, with s and r (the request) in scope, of
	// the path the router puts before the routes Mount registered: "" on a
	// root router, "/api" under a group at /api; nil for a router whose routes
	// are always where their patterns say. recorded says that Mount
	// learns it from the router and keeps it in the Service's base field.
	RouteBase(m *Model) (base jen.Code, recorded bool)
	// Hello renders the new service's example handler
	//	hello: "hello, <subject>"
	// in the router's handler idiom, reading the claims the router's way.
	Hello(f *jen.File, m *Model)
}

var frameworks = registry[Framework]{}

func registerFramework(f Framework) { frameworks.add(f) }

// FrameworkNames lists the frameworks in a stable order.
func FrameworkNames() []string { return frameworks.names() }

// Frameworks lists the frameworks in a stable order.
func Frameworks() []Framework { return frameworks.all() }

// registry holds the implementations of one of the variation interfaces,
// by the name users choose them with.
type registry[T interface{ Name() string }] map[string]T

func (r registry[T]) add(v T) { r[v.Name()] = v }

func (r registry[T]) names() []string { return sortedKeys(r) }

func (r registry[T]) all() []T {
	var out []T
	for _, n := range r.names() {
		out = append(out, r[n])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
