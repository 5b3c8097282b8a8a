package generator

import "github.com/dave/jennifer/jen"

func init() { registerFramework(netHTTP{}) }

// netHTTP mounts the endpoints on the standard library's http.ServeMux with
// Go 1.22 method patterns.
type netHTTP struct{ httpIdiom }

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
}

// RouteBase: a ServeMux's patterns are absolute, so Mount's routes are
// where their patterns say: no base.
func (netHTTP) RouteBase(m *Model) (jen.Code, bool) { return nil, false }

// GuardAll wraps the whole ServeMux in guard; the mux cleans paths (by
// redirecting) after it.
func (netHTTP) GuardAll(router string, guard jen.Code) ([]string, []jen.Code, jen.Code) {
	return []string{
		"newGuardedRouter wraps the whole ServeMux in Require, as a service that",
		"guards everything would; the mux cleans paths (by redirecting) after it.",
	}, nil, jen.Add(guard).Call(jen.Id(router))
}

// Group: a ServeMux has no groups.
func (netHTTP) Group(string, string, string, jen.Code, []jen.Code) ([]string, []jen.Code) {
	return nil, nil
}

func (netHTTP) RouterTypes(Target) []string { return []string{"*net/http.ServeMux"} }

func (netHTTP) NewRouter(*Model, routerPurpose) (string, []jen.Code) {
	return "mux", []jen.Code{jen.Id("mux").Op(":=").Qual(pkgHTTP, "NewServeMux").Call()}
}

// Handle is mux.HandleFunc("GET /path", handler), or mux.Handle with the
// handler wrapped in guard.
func (netHTTP) Handle(router, method, path string, handler, guard jen.Code) jen.Code {
	pattern := jen.Lit(method + " " + path)
	if guard == nil {
		return jen.Id(router).Dot("HandleFunc").Call(pattern, handler)
	}
	return jen.Id(router).Dot("Handle").Call(pattern, jen.Add(guard).Call(jen.Qual(pkgHTTP, "HandlerFunc").Call(handler)))
}
