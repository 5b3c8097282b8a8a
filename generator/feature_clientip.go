package generator

import "github.com/dave/jennifer/jen"

// The client's address (client_ip_header): what throttling counts and what
// refresh tokens record as their client. Without the option it is the
// direct peer; with it, the address the trusted proxy appended to its
// header.

// clientIPFeature is client_ip_header.
type clientIPFeature struct{ noFeature }

func (clientIPFeature) name() string { return "clientip" }

// handlers renders clientAddress: the direct peer, or the address the
// configured trusted proxy header carries.
func (clientIPFeature) handlers(f *jen.File, m *Model) {
	peer := []jen.Code{
		jen.List(jen.Id("host"), jen.Id("_"), jen.Err()).Op(":=").Qual("net", "SplitHostPort").Call(jen.Id("r").Dot("RemoteAddr")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r").Dot("RemoteAddr"))),
		jen.Return(jen.Id("host")),
	}
	if m.ClientIPHeader == "" {
		f.Comment("clientAddress is the address of the direct peer. Behind a proxy, set")
		f.Comment("client_ip_header in authgen.yaml to the header it sets.")
		f.Func().Id("clientAddress").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).String().Block(peer...)
		f.Line()
		return
	}
	f.Comment("clientAddress is the rightmost address in " + m.ClientIPHeader + ", the one the")
	f.Comment("trusted proxy in front of the service appended; addresses further left were")
	f.Comment("sent by the client and prove nothing. Without a valid one it is the peer.")
	body := []jen.Code{
		jen.Id("values").Op(":=").Id("r").Dot("Header").Dot("Values").Call(jen.Lit(m.ClientIPHeader)),
		jen.If(jen.Len(jen.Id("values")).Op(">").Lit(0)).Block(
			jen.Id("list").Op(":=").Id("values").Index(jen.Len(jen.Id("values")).Op("-").Lit(1)),
			jen.Id("last").Op(":=").Id("list").Index(jen.Qual("strings", "LastIndexByte").Call(jen.Id("list"), jen.LitRune(',')).Op("+").Lit(1).Op(":")),
			jen.If(jen.List(jen.Id("addr"), jen.Err()).Op(":=").Qual("net/netip", "ParseAddr").Call(jen.Qual("strings", "TrimSpace").Call(jen.Id("last"))), jen.Err().Op("==").Nil()).Block(
				jen.Return(jen.Id("addr").Dot("String").Call()),
			),
		),
	}
	f.Func().Id("clientAddress").Params(jen.Id("r").Op("*").Qual(pkgHTTP, "Request")).String().Block(append(body, peer...)...)
	f.Line()
}
