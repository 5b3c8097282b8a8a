package generator

import (
	"github.com/dave/jennifer/jen"
)

func init() { registerFramework(echoRouter{}) }

const (
	pkgEchoV4 = "github.com/labstack/echo/v4"
	pkgEchoV5 = "github.com/labstack/echo/v5"
)

// echoRouter mounts the endpoints as an echo route group, with middleware
// of type echo.MiddlewareFunc and the claims in the echo context. It speaks
// the major version the target already requires (v4), else v5, whose
// context is a struct pointer rather than an interface.
type echoRouter struct{ contextIdiom }

func (echoRouter) Name() string { return "echo" }

func (echoRouter) Describe() string {
	return "labstack/echo: v5 for new services, v4 where the module already uses it"
}

func (echoRouter) Requires(t Target) []Module {
	if echoPkg(t) == pkgEchoV4 {
		return []Module{{pkgEchoV4, "v4.16.0"}}
	}
	return []Module{{pkgEchoV5, "v5.4.4"}}
}

func (echoRouter) ImportNames() map[string]string {
	return map[string]string{pkgEchoV4: "echo", pkgEchoV5: "echo"}
}

// echoPkg is the echo import path for t.
func echoPkg(t Target) string {
	if _, ok := t.Requires[pkgEchoV4]; ok {
		return pkgEchoV4
	}
	return pkgEchoV5
}

// echoContext is the handler parameter type: echo.Context in v4, *echo.Context in v5.
func echoContext(m *Model) *jen.Statement {
	pkg := echoPkg(m.Target)
	if pkg == pkgEchoV4 {
		return jen.Qual(pkg, "Context")
	}
	return jen.Op("*").Qual(pkg, "Context")
}

func (echoRouter) Routes(f *jen.File, m *Model) {
	echo := echoPkg(m.Target)
	wrap := func(h string) *jen.Statement {
		return jen.Qual(echo, "WrapHandler").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("s").Dot(h)))
	}
	body := []jen.Code{jen.Id("g").Op(":=").Id("r").Dot("Group").Call(jen.Lit(m.Prefix))}
	for i, e := range m.Endpoints() {
		args := []jen.Code{jen.Lit(e.ColonPath()), wrap(e.Handler)}
		if e.Protected {
			args = append(args, jen.Id("s").Dot("Require"))
		}
		route := jen.Id("g").Dot(e.Method).Call(args...)
		if i == 0 {
			body = append(body, jen.Comment("A route knows its full path: before "+m.Prefix+" is where r itself sits."))
			route = jen.Id("s").Dot("base").Op("=").Qual("strings", "TrimSuffix").Call(route.Dot("Path"), jen.Lit(m.Route(e.Path)))
		}
		body = append(body, route)
	}
	if wk := m.WellKnown(); len(wk) > 0 {
		body = append(body, jen.Id("root").Op(":=").Id("r").Dot("Group").Call(jen.Lit("")))
		for _, e := range wk {
			body = append(body, jen.Id("root").Dot(e.Method).Call(jen.Lit(e.Path), wrap(e.Handler)))
		}
	}
	f.Comment("Router is what Mount needs of an echo router: *echo.Echo and *echo.Group")
	f.Comment("both have it, so the routes can live under a group of the service's own.")
	f.Type().Id("Router").Interface(
		jen.Id("Group").Params(jen.Id("prefix").String(), jen.Id("m").Op("...").Qual(echo, "MiddlewareFunc")).Op("*").Qual(echo, "Group"),
	)
	f.Line()
	f.Comment("Mount registers the auth endpoints on r as the route group " + m.Prefix + wellKnownDoc(m) + ",")
	f.Comment("under r's own prefix when r is a group; call it before serving. The")
	f.Comment("handlers are the package's net/http ones: they answer errors themselves, as")
	f.Comment("problem+json, and never hand an error to echo's error handler.")
	f.Func().Add(recv()).Id("Mount").Params(jen.Id("r").Id("Router")).Block(body...)
	f.Line()
}

func (echoRouter) Request(*Model) jen.Code { return jen.Id("c").Dot("Request").Call() }

func (echoRouter) Handler(m *Model, body ...jen.Code) jen.Code {
	return jen.Func().Params(jen.Id("c").Add(echoContext(m))).Error().Block(body...)
}

func (echoRouter) Middleware(m *Model) ([]jen.Code, jen.Code) {
	return []jen.Code{jen.Id("next").Qual(echoPkg(m.Target), "HandlerFunc")}, jen.Qual(echoPkg(m.Target), "HandlerFunc")
}

func (echoRouter) RoleMiddleware(m *Model) (jen.Code, func(jen.Code) jen.Code) {
	echo := echoPkg(m.Target)
	return jen.Qual(echo, "MiddlewareFunc"), func(h jen.Code) jen.Code {
		return jen.Func().Params(jen.Id("next").Qual(echo, "HandlerFunc")).Qual(echo, "HandlerFunc").Block(jen.Return(h))
	}
}

// Stop writes the problem itself: echo's error handler never sees it.
func (echoRouter) Stop() []jen.Code {
	return []jen.Code{jen.Qual(pkgHTTPAuth, "WriteProblem").Call(jen.Id("c").Dot("Response").Call(), jen.Id("p")), jen.Return(jen.Nil())}
}

func (r echoRouter) Pass() []jen.Code { return []jen.Code{r.Next()} }

func (echoRouter) Next() jen.Code { return jen.Return(jen.Id("next").Call(jen.Id("c"))) }

func (r echoRouter) NextWithClaims() []jen.Code { return []jen.Code{r.SetClaims(), r.Next()} }

func (echoRouter) MiddlewareDocs() [3][]string {
	return [3][]string{{
		"Require is echo middleware that answers 401 unless the request carries a",
		"valid access token. Handlers read the claims with Claims(c), or with",
		"ClaimsFrom(c.Request().Context()). Mounted with Use, it lets excluded paths",
		"through.",
	}, {
		"Authenticate is echo middleware for routes open to everyone: a request",
		"without a token passes as anonymous (Claims returns nil), one with a bad",
		"token gets 401. Mounted with Use, it lets excluded paths through.",
	}, {
		"RequireRole returns echo middleware that answers like Require, and 403",
		"unless the token's claims (claims.go) grant one of roles.",
	}}
}

func (echoRouter) ClaimsAccess(f *jen.File, m *Model) {
	emitContextClaims(f, func() *jen.Statement { return jen.Id("c").Add(echoContext(m)) },
		jen.Id("c").Dot("Get").Call(jen.Id("claimsKey")),
		[]jen.Code{
			jen.Id("c").Dot("Set").Call(jen.Id("claimsKey"), jen.Id("claims")),
			jen.Id("c").Dot("SetRequest").Call(jen.Id("c").Dot("Request").Call().Dot("WithContext").Call(
				jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("c").Dot("Request").Call().Dot("Context").Call(), jen.Id("claims")))),
		})
}

func (echoRouter) NewRouter(m *Model, _ routerPurpose) (string, []jen.Code) {
	return "e", []jen.Code{jen.Id("e").Op(":=").Qual(echoPkg(m.Target), "New").Call()}
}

// Handle is e.GET(path, handler), with guard as route middleware.
func (echoRouter) Handle(router, method, path string, handler, guard jen.Code) jen.Code {
	args := []jen.Code{jen.Lit(path), handler}
	if guard != nil {
		args = append(args, guard)
	}
	return jen.Id(router).Dot(method).Call(args...)
}

// emitContextClaims renders the claims accessors of routers with their own
// context type: Claims(c), setClaims(c, claims) and the key they share.
func emitContextClaims(f *jen.File, ctx func() *jen.Statement, get jen.Code, set []jen.Code) {
	f.Comment("claimsKey is the router-context key of the verified claims.")
	f.Const().Id("claimsKey").Op("=").Lit("auth.claims")
	f.Line()
	f.Comment("Claims returns the verified access-token claims of a request that passed")
	f.Comment("Require or Authenticate, or nil for an anonymous one.")
	f.Func().Id("Claims").Params(ctx()).Op("*").Qual(pkgToken, "Claims").Block(
		jen.List(jen.Id("claims"), jen.Id("_")).Op(":=").Add(get).Assert(jen.Op("*").Qual(pkgToken, "Claims")),
		jen.Return(jen.Id("claims")),
	)
	f.Line()
	f.Comment("setClaims stores claims in the router's context and in the request's, so")
	f.Comment("that wrapped net/http handlers find them with ClaimsFrom too.")
	f.Func().Id("setClaims").Params(ctx(), jen.Id("claims").Op("*").Qual(pkgToken, "Claims")).Block(set...)
}

func (echoRouter) Whoami(f *jen.File, m *Model) {
	f.Comment("whoami answers the subject of the request's token, or \"anonymous\".")
	f.Func().Id("whoami").Params(jen.Id("c").Add(echoContext(m))).Error().Block(
		jen.If(jen.Id("claims").Op(":=").Id("Claims").Call(jen.Id("c")), jen.Id("claims").Op("!=").Nil()).Block(
			jen.Return(jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Id("claims").Dot("Subject"))),
		),
		jen.Return(jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Lit("anonymous"))),
	)
}

// GuardAll is Use on the whole router: echo cleans no paths, its router
// decides.
func (echoRouter) GuardAll(router string, guard jen.Code) ([]string, []jen.Code, jen.Code) {
	return []string{
			"newGuardedRouter mounts Require on the whole router with Use, as a service",
			"that guards everything would. Echo cleans no paths; its router decides.",
		},
		[]jen.Code{jen.Id(router).Dot("Use").Call(guard)},
		jen.Id(router)
}

// RouteBase: Mount learns it from the full path of a route it registers.
func (echoRouter) RouteBase(m *Model) (jen.Code, bool) { return jen.Id("s").Dot("base"), true }

// Group is e.Group(prefix, guard).
func (echoRouter) Group(router, group, prefix string, guard jen.Code, inside []jen.Code) ([]string, []jen.Code) {
	return []string{
			"newGroupedRouter mounts the auth routes in a group at " + prefix + " that has Require",
			"in its middleware, as Router's doc invites.",
		},
		append([]jen.Code{jen.Id(group).Op(":=").Id(router).Dot("Group").Call(jen.Lit(prefix), guard)}, inside...)
}

func (echoRouter) Hello(f *jen.File, m *Model) {
	f.Func().Id("hello").Params(jen.Id("c").Add(echoContext(m))).Error().Block(
		jen.Return(jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"),
			jen.Lit("hello, ").Op("+").Qual(m.PkgPath, "Claims").Call(jen.Id("c")).Dot("Subject").Op("+").Lit("\n"))),
	)
}

func (echoRouter) RouterTypes(t Target) []string { return []string{"*" + echoPkg(t) + ".Echo"} }
