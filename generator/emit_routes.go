package generator

import "github.com/dave/jennifer/jen"

// The router code every framework shares the shape of, written once over the
// framework's Idiom: the middleware of routes.go (skip excluded paths, check
// the token, stop with a problem, set the claims, go on) and the routers of
// the generated tests and of a new service's main.

// Idiom is how one router spells the steps that every router's middleware
// and example routers take. A framework supplies idiom, not files.
type Idiom interface {
	// Request is the *http.Request inside a handler or middleware.
	Request(m *Model) jen.Code
	// Handler is a handler literal of the router around body: what a
	// middleware returns.
	Handler(m *Model, body ...jen.Code) jen.Code
	// Middleware is the signature of Require and Authenticate.
	Middleware(m *Model) (params []jen.Code, result jen.Code)
	// RoleMiddleware is RequireRole's result type, and the wrapping of its
	// handler into a value of that type.
	RoleMiddleware(m *Model) (result jen.Code, wrap func(handler jen.Code) jen.Code)
	// Stop answers the problem p and ends the request.
	Stop() []jen.Code
	// Pass hands the request on, untouched, and returns.
	Pass() []jen.Code
	// SetClaims keeps claims for the handlers that follow; Next goes on to
	// them; NextWithClaims does both.
	SetClaims() jen.Code
	Next() jen.Code
	NextWithClaims() []jen.Code
	// MiddlewareDocs are the doc comments of Require, Authenticate and
	// RequireRole, in the router's own words.
	MiddlewareDocs() [3][]string
	// ClaimsAccess renders what handlers read the claims with beyond
	// ClaimsFrom (Claims(c) of routers with their own context), if anything.
	ClaimsAccess(f *jen.File, m *Model)

	// NewRouter is the statements that make a router for purpose, and the
	// name of the variable that holds it.
	NewRouter(m *Model, purpose routerPurpose) (name string, stmts []jen.Code)
	// Handle registers handler at method and path on router, behind guard
	// (a middleware expression) unless guard is nil.
	Handle(router, method, path string, handler, guard jen.Code) jen.Code
	// Guard is the middleware recv.name(args...) as a router takes it.
	Guard(recv, name string, args ...jen.Code) jen.Code
	// GuardAll is how a service puts guard in front of its whole router:
	// the statements after the router is made (with the router's own path
	// cleaning, where it has one), the handler to serve, and the doc lines
	// that say so.
	GuardAll(router string, guard jen.Code) (doc []string, stmts []jen.Code, handler jen.Code)
	// Group is the statements that make a group at prefix of router, held
	// in group and with guard as its middleware, and register inside in it;
	// nil for a router without groups.
	Group(router, group, prefix string, guard jen.Code, inside []jen.Code) (doc []string, stmts []jen.Code)
}

// routerPurpose says what a router is made for: its mode and middleware.
type routerPurpose int

const (
	forTests routerPurpose = iota
	forMain
)

// emitMiddleware renders Require, Authenticate and RequireRole.
func emitRouterMiddleware(f *jen.File, m *Model) {
	id := m.Framework
	req := id.Request(m)
	docs := id.MiddlewareDocs()
	params, result := id.Middleware(m)
	stop := jen.If(jen.Id("p").Op("!=").Nil()).Block(id.Stop()...)
	middleware := func(name string, doc []string, body ...jen.Code) {
		for _, l := range doc {
			f.Comment(l)
		}
		f.Func().Add(recv()).Id(name).Params(params...).Add(result).Block(jen.Return(id.Handler(m, body...)))
		f.Line()
	}
	middleware("Require", docs[0], append([]jen.Code{
		skipExcluded(req, id.Pass()...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(req),
		stop,
	}, id.NextWithClaims()...)...)
	middleware("Authenticate", docs[1],
		skipExcluded(req, id.Pass()...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticate").Call(req),
		stop,
		jen.If(jen.Id("claims").Op("!=").Nil()).Block(id.SetClaims()),
		id.Next(),
	)
	for _, l := range docs[2] {
		f.Comment(l)
	}
	roleResult, wrap := id.RoleMiddleware(m)
	// guard is the middleware of RequireRole and RequireScope: check
	// returns the claims or the problem that stops the request.
	guard := func(check jen.Code) jen.Code {
		return wrap(id.Handler(m, append([]jen.Code{
			jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Add(check),
			stop,
		}, id.NextWithClaims()...)...))
	}
	f.Func().Add(recv()).Id("RequireRole").Params(jen.Id("roles").Op("...").String()).Add(roleResult).Block(
		jen.Return(guard(jen.Id("s").Dot("requireRole").Call(req, jen.Id("roles")))),
	)
	f.Line()
	emitRequireScope(f, m, guard)
	emitRequireRecentAuth(f, m, guard)
	id.ClaimsAccess(f, m)
}

// emitRoutes renders routes.go: the framework's Mount, then the middleware.
func emitRoutes(f *jen.File, m *Model) {
	m.Framework.Routes(f, m)
	emitRouterMiddleware(f, m)
}

// emitTestRouter renders newTestRouter: the auth routes plus the probes of
// the generated tests, each behind the middleware it tests.
func emitTestRouter(f *jen.File, m *Model) {
	id := m.Framework
	r, body := id.NewRouter(m, forTests)
	whoami := jen.Id("whoami")
	body = append(body,
		jen.Id("s").Dot("Mount").Call(jen.Id(r)),
		id.Handle(r, "GET", "/protected", whoami, id.Guard("s", "Require")),
		id.Handle(r, "GET", "/optional", whoami, id.Guard("s", "Authenticate")),
		id.Handle(r, "GET", testAdminPath, whoami, id.Guard("s", "RequireRole", jen.Lit("admin"))),
		id.Handle(r, "GET", testOpenPath, whoami, id.Guard("s", "Require")),
		id.Handle(r, "GET", recentPath, whoami, id.Guard("s", "RequireRecentAuth", recentMaxAge())),
	)
	body = append(body, scopedRoutes(m, "s", r, whoami)...)
	body = append(body, jen.Return(jen.Id(r)))
	f.Func().Id("newTestRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(body...)
	f.Line()
	m.Framework.Whoami(f, m)
}

// emitGuardedRouter renders, into the generated tests,
//
//	func newGuardedRouter(s *Service) http.Handler
//
// a router that guards everything, as some services do: Require in front of
// the whole router, behind the router's own path cleaning where it has one,
// with the auth routes, GET /open/ping and GET /admin/users (whoami).
func emitGuardedRouter(f *jen.File, m *Model) {
	id := m.Framework
	r, body := id.NewRouter(m, forTests)
	doc, guard, handler := id.GuardAll(r, id.Guard("s", "Require"))
	body = append(append(body, guard...),
		jen.Id("s").Dot("Mount").Call(jen.Id(r)),
		id.Handle(r, "GET", testOpenPath, jen.Id("whoami"), nil),
		id.Handle(r, "GET", testGuardedPath, jen.Id("whoami"), nil),
		jen.Return(handler),
	)
	for _, l := range doc {
		f.Comment(l)
	}
	f.Func().Id("newGuardedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(body...)
	f.Line()
}

// emitGroupedRouter renders, into the generated tests,
//
//	func newGroupedRouter(s *Service) http.Handler
//
// a router with a group at /api that has Require in its middleware and the
// auth routes mounted in it, plus GET /api/users (whoami). It renders
// nothing for a router without groups.
func emitGroupedRouter(f *jen.File, m *Model) {
	id := m.Framework
	r, body := id.NewRouter(m, forTests)
	doc, group := id.Group(r, "api", "/api", id.Guard("s", "Require"), []jen.Code{
		jen.Id("s").Dot("Mount").Call(jen.Id("api")),
		id.Handle("api", "GET", "/users", jen.Id("whoami"), nil),
	})
	if group == nil {
		return
	}
	for _, l := range doc {
		f.Comment(l)
	}
	body = append(append(body, group...), jen.Return(jen.Id(r)))
	f.Func().Id("newGroupedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(body...)
	f.Line()
}

// HasGroups reports whether the router has route groups, and so whether
// the tests mount the auth routes in one (newGroupedRouter).
func (m *Model) HasGroups() bool {
	_, group := m.Framework.Group("r", "api", "/api", jen.Null(), nil)
	return group != nil
}

// mainRouter is the statements of a new service's main that build handler
// from svc: the auth routes and GET /hello behind Require, /hello/admin
// behind RequireRole.
func mainRouter(m *Model) []jen.Code {
	id := m.Framework
	r, body := id.NewRouter(m, forMain)
	hello := jen.Id("hello")
	body = append(body,
		jen.Id("svc").Dot("Mount").Call(jen.Id(r)),
		id.Handle(r, "GET", "/hello", hello, id.Guard("svc", "Require")),
		id.Handle(r, "GET", "/hello/admin", hello, id.Guard("svc", "RequireRole", jen.Lit("admin"))),
		id.Handle(r, "GET", recentPath, hello, id.Guard("svc", "RequireRecentAuth", recentMaxAge())),
	)
	body = append(body, scopedRoutes(m, "svc", r, hello)...)
	return append(body, jen.Id("handler").Op(":=").Id(r))
}

// httpIdiom is the idiom of net/http and of the routers built on it (chi):
// middleware is func(http.Handler) http.Handler and the claims travel in
// the request's context.
type httpIdiom struct{}

func (httpIdiom) Request(*Model) jen.Code { return jen.Id("r") }

func (httpIdiom) Handler(_ *Model, body ...jen.Code) jen.Code {
	return jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Func().Add(httpParams()).Block(body...))
}

func (httpIdiom) Middleware(*Model) ([]jen.Code, jen.Code) {
	return []jen.Code{jen.Id("next").Qual(pkgHTTP, "Handler")}, jen.Qual(pkgHTTP, "Handler")
}

func (httpIdiom) RoleMiddleware(*Model) (jen.Code, func(jen.Code) jen.Code) {
	return jen.Func().Params(jen.Qual(pkgHTTP, "Handler")).Qual(pkgHTTP, "Handler"), func(h jen.Code) jen.Code {
		return jen.Func().Params(jen.Id("next").Qual(pkgHTTP, "Handler")).Qual(pkgHTTP, "Handler").Block(jen.Return(h))
	}
}

func (httpIdiom) Stop() []jen.Code { return writeProblemReturn(jen.Id("p")) }

func (httpIdiom) Pass() []jen.Code {
	return []jen.Code{jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")), jen.Return()}
}

// withClaims is r with claims in its context.
func withClaims() *jen.Statement {
	return jen.Id("r").Dot("WithContext").Call(jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("r").Dot("Context").Call(), jen.Id("claims")))
}

func (httpIdiom) SetClaims() jen.Code { return jen.Id("r").Op("=").Add(withClaims()) }

func (httpIdiom) Next() jen.Code {
	return jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r"))
}

func (httpIdiom) NextWithClaims() []jen.Code {
	return []jen.Code{jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), withClaims())}
}

func (httpIdiom) MiddlewareDocs() [3][]string {
	return [3][]string{{
		"Require is middleware that answers 401 unless the request carries a valid",
		"access token. The handler reads the token's claims with ClaimsFrom. Mounted",
		"on a whole router, it lets excluded paths through.",
	}, {
		"Authenticate is middleware for routes open to everyone: a request without a",
		"token passes as anonymous (ClaimsFrom returns nil), one with a bad token",
		"gets 401. Mounted on a whole router, it lets excluded paths through.",
	}, {
		"RequireRole returns middleware that answers like Require, and 403 unless",
		"the token's claims (claims.go) grant one of roles.",
	}}
}

func (httpIdiom) ClaimsAccess(*jen.File, *Model) {}

// Guard is the middleware value itself: s.Require, s.RequireRole("admin").
func (httpIdiom) Guard(recv, name string, args ...jen.Code) jen.Code {
	g := jen.Id(recv).Dot(name)
	if len(args) > 0 {
		g = g.Call(args...)
	}
	return g
}

// Whoami renders the test probe handler.
func (httpIdiom) Whoami(f *jen.File, _ *Model) { emitHTTPWhoami(f, jen.Id("ClaimsFrom")) }

// Hello renders main's example handler.
func (httpIdiom) Hello(f *jen.File, m *Model) { emitHTTPHello(f, m) }

// emitHTTPWhoami renders the test probe handler for net/http-style routers.
func emitHTTPWhoami(f *jen.File, claimsFrom *jen.Statement) {
	f.Comment("whoami answers the subject of the request's token, or \"anonymous\".")
	f.Func().Id("whoami").Add(httpParams()).Block(
		jen.If(jen.Id("c").Op(":=").Add(claimsFrom).Call(jen.Id("r").Dot("Context").Call()), jen.Id("c").Op("!=").Nil()).Block(
			jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Id("c").Dot("Subject")),
			jen.Return(),
		),
		jen.Qual("fmt", "Fprint").Call(jen.Id("w"), jen.Lit("anonymous")),
	)
}

// emitHTTPHello renders main's hello for net/http-style routers.
func emitHTTPHello(f *jen.File, m *Model) {
	f.Func().Id("hello").Add(httpParams()).Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Id("w"), jen.Lit("hello, %s\n"), jen.Qual(m.PkgPath, "ClaimsFrom").Call(jen.Id("r").Dot("Context").Call()).Dot("Subject")),
	)
}

// contextIdiom is what the routers with a context of their own (echo, gin)
// share: the claims kept in that context, set by setClaims.
type contextIdiom struct{}

func (contextIdiom) SetClaims() jen.Code {
	return jen.Id("setClaims").Call(jen.Id("c"), jen.Id("claims"))
}

// Guard: these routers take the middleware value, s.Require or
// s.RequireRole("admin").
func (contextIdiom) Guard(recv, name string, args ...jen.Code) jen.Code {
	return httpIdiom{}.Guard(recv, name, args...)
}
