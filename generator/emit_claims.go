package generator

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// The service's own claims, roles, and the paths the middleware skips.

// emitClaimsHook renders claims.go, written once and then the user's: the
// claims the service adds to its access tokens, and how it decides roles.
// Generated code relies on TokenClaims, claimsFor and hasRole, and on
// nothing else in it.
func emitClaimsHook(f *jen.File, m *Model) {
	f.Comment("TokenClaims are the claims this service adds to its access tokens, beside")
	f.Comment("the registered ones (iss, sub, aud, exp, nbf, iat, jti) and sid, which they")
	f.Comment("may not reuse. Add fields with json tags; handlers read them with")
	f.Comment("TokenClaimsFrom(r.Context()). Keep them few and small: every request")
	f.Comment("carries them.")
	f.Type().Id("TokenClaims").Struct(
		jen.Comment("Roles (RFC 9068 section 2.2.3.1) are what RequireRole checks."),
		jen.Id("Roles").Index().String().Tag(map[string]string{"json": "roles,omitempty"}),
	)
	f.Line()
	f.Comment("claimsFor returns the claims of a new access token for u, at login and at")
	f.Comment("every refresh, so that a change reaches the user within one access-token")
	f.Comment("lifetime. An error fails the login or refresh with 503.")
	f.Comment("")
	f.Comment("Decide roles here, e.g. from a table of your own:")
	f.Comment("")
	f.Comment("\troles, err := lookupRoles(ctx, u.ID)")
	f.Comment("\treturn TokenClaims{Roles: roles}, err")
	f.Func().Id("claimsFor").Params(ctxParam(), jen.Id("u").Id("User")).Params(jen.Id("TokenClaims"), jen.Error()).Block(
		jen.Return(jen.Id("TokenClaims").Values(), jen.Nil()),
	)
	f.Line()
	f.Comment("hasRole reports whether the claims grant role. RequireRole asks it.")
	f.Func().Params(jen.Id("c").Id("TokenClaims")).Id("hasRole").Params(jen.Id("role").String()).Bool().Block(
		jen.Return(jen.Qual("slices", "Contains").Call(jen.Id("c").Dot("Roles"), jen.Id("role"))),
	)
}

// emitClaimsAccess renders, into middleware.go, TokenClaimsFrom, the role
// check that every framework's RequireRole wraps, and the excluded paths.
func emitClaimsAccess(f *jen.File, m *Model) {
	f.Line()
	f.Comment("TokenClaimsFrom returns the claims of claims.go that the request's access")
	f.Comment("token carries, or the zero TokenClaims for an anonymous request.")
	f.Func().Id("TokenClaimsFrom").Params(ctxParam()).Id("TokenClaims").Block(
		jen.Var().Id("c").Id("TokenClaims"),
		jen.If(jen.Id("claims").Op(":=").Id("ClaimsFrom").Call(jen.Id("ctx")), jen.Id("claims").Op("!=").Nil()).Block(
			jen.Comment("This service signed the claims; a token from before a change to"),
			jen.Comment("TokenClaims decodes as far as it fits, and expires soon."),
			jen.Id("_").Op("=").Id("claims").Dot("Decode").Call(jen.Op("&").Id("c")),
		),
		jen.Return(jen.Id("c")),
	)
	f.Line()
	f.Comment("requireRole is require, then 403 unless the token's claims grant one of")
	f.Comment("roles.")
	f.Func().Add(recv()).Id("requireRole").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request"), jen.Id("roles").Index().String()).Params(jen.Op("*").Qual(pkgToken, "Claims"), jen.Op("*").Qual(pkgHTTPAuth, "Problem")).Block(
		jen.List(jen.Id("claims"), jen.Id("p")).Op(":=").Id("s").Dot("require").Call(jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p"))),
		jen.Var().Id("custom").Id("TokenClaims"),
		jen.If(jen.Id("claims").Dot("Decode").Call(jen.Op("&").Id("custom")).Op("==").Nil()).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("role")).Op(":=").Range().Id("roles")).Block(
				jen.If(jen.Id("custom").Dot("hasRole").Call(jen.Id("role"))).Block(jen.Return(jen.Id("claims"), jen.Nil())),
			),
		),
		jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusForbidden"), jen.Qual(pkgHTTPAuth, "CodeForbidden"),
			jen.Lit("this route needs the role ").Op("+").Qual("strings", "Join").Call(jen.Id("roles"), jen.Lit(" or ")))),
	)
	f.Line()
	emitExcluded(f, m)
}

// emitExcluded renders Service.excluded, the decision of a Require or
// Authenticate mounted on a whole router or group.
func emitExcluded(f *jen.File, m *Model) {
	var open, exact, prefixes []jen.Code
	for _, e := range m.Endpoints() {
		if !e.Protected && e.Method == "POST" {
			open = append(open, jen.Lit(m.Route(e.Path)))
		}
	}
	for _, e := range m.WellKnown() {
		open = append(open, jen.Lit(e.Path))
	}
	for _, p := range m.ExcludePaths {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			prefixes = append(prefixes, jen.Qual("strings", "HasPrefix").Call(jen.Id("p"), jen.Lit(prefix)))
		} else {
			exact = append(exact, jen.Lit(p))
		}
	}
	base, _ := m.Framework.RouteBase(m)
	body := []jen.Code{
		jen.Id("p").Op(":=").Id("r").Dot("URL").Dot("Path"),
		jen.If(jen.Id("r").Dot("URL").Dot("RawPath").Op("!=").Lit("").Op("||").Op("!").Id("canonicalPath").Call(jen.Id("p"))).Block(jen.Return(jen.False())),
	}
	if base == nil {
		body = append(body, jen.Switch(jen.Id("p")).Block(jen.Case(open...).Block(jen.Return(jen.True()))))
	} else {
		// The base is looked up only for a path that ends in an open route.
		body = append(body, jen.For(jen.List(jen.Id("_"), jen.Id("route")).Op(":=").Range().Index().String().Values(open...)).Block(
			jen.If(jen.List(jen.Id("before"), jen.Id("ok")).Op(":=").Qual("strings", "CutSuffix").Call(jen.Id("p"), jen.Id("route")), jen.Id("ok").Op("&&").Id("before").Op("==").Add(base)).Block(
				jen.Return(jen.True()),
			),
		))
	}
	if len(exact) > 0 {
		body = append(body, jen.Switch(jen.Id("p")).Block(jen.Case(exact...).Block(jen.Return(jen.True()))))
	}
	rest := jen.False()
	for i, test := range prefixes {
		if i == 0 {
			rest = jen.Add(test)
		} else {
			rest = rest.Op("||").Add(test)
		}
	}
	body = append(body, jen.Return(rest))
	f.Comment("excluded reports whether Require and Authenticate, mounted on the whole")
	f.Comment("router or group, let r through untouched: the open auth routes wherever Mount")
	f.Comment("put them, and exclude_paths of authgen.yaml, which are absolute (a trailing")
	f.Comment("\"*\" there is a prefix). It decides only on a path in its one canonical")
	f.Comment("spelling (no \".\" or \"..\" segment, no \"//\", nothing percent-encoded that")
	f.Comment("need not be), which every router routes as it reads: any other spelling may")
	f.Comment("be cleaned or decoded into another route by the router or its middleware, so")
	f.Comment("it gets the token check.")
	f.Func().Add(recv()).Id("excluded").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).Bool().Block(body...)
	f.Line()
	f.Comment("canonicalPath reports whether p is what path.Clean makes of it, give or")
	f.Comment("take one trailing slash.")
	f.Func().Id("canonicalPath").Params(jen.Id("p").String()).Bool().Block(
		jen.Id("clean").Op(":=").Qual("path", "Clean").Call(jen.Id("p")),
		jen.Return(jen.Id("p").Op("==").Id("clean").Op("||").Id("p").Op("==").Id("clean").Op("+").Lit("/")),
	)
}

// skipExcluded is the first statement of a framework's Require and
// Authenticate: "if s.excluded(req) { pass }".
func skipExcluded(req jen.Code, pass ...jen.Code) jen.Code {
	return jen.If(jen.Id("s").Dot("excluded").Call(req)).Block(pass...)
}

// The test router's extra routes: one behind RequireRole("admin"), one
// behind Require that exclude_paths may open.
const (
	testAdminPath   = "/admin"
	testOpenPath    = "/open/ping"
	testGuardedPath = "/admin/users"
)

// TestAdminPath, TestOpenPath and TestGuardedPath are the test routers'
// probes, for the templates of the tests that call them.
func (*Model) TestAdminPath() string   { return testAdminPath }
func (*Model) TestOpenPath() string    { return testOpenPath }
func (*Model) TestGuardedPath() string { return testGuardedPath }

// IsExcluded reports whether exclude_paths lets path through, as the
// generated excluded does.
func (m *Model) IsExcluded(path string) bool {
	for _, p := range m.ExcludePaths {
		if prefix, ok := strings.CutSuffix(p, "*"); path == p || ok && strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}
