package generator

import "github.com/dave/jennifer/jen"

// emitTokenRequest renders tokenRequest: the login route's RFC 6749 token
// endpoint for form requests, so that stock OAuth2 clients (the password
// grant, then refresh_token) work unchanged. It shares login and rotate with
// the JSON routes; only the answer's terms differ (see reject).
func emitTokenRequest(f *jen.File, m *Model) {
	f.Comment("tokenRequest answers an RFC 6749 token request posted as a form to the")
	f.Comment("login route: grant_type password (section 4.3, the " + m.IdentityJSON() + " in username) or")
	f.Comment("refresh_token (section 6). Client credentials and scope are not checked:")
	f.Comment("every client of this service is a public client of its own API.")
	f.Func().Add(recv()).Id("tokenRequest").Add(httpParams()).Block(
		jen.List(jen.Id("form"), jen.Id("p")).Op(":=").Qual(pkgHTTPAuth, "DecodeForm").Call(jen.Id("w"), jen.Id("r")),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(reject(jen.Id("p")), jen.Return()),
		jen.Switch(jen.Id("form").Dot("Get").Call(jen.Lit("grant_type"))).Block(
			jen.Case(jen.Lit("password")).Block(
				jen.Id("s").Dot("login").Call(jen.Id("w"), jen.Id("r"), jen.Id("form").Dot("Get").Call(jen.Lit("username")), jen.Id("form").Dot("Get").Call(jen.Lit("password"))),
			),
			jen.Case(jen.Lit("refresh_token")).Block(
				jen.Id("s").Dot("rotate").Call(jen.Id("w"), jen.Id("r"), jen.Id("form").Dot("Get").Call(jen.Lit("refresh_token"))),
			),
			jen.Case(jen.Lit("")).Block(
				reject(problem("StatusBadRequest", "CodeMalformedBody", "grant_type is required: password or refresh_token")),
			),
			jen.Default().Block(
				jen.Id("p").Op(":=").Add(problem("StatusBadRequest", "CodeMalformedBody", "grant_type must be password or refresh_token")).Dot("OAuth2").Call(),
				jen.Id("p").Dot("OAuthError").Op("=").Lit("unsupported_grant_type"),
				writeProblem(jen.Id("p")),
			),
		),
	)
	f.Line()
}
