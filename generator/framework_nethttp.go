package generator

import "github.com/dave/jennifer/jen"

func init() { registerFramework(netHTTP{}) }

// netHTTP mounts the endpoints on the standard library's http.ServeMux with
// Go 1.22 method patterns.
type netHTTP struct{}

func (netHTTP) Name() string { return "nethttp" }

func (netHTTP) Describe() string {
	return "net/http ServeMux: no dependency, method patterns since Go 1.22"
}

func (netHTTP) Requires(Target) []Module { return nil }

func (netHTTP) ImportNames() map[string]string { return nil }

func (netHTTP) Routes(f *jen.File, m *Model) {
	f.Comment("Mount registers the auth endpoints on mux under " + m.Prefix + wellKnownDoc(m) + ".")
	var body []jen.Code
	for _, e := range m.Endpoints() {
		pattern := jen.Lit(e.Method + " " + m.Route(e.Path))
		if e.Protected {
			body = append(body, jen.Id("mux").Dot("Handle").Call(pattern,
				jen.Id("s").Dot("Require").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("s").Dot(e.Handler)))))
			continue
		}
		body = append(body, jen.Id("mux").Dot("HandleFunc").Call(pattern, jen.Id("s").Dot(e.Handler)))
	}
	for _, e := range m.WellKnown() {
		body = append(body, jen.Id("mux").Dot("HandleFunc").Call(jen.Lit(e.Method+" "+e.Path), jen.Id("s").Dot(e.Handler)))
	}
	f.Func().Add(recv()).Id("Mount").Params(jen.Id("mux").Op("*").Qual(pkgHTTP, "ServeMux")).Block(body...)
	f.Line()
	emitHTTPMiddleware(f)
}

func (netHTTP) TestRouter(f *jen.File, m *Model) {
	f.Func().Id("newTestRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Id("mux").Op(":=").Qual(pkgHTTP, "NewServeMux").Call(),
		jen.Id("s").Dot("Mount").Call(jen.Id("mux")),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET /protected"), jen.Id("s").Dot("Require").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("whoami")))),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET /optional"), jen.Id("s").Dot("Authenticate").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("whoami")))),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET "+testAdminPath), jen.Id("s").Dot("RequireRole").Call(jen.Lit("admin")).Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("whoami")))),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET "+testOpenPath), jen.Id("s").Dot("Require").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("whoami")))),
		jen.Return(jen.Id("mux")),
	)
	f.Line()
	emitHTTPWhoami(f, jen.Id("ClaimsFrom"))
}

// RouteBase: a ServeMux's patterns are absolute, so Mount's routes are
// where their patterns say: no base.
func (netHTTP) RouteBase(m *Model) (jen.Code, bool) { return nil, false }

// GroupedRouter: a ServeMux has no groups.
func (netHTTP) GroupedRouter(*jen.File, *Model) bool { return false }

func (netHTTP) GuardedRouter(f *jen.File, m *Model) {
	f.Comment("newGuardedRouter wraps the whole ServeMux in Require, as a service that")
	f.Comment("guards everything would; the mux cleans paths (by redirecting) after it.")
	f.Func().Id("newGuardedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Id("mux").Op(":=").Qual(pkgHTTP, "NewServeMux").Call(),
		jen.Id("s").Dot("Mount").Call(jen.Id("mux")),
		jen.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET "+testOpenPath), jen.Id("whoami")),
		jen.Id("mux").Dot("HandleFunc").Call(jen.Lit("GET "+testGuardedPath), jen.Id("whoami")),
		jen.Return(jen.Id("s").Dot("Require").Call(jen.Id("mux"))),
	)
	f.Line()
}

func (netHTTP) MainRouter(m *Model) []jen.Code {
	return []jen.Code{
		jen.Id("mux").Op(":=").Qual(pkgHTTP, "NewServeMux").Call(),
		jen.Id("svc").Dot("Mount").Call(jen.Id("mux")),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET /hello"), jen.Id("svc").Dot("Require").Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("hello")))),
		jen.Id("mux").Dot("Handle").Call(jen.Lit("GET /hello/admin"), jen.Id("svc").Dot("RequireRole").Call(jen.Lit("admin")).Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Id("hello")))),
		jen.Id("handler").Op(":=").Id("mux"),
	}
}

// emitHTTPMiddleware renders Require and Authenticate as standard
// func(http.Handler) http.Handler middleware, the idiom of net/http and of
// every router built on it.
func emitHTTPMiddleware(f *jen.File) {
	handler := func(body ...jen.Code) jen.Code {
		return jen.Return(jen.Qual(pkgHTTP, "HandlerFunc").Call(jen.Func().Add(httpParams()).Block(body...)))
	}
	mw := func(name string, doc []string, body ...jen.Code) {
		for _, l := range doc {
			f.Comment(l)
		}
		f.Func().Add(recv()).Id(name).Params(jen.Id("next").Qual(pkgHTTP, "Handler")).Qual(pkgHTTP, "Handler").Block(handler(body...))
		f.Line()
	}
	pass := []jen.Code{jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")), jen.Return()}
	mw("Require", []string{
		"Require is middleware that answers 401 unless the request carries a valid",
		"access token. The handler reads the token's claims with ClaimsFrom. Mounted",
		"on a whole router, it lets excluded paths through.",
	},
		skipExcluded(jen.Id("r"), pass...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
		jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r").Dot("WithContext").Call(
			jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("r").Dot("Context").Call(), jen.Id("claims")))),
	)
	mw("Authenticate", []string{
		"Authenticate is middleware for routes open to everyone: a request without a",
		"token passes as anonymous (ClaimsFrom returns nil), one with a bad token",
		"gets 401. Mounted on a whole router, it lets excluded paths through.",
	},
		skipExcluded(jen.Id("r"), pass...),
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("authenticate").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
		jen.If(jen.Id("claims").Op("!=").Nil()).Block(
			jen.Id("r").Op("=").Id("r").Dot("WithContext").Call(jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("r").Dot("Context").Call(), jen.Id("claims"))),
		),
		jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")),
	)
	f.Comment("RequireRole returns middleware that answers like Require, and 403 unless")
	f.Comment("the token's claims (claims.go) grant one of roles.")
	f.Func().Add(recv()).Id("RequireRole").Params(jen.Id("roles").Op("...").String()).Func().Params(jen.Qual(pkgHTTP, "Handler")).Qual(pkgHTTP, "Handler").Block(
		jen.Return(jen.Func().Params(jen.Id("next").Qual(pkgHTTP, "Handler")).Qual(pkgHTTP, "Handler").Block(
			handler(
				jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("requireRole").Call(jen.Id("r"), jen.Id("roles")),
				jen.If(jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...),
				jen.Id("next").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r").Dot("WithContext").Call(
					jen.Qual(pkgHTTPAuth, "WithClaims").Call(jen.Id("r").Dot("Context").Call(), jen.Id("claims")))),
			),
		)),
	)
	f.Line()
}

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

func (netHTTP) Hello(f *jen.File, m *Model) { emitHTTPHello(f, m) }

// emitHTTPHello renders main's hello for net/http-style routers.
func emitHTTPHello(f *jen.File, m *Model) {
	f.Func().Id("hello").Add(httpParams()).Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Id("w"), jen.Lit("hello, %s\n"), jen.Qual(m.PkgPath, "ClaimsFrom").Call(jen.Id("r").Dot("Context").Call()).Dot("Subject")),
	)
}

func (netHTTP) RouterTypes(Target) []string { return []string{"*net/http.ServeMux"} }
