package generator

import "github.com/dave/jennifer/jen"

func init() { registerFramework(ginRouter{}) }

const pkgGin = "github.com/gin-gonic/gin"

// ginRouter mounts the endpoints on a gin route group, with middleware as
// gin.HandlerFunc and the claims in the gin context.
type ginRouter struct{}

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
		args := []jen.Code{jen.Lit(e.Path)}
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

	mw := func(name string, doc []string, body ...jen.Code) {
		for _, l := range doc {
			f.Comment(l)
		}
		f.Func().Add(recv()).Id(name).Params().Qual(pkgGin, "HandlerFunc").Block(
			jen.Return(jen.Func().Params(ginContext()).Block(body...)),
		)
		f.Line()
	}
	abort := []jen.Code{
		jen.Qual(pkgHTTPAuth, "WriteProblem").Call(jen.Id("c").Dot("Writer"), jen.Id("p")),
		jen.Id("c").Dot("Abort").Call(),
		jen.Return(),
	}
	pass := []jen.Code{jen.Id("c").Dot("Next").Call(), jen.Return()}
	mw("Require", []string{
		"Require returns gin middleware that answers 401 unless the request carries a",
		"valid access token. Handlers read the claims with Claims(c), or with",
		"ClaimsFrom(c.Request.Context()). Mounted with Use, it lets excluded paths",
		"through.",
	},
		skipExcluded(jen.Id("c").Dot("Request"), pass...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(jen.Id("c").Dot("Request")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(abort...),
		jen.Id("setClaims").Call(jen.Id("c"), jen.Id("claims")),
		jen.Id("c").Dot("Next").Call(),
	)
	mw("Authenticate", []string{
		"Authenticate returns gin middleware for routes open to everyone: a request",
		"without a token passes as anonymous (Claims returns nil), one with a bad",
		"token gets 401. Mounted with Use, it lets excluded paths through.",
	},
		skipExcluded(jen.Id("c").Dot("Request"), pass...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticate").Call(jen.Id("c").Dot("Request")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(abort...),
		jen.If(jen.Id("claims").Op("!=").Nil()).Block(jen.Id("setClaims").Call(jen.Id("c"), jen.Id("claims"))),
		jen.Id("c").Dot("Next").Call(),
	)
	f.Comment("RequireRole returns gin middleware that answers like Require, and 403")
	f.Comment("unless the token's claims (claims.go) grant one of roles.")
	f.Func().Add(recv()).Id("RequireRole").Params(jen.Id("roles").Op("...").String()).Qual(pkgGin, "HandlerFunc").Block(
		jen.Return(jen.Func().Params(ginContext()).Block(
			jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("requireRole").Call(jen.Id("c").Dot("Request"), jen.Id("roles")),
			jen.If(jen.Id("p").Op("!=").Nil()).Block(abort...),
			jen.Id("setClaims").Call(jen.Id("c"), jen.Id("claims")),
			jen.Id("c").Dot("Next").Call(),
		)),
	)
	f.Line()
	emitContextClaims(f, ginContext,
		jen.Id("c").Dot("Value").Call(jen.Id("claimsKey")),
		[]jen.Code{
			jen.Id("c").Dot("Set").Call(jen.Id("claimsKey"), jen.Id("claims")),
			jen.Id("c").Dot("Request").Op("=").Id("c").Dot("Request").Dot("WithContext").Call(
				jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("c").Dot("Request").Dot("Context").Call(), jen.Id("claims"))),
		})
}

func (ginRouter) TestRouter(f *jen.File, m *Model) {
	f.Func().Id("newTestRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "TestMode")),
		jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
		jen.Id("s").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("GET").Call(jen.Lit("/protected"), jen.Id("s").Dot("Require").Call(), jen.Id("whoami")),
		jen.Id("r").Dot("GET").Call(jen.Lit("/optional"), jen.Id("s").Dot("Authenticate").Call(), jen.Id("whoami")),
		jen.Id("r").Dot("GET").Call(jen.Lit(testAdminPath), jen.Id("s").Dot("RequireRole").Call(jen.Lit("admin")), jen.Id("whoami")),
		jen.Id("r").Dot("GET").Call(jen.Lit(testOpenPath), jen.Id("s").Dot("Require").Call(), jen.Id("whoami")),
		jen.Return(jen.Id("r")),
	)
	f.Line()
	f.Comment("whoami answers the subject of the request's token, or \"anonymous\".")
	f.Func().Id("whoami").Params(ginContext()).Block(
		jen.If(jen.Id("claims").Op(":=").Id("Claims").Call(jen.Id("c")), jen.Id("claims").Op("!=").Nil()).Block(
			jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Id("claims").Dot("Subject")),
			jen.Return(),
		),
		jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Lit("anonymous")),
	)
}

func (ginRouter) GuardedRouter(f *jen.File, m *Model) {
	f.Comment("newGuardedRouter mounts Require on the whole router with Use, with gin's")
	f.Comment("RemoveExtraSlash on, as a service that guards everything would.")
	f.Func().Id("newGuardedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "TestMode")),
		jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
		jen.Id("r").Dot("RemoveExtraSlash").Op("=").True(),
		jen.Id("r").Dot("Use").Call(jen.Id("s").Dot("Require").Call()),
		jen.Id("s").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("GET").Call(jen.Lit(testOpenPath), jen.Id("whoami")),
		jen.Id("r").Dot("GET").Call(jen.Lit(testGuardedPath), jen.Id("whoami")),
		jen.Return(jen.Id("r")),
	)
	f.Line()
}

// RouteBase: Mount learns it from the group's BasePath.
func (ginRouter) RouteBase(m *Model) (jen.Code, bool) { return jen.Id("s").Dot("base"), true }

func (ginRouter) GroupedRouter(f *jen.File, m *Model) bool {
	f.Comment("newGroupedRouter mounts the auth routes in a group at /api that has Require")
	f.Comment("in its middleware.")
	f.Func().Id("newGroupedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "TestMode")),
		jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
		jen.Id("api").Op(":=").Id("r").Dot("Group").Call(jen.Lit("/api"), jen.Id("s").Dot("Require").Call()),
		jen.Id("s").Dot("Mount").Call(jen.Id("api")),
		jen.Id("api").Dot("GET").Call(jen.Lit("/users"), jen.Id("whoami")),
		jen.Return(jen.Id("r")),
	)
	f.Line()
	return true
}

func (ginRouter) MainRouter(m *Model) []jen.Code {
	return []jen.Code{
		jen.Qual(pkgGin, "SetMode").Call(jen.Qual(pkgGin, "ReleaseMode")),
		jen.Id("r").Op(":=").Qual(pkgGin, "New").Call(),
		jen.Id("r").Dot("Use").Call(jen.Qual(pkgGin, "Recovery").Call()),
		jen.Id("svc").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("GET").Call(jen.Lit("/hello"), jen.Id("svc").Dot("Require").Call(), jen.Id("hello")),
		jen.Id("r").Dot("GET").Call(jen.Lit("/hello/admin"), jen.Id("svc").Dot("RequireRole").Call(jen.Lit("admin")), jen.Id("hello")),
		jen.Id("handler").Op(":=").Id("r"),
	}
}

func (ginRouter) Hello(f *jen.File, m *Model) {
	f.Func().Id("hello").Params(ginContext()).Block(
		jen.Id("c").Dot("String").Call(jen.Qual(pkgHTTP, "StatusOK"), jen.Lit("hello, %s\n"), jen.Qual(m.PkgPath, "Claims").Call(jen.Id("c")).Dot("Subject")),
	)
}

func (ginRouter) RouterTypes(Target) []string { return []string{"*" + pkgGin + ".Engine"} }
