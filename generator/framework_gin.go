package generator

import "github.com/dave/jennifer/jen"

func init() { registerFramework(ginRouter{}) }

const pkgGin = "github.com/gin-gonic/gin"

// ginRouter mounts the endpoints on a gin route group, with middleware as
// gin.HandlerFunc and the claims in the gin context.
type ginRouter struct{ contextIdiom }

func (ginRouter) Name() string { return "gin" }

func (ginRouter) Describe() string {
	return "gin-gonic/gin v1: popular, fast, its own context and middleware chain"
}

func (ginRouter) Requires(Target) []Module { return []Module{{pkgGin, "v1.12.0"}} }

func (ginRouter) ImportNames() map[string]string { return nil }

func ginContext() *jen.Statement { return jen.Id("c").Op("*").Qual(pkgGin, "Context") }

func (ginRouter) Routes(f *jen.File, m *Model) {
	body := []jen.Code{
		jen.Id("g").Op(":=").Id("r").Dot("Group").Call(jen.Lit(m.Prefix)),
		jen.Id("s").Dot("base").Op("=").Qual("strings", "TrimSuffix").Call(jen.Id("g").Dot("BasePath").Call(), jen.Lit(m.Prefix)),
	}
	for _, e := range m.Endpoints() {
		args := []jen.Code{jen.Lit(e.ColonPath())}
		if e.Protected {
			args = append(args, jen.Id("s").Dot("Require").Call())
		}
		args = append(args, jen.Qual(pkgGin, "WrapF").Call(jen.Id("s").Dot(e.Handler)))
		body = append(body, jen.Id("g").Dot(e.Method).Call(args...))
	}
	for _, e := range m.WellKnown() {
		body = append(body, jen.Id("r").Dot(e.Method).Call(jen.Lit(e.Path), jen.Qual(pkgGin, "WrapF").Call(jen.Id("s").Dot(e.Handler))))
	}
	f.Comment("Mount registers the auth endpoints on r (an engine or a group) as the")
	f.Comment("route group " + m.Prefix + wellKnownDoc(m) + ", under r's own base path; call it before")
	f.Comment("serving. The handlers are the package's net/http ones, which answer errors")
	f.Comment("themselves as problem+json.")
	f.Func().Add(recv()).Id("Mount").Params(jen.Id("r").Qual(pkgGin, "IRouter")).Block(body...)
	f.Line()
}

func (ginRouter) Request(*Model) jen.Code { return jen.Id("c").Dot("Request") }

func (ginRouter) Handler(_ *Model, body ...jen.Code) jen.Code {
	return jen.Func().Params(ginContext()).Block(body...)
}

// Middleware: gin's middleware is a gin.HandlerFunc that Require() returns.
func (ginRouter) Middleware(*Model) ([]jen.Code, jen.Code) {
	return nil, jen.Qual(pkgGin, "HandlerFunc")
}

func (ginRouter) RoleMiddleware(*Model) (jen.Code, func(jen.Code) jen.Code) {
	return jen.Qual(pkgGin, "HandlerFunc"), func(h jen.Code) jen.Code { return h }
}

func (ginRouter) Stop() []jen.Code {
	return []jen.Code{
		jen.Qual(pkgHTTPAuth, "WriteProblem").Call(jen.Id("c").Dot("Writer"), jen.Id("p")),
		jen.Id("c").Dot("Abort").Call(),
		jen.Return(),
	}
}

func (r ginRouter) Pass() []jen.Code { return []jen.Code{r.Next(), jen.Return()} }

func (ginRouter) Next() jen.Code { return jen.Id("c").Dot("Next").Call() }

func (r ginRouter) NextWithClaims() []jen.Code { return []jen.Code{r.SetClaims(), r.Next()} }

func (ginRouter) MiddlewareDocs() [3][]string {
	return [3][]string{{
		"Require returns gin middleware that answers 401 unless the request carries a",
		"valid access token. Handlers read the claims with Claims(c), or with",
		"ClaimsFrom(c.Request.Context()). Mounted with Use, it lets excluded paths",
		"through.",
	}, {
		"Authenticate returns gin middleware for routes open to everyone: a request",
		"without a token passes as anonymous (Claims returns nil), one with a bad",
		"token gets 401. Mounted with Use, it lets excluded paths through.",
	}, {
		"RequireRole returns gin middleware that answers like Require, and 403",
		"unless the token's claims (claims.go) grant one of roles.",
	}}
}

func (ginRouter) ClaimsAccess(f *jen.File, _ *Model) {
	emitContextClaims(f, ginContext,
		jen.Id("c").Dot("Value").Call(jen.Id("claimsKey")),
		[]jen.Code{
			jen.Id("c").Dot("Set").Call(jen.Id("claimsKey"), jen.Id("claims")),
			jen.Id("c").Dot("Request").Op("=").Id("c").Dot("Request").Dot("WithContext").Call(
				jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("c").Dot("Request").Dot("Context").Call(), jen.Id("claims"))),
		})
}

// Guard: gin's middleware are made by a call, s.Require().
func (ginRouter) Guard(recv, name string, args ...jen.Code) jen.Code {
	return jen.Id(recv).Dot(name).Call(args...)
}

// NewRouter is gin.New in gin's test mode, or, for main, in release mode
// with panics recovered.
func (ginRouter) NewRouter(_ *Model, purpose routerPurpose) (string, []jen.Code) {
	if purpose == forMain {
		return "r", []jen.Code{
			jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "ReleaseMode")),
			jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
			jen.Id("r").Dot("Use").Call(jen.Qual(pkgGin, "Recovery").Call()),
		}
	}
	return "r", []jen.Code{
		jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "TestMode")),
		jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
	}
}

// Handle is r.GET(path, handler), with guard before it in the chain.
func (ginRouter) Handle(router, method, path string, handler, guard jen.Code) jen.Code {
	args := []jen.Code{jen.Lit(path)}
	if guard != nil {
		args = append(args, guard)
	}
	return jen.Id(router).Dot(method).Call(append(args, handler)...)
}

func (ginRouter) Whoami(f *jen.File, m *Model) {
	f.Comment("whoami answers the subject of the request's token, or \"anonymous\".")
	f.Func().Id("whoami").Params(ginContext()).Block(
		jen.If(jen.Id("claims").Op(":=").Id("Claims").Call(jen.Id("c")), jen.Id("claims").Op("!=").Nil()).Block(
			jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Id("claims").Dot("Subject")),
			jen.Return(),
		),
		jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Lit("anonymous")),
	)
}

// GuardAll is Use on the whole router, with gin's RemoveExtraSlash on.
func (ginRouter) GuardAll(router string, guard jen.Code) ([]string, []jen.Code, jen.Code) {
	return []string{
			"newGuardedRouter mounts Require on the whole router with Use, with gin's",
			"RemoveExtraSlash on, as a service that guards everything would.",
		},
		[]jen.Code{
			jen.Id(router).Dot("RemoveExtraSlash").Op("=").True(),
			jen.Id(router).Dot("Use").Call(guard),
		},
		jen.Id(router)
}

// RouteBase: Mount learns it from the group's BasePath.
func (ginRouter) RouteBase(m *Model) (jen.Code, bool) { return jen.Id("s").Dot("base"), true }

// Group is r.Group(prefix, guard).
func (ginRouter) Group(router, group, prefix string, guard jen.Code, inside []jen.Code) ([]string, []jen.Code) {
	return []string{
			"newGroupedRouter mounts the auth routes in a group at " + prefix + " that has Require",
			"in its middleware.",
		},
		append([]jen.Code{jen.Id(group).Op(":=").Id(router).Dot("Group").Call(jen.Lit(prefix), guard)}, inside...)
}

func (ginRouter) Hello(f *jen.File, m *Model) {
	f.Func().Id("hello").Params(ginContext()).Block(
		jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Lit("hello, %s\n"), jen.Qual(m.PkgPath, "Claims").Call(jen.Id("c")).Dot("Subject")),
	)
}

func (ginRouter) RouterTypes(Target) []string { return []string{"*" + pkgGin + ".Engine"} }
