package generator

import (
	"github.com/dave/jennifer/jen"
)

// scaffoldHeader marks files that authgen writes once and then leaves alone.
const scaffoldHeader = "This file was scaffolded by authgen. It is yours: authgen will not touch it again."

// emitMain renders the main.go of a new service: configuration from the
// environment, the chosen store and router, and an HTTP server with timeouts
// and graceful shutdown.
func emitMain(m *Model) ([]byte, error) {
	f := newGoFile(m, m.Target.Module, "main")
	f.HeaderComment(scaffoldHeader)
	f.PackageComment("Command " + moduleBase(m.Target.Module) + " is a web service with JWT authentication under " + m.Prefix + ".")
	f.Func().Id("main").Params().Block(
		jen.If(jen.Err().Op(":=").Id("run").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Qual("log/slog", "Error").Call(jen.Lit("service stopped"), jen.Lit("err"), jen.Err()),
			jen.Qual("os", "Exit").Call(jen.Lit(1)),
		),
	)
	f.Line()
	body := []jen.Code{
		jen.List(jen.Id("ctx"), jen.Id("stop")).Op(":=").Qual("os/signal", "NotifyContext").Call(jen.Qual(pkgContext, "Background").Call(), jen.Qual("os", "Interrupt"), jen.Qual("syscall", "SIGTERM")),
		jen.Defer().Id("stop").Call(),
		jen.Line(),
		jen.List(jen.Id("svc"), jen.Err()).Op(":=").Qual(m.PkgPath, "FromEnv").Call(jen.Id("ctx")),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("svc").Dot("Close").Call(),
		jen.Line(),
	}
	body = append(body, mainRouter(m)...)
	body = append(body,
		jen.Id("srv").Op(":=").Op("&").Qual(pkgHTTP, "Server").Values(fields(
			"Addr", jen.Qual("net", "JoinHostPort").Call(jen.Qual("os", "Getenv").Call(jen.Lit("HOST")), jen.Id("envOr").Call(jen.Lit("PORT"), jen.Lit("8080"))),
			"Handler", jen.Id("handler"),
			"ReadHeaderTimeout", jen.Lit(5).Op("*").Qual(pkgTime, "Second"),
			"ReadTimeout", jen.Lit(10).Op("*").Qual(pkgTime, "Second"),
			"WriteTimeout", jen.Lit(10).Op("*").Qual(pkgTime, "Second"),
			"IdleTimeout", jen.Lit(60).Op("*").Qual(pkgTime, "Second"),
		)),
		jen.Id("errc").Op(":=").Make(jen.Chan().Error(), jen.Lit(1)),
		jen.Go().Func().Params().Block(jen.Id("errc").Op("<-").Id("srv").Dot("ListenAndServe").Call()).Call(),
		jen.Qual("log/slog", "Info").Call(jen.Lit("listening"), jen.Lit("addr"), jen.Id("srv").Dot("Addr")),
		jen.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("errc")).Block(jen.Return(jen.Err())),
			jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()),
		),
		jen.Line(),
		jen.Comment("Finish the requests in flight, then stop."),
		jen.List(jen.Id("shutdown"), jen.Id("cancel")).Op(":=").Qual(pkgContext, "WithTimeout").Call(jen.Qual(pkgContext, "Background").Call(), jen.Lit(10).Op("*").Qual(pkgTime, "Second")),
		jen.Defer().Id("cancel").Call(),
		jen.Return(jen.Id("srv").Dot("Shutdown").Call(jen.Id("shutdown"))),
	)
	f.Func().Id("run").Params().Error().Block(body...)
	f.Line()
	f.Comment("hello is an example of a protected route.")
	m.Framework.Hello(f, m)
	f.Line()
	f.Func().Id("envOr").Params(jen.List(jen.Id("name"), jen.Id("fallback")).String()).String().Block(
		jen.If(jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Id("name")), jen.Id("v").Op("!=").Lit("")).Block(jen.Return(jen.Id("v"))),
		jen.Return(jen.Id("fallback")),
	)
	return renderGo(f)
}
