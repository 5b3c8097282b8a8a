package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

func init() { registerFramework(chiRouter{}) }

const pkgChi = "github.com/go-chi/chi/v5"

// chiRouter mounts the endpoints as a chi route group. chi middleware is the
// standard func(http.Handler) http.Handler, so Require and Authenticate are
// the net/http ones.
type chiRouter struct{}

func (chiRouter) Name() string { return "chi" }

func (chiRouter) Describe() string {
	return "go-chi/chi v5: net/http-compatible router with groups and middleware"
}

func (chiRouter) Requires(Target) []Module {
	return []Module{{"github.com/go-chi/chi/v5", "v5.5.0"}}
}

func (chiRouter) ImportNames() map[string]string {
	return map[string]string{pkgChi: "chi", pkgChiMiddleware: "middleware"}
}

func (chiRouter) Routes(f *jen.File, m *Model) {
	var routes []jen.Code
	for _, e := range m.Endpoints() {
		r := jen.Id("r")
		if e.Protected {
			r = r.Dot("With").Call(jen.Id("s").Dot("Require"))
		}
		routes = append(routes, r.Dot(chiMethod(e.Method)).Call(jen.Lit(e.Path), jen.Id("s").Dot(e.Handler)))
	}
	f.Comment("Mount registers the auth endpoints on r as the route group " + m.Prefix + wellKnownDoc(m) + ".")
	body := []jen.Code{jen.Id("r").Dot("Route").Call(jen.Lit(m.Prefix), jen.Func().Params(jen.Id("r").Qual(pkgChi, "Router")).Block(routes...))}
	for _, e := range m.WellKnown() {
		body = append(body, jen.Id("r").Dot(chiMethod(e.Method)).Call(jen.Lit(e.Path), jen.Id("s").Dot(e.Handler)))
	}
	f.Func().Add(recv()).Id("Mount").Params(jen.Id("r").Qual(pkgChi, "Router")).Block(body...)
	f.Line()
	emitHTTPMiddleware(f)
}

// chiMethod is chi's method name for an HTTP method: POST -> Post.
func chiMethod(method string) string { return method[:1] + strings.ToLower(method[1:]) }

func (chiRouter) TestRouter(f *jen.File, m *Model) {
	f.Func().Id("newTestRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Id("r").Op(":=").Qual(pkgChi, "NewRouter").Call(),
		jen.Id("s").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("With").Call(jen.Id("s").Dot("Require")).Dot("Get").Call(jen.Lit("/protected"), jen.Id("whoami")),
		jen.Id("r").Dot("With").Call(jen.Id("s").Dot("Authenticate")).Dot("Get").Call(jen.Lit("/optional"), jen.Id("whoami")),
		jen.Id("r").Dot("With").Call(jen.Id("s").Dot("RequireRole").Call(jen.Lit("admin"))).Dot("Get").Call(jen.Lit(testAdminPath), jen.Id("whoami")),
		jen.Id("r").Dot("With").Call(jen.Id("s").Dot("Require")).Dot("Get").Call(jen.Lit(testOpenPath), jen.Id("whoami")),
		jen.Return(jen.Id("r")),
	)
	f.Line()
	emitHTTPWhoami(f, jen.Id("ClaimsFrom"))
}

const pkgChiMiddleware = pkgChi + "/middleware"

func (chiRouter) GuardedRouter(f *jen.File, m *Model) {
	f.Comment("newGuardedRouter mounts Require on the whole router, behind chi's CleanPath,")
	f.Comment("as a service that guards everything would.")
	f.Func().Id("newGuardedRouter").Params(jen.Id("s").Op("*").Id("Service")).Qual(pkgHTTP, "Handler").Block(
		jen.Id("r").Op(":=").Qual(pkgChi, "NewRouter").Call(),
		jen.Id("r").Dot("Use").Call(jen.Qual(pkgChiMiddleware, "CleanPath"), jen.Id("s").Dot("Require")),
		jen.Id("s").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("Get").Call(jen.Lit(testOpenPath), jen.Id("whoami")),
		jen.Id("r").Dot("Get").Call(jen.Lit(testGuardedPath), jen.Id("whoami")),
		jen.Return(jen.Id("r")),
	)
	f.Line()
}

func (chiRouter) MainRouter(m *Model) []jen.Code {
	return []jen.Code{
		jen.Id("r").Op(":=").Qual(pkgChi, "NewRouter").Call(),
		jen.Id("svc").Dot("Mount").Call(jen.Id("r")),
		jen.Id("r").Dot("With").Call(jen.Id("svc").Dot("Require")).Dot("Get").Call(jen.Lit("/hello"), jen.Id("hello")),
		jen.Id("r").Dot("With").Call(jen.Id("svc").Dot("RequireRole").Call(jen.Lit("admin"))).Dot("Get").Call(jen.Lit("/hello/admin"), jen.Id("hello")),
		jen.Id("handler").Op(":=").Id("r"),
	}
}

func (chiRouter) Hello(f *jen.File, m *Model) { emitHTTPHello(f, m) }

func (chiRouter) RouterTypes(Target) []string {
	return []string{"*" + pkgChi + ".Mux", pkgChi + ".Router"}
}
