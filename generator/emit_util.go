package generator

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"
)

// Small builders for the statements every emitter writes, so that the
// emitters read like the code they produce.

const (
	pkgHTTP    = "net/http"
	pkgContext = "context"
	pkgErrors  = "errors"
	pkgTime    = "time"
	pkgTesting = "testing"
)

// recv is the receiver "(s *Service)".
func recv() *jen.Statement { return jen.Params(jen.Id("s").Op("*").Id("Service")) }

// ctxParam is "ctx context.Context".
func ctxParam() *jen.Statement { return jen.Id("ctx").Qual(pkgContext, "Context") }

// httpParams is "(w http.ResponseWriter, r *http.Request)".
func httpParams() *jen.Statement {
	return jen.Params(jen.Id("w").Qual(pkgHTTP, "ResponseWriter"), jen.Id("r").Op("*").Qual(pkgHTTP, "Request"))
}

// ifErr is "if err != nil { body }".
func ifErr(body ...jen.Code) *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(body...)
}

// ifErrReturn is "if err != nil { return values... }".
func ifErrReturn(values ...jen.Code) *jen.Statement { return ifErr(jen.Return(values...)) }

// writeProblem is "httpauth.WriteProblem(w, p)".
func writeProblem(p jen.Code) *jen.Statement {
	return jen.Qual(pkgHTTPAuth, "WriteProblem").Call(jen.Id("w"), p)
}

// writeProblemReturn is "httpauth.WriteProblem(w, p); return" as two statements.
func writeProblemReturn(p jen.Code) []jen.Code {
	return []jen.Code{writeProblem(p), jen.Return()}
}

// problem is "httpauth.NewProblem(http.StatusX, httpauth.CodeY, detail)".
func problem(status, code, detail string) *jen.Statement {
	return jen.Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, status), jen.Qual(pkgHTTPAuth, code), jen.Lit(detail))
}

// GoDuration is durationCode as Go source, for the templates.
func (*Model) GoDuration(d Duration) string { return fmt.Sprintf("%#v", durationCode(d)) }

// durationCode writes d the way a person would: 15 * time.Minute.
func durationCode(d Duration) *jen.Statement {
	td := time.Duration(d)
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}} {
		if td%u.unit == 0 {
			return jen.Lit(int(td/u.unit)).Op("*").Qual(pkgTime, u.name)
		}
	}
	return jen.Qual(pkgTime, "Duration").Call(jen.Lit(int64(td)))
}

// strings is a []string literal.
func stringsLit(ss []string) *jen.Statement {
	var items []jen.Code
	for _, s := range ss {
		items = append(items, jen.Lit(s))
	}
	return jen.Index().String().Values(items...)
}

// fields is a composite literal body with its keys in the order given,
// one per line: jen.Dict would sort them, and a person writes ID first.
// pairs alternate key names and values.
func fields(pairs ...any) jen.Code {
	body := jen.Line()
	for i := 0; i+1 < len(pairs); i += 2 {
		body.Id(pairs[i].(string)).Op(":").Add(pairs[i+1].(jen.Code)).Op(",").Line()
	}
	return body
}

// docComment writes doc as // lines, one per line of doc (which may write
// its continuation lines as "\n// ..."): jennifer renders a Comment with a
// newline as a /* */ block, which no doc comment here should be.
func docComment(f *jen.File, doc string) {
	for _, line := range strings.Split(doc, "\n") {
		f.Comment(strings.TrimPrefix(line, "// "))
	}
}
