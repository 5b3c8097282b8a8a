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
type chiRouter struct{ httpIdiom }

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
	f.Comment("chiBase is the path before the routes Mount registered, as chi's route context")
	f.Comment("of r tells it: \"\" on the root router, \"/api\" under r.Route(\"/api\", ...). In a")
	f.Comment("group's middleware the pattern so far ends in \"/*\"; in a handler it is the")
	f.Comment("whole route, which ends in " + m.Prefix + " and the endpoint.")
	f.Func().Id("chiBase").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).String().Block(
		jen.Id("pattern").Op(":=").Qual(pkgChi, "RouteContext").Call(jen.Id("r").Dot("Context").Call()).Dot("RoutePattern").Call(),
		jen.If(jen.List(jen.Id("base"), jen.Id("ok")).Op(":=").Qual("strings", "CutSuffix").Call(jen.Id("pattern"), jen.Lit("/*")), jen.Id("ok")).Block(jen.Return(jen.Id("base"))),
		jen.If(jen.Id("i").Op(":=").Qual("strings", "LastIndex").Call(jen.Id("pattern"), jen.Lit(m.Prefix+"/")), jen.Id("i").Op(">=").Lit(0)).Block(jen.Return(jen.Id("pattern").Index(jen.Empty(), jen.Id("i")))),
		jen.Return(jen.Lit("")),
	)
	f.Line()
}

// chiMethod is chi's method name for an HTTP method: POST -> Post.
func chiMethod(method string) string { return method[:1] + strings.ToLower(method[1:]) }

const pkgChiMiddleware = pkgChi + "/middleware"

// RouteBase: a chi router cannot tell Mount where it will be mounted, so the
// base is read from the request's route context (chiBase).
func (chiRouter) RouteBase(m *Model) (jen.Code, bool) {
	return jen.Id("chiBase").Call(jen.Id("r")), false
}

// GuardAll: chi middleware runs before routing, behind CleanPath.
func (chiRouter) GuardAll(router string, guard jen.Code) ([]string, []jen.Code, jen.Code) {
	return []string{
			"newGuardedRouter mounts Require on the whole router, behind chi's CleanPath,",
			"as a service that guards everything would.",
		},
		[]jen.Code{jen.Id(router).Dot("Use").Call(jen.Qual(pkgChiMiddleware, "CleanPath"), guard)},
		jen.Id(router)
}

// Group is chi's Route, with guard in the sub-router's middleware.
func (chiRouter) Group(router, group, prefix string, guard jen.Code, inside []jen.Code) ([]string, []jen.Code) {
	body := append([]jen.Code{jen.Id(group).Dot("Use").Call(guard)}, inside...)
	return []string{
			"newGroupedRouter mounts the auth routes in a route group at " + prefix + " that has",
			"Require in its middleware, as chi's Route invites.",
		},
		[]jen.Code{jen.Id(router).Dot("Route").Call(jen.Lit(prefix), jen.Func().Params(jen.Id(group).Qual(pkgChi, "Router")).Block(body...))}
}

func (chiRouter) RouterTypes(Target) []string {
	return []string{"*" + pkgChi + ".Mux", pkgChi + ".Router"}
}

func (chiRouter) NewRouter(*Model, routerPurpose) (string, []jen.Code) {
	return "r", []jen.Code{jen.Id("r").Op(":=").Qual(pkgChi, "NewRouter").Call()}
}

// Handle is r.Get(path, handler), or r.With(guard).Get(path, handler).
func (chiRouter) Handle(router, method, path string, handler, guard jen.Code) jen.Code {
	r := jen.Id(router)
	if guard != nil {
		r = r.Dot("With").Call(guard)
	}
	return r.Dot(chiMethod(method)).Call(jen.Lit(path), handler)
}
