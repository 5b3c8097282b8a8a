package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestScaffoldedMainSetsServerTimeouts: the main.go of a new service bounds
// how long a client may take to send headers and bodies and to read answers,
// so that slow clients cannot hold connections open (slowloris).
func TestScaffoldedMainSetsServerTimeouts(t *testing.T) {
	target, _ := ParseTarget("/target", []byte("module example.com/svc\n\ngo 1.26\n"))
	opts := Defaults()
	opts.Issuer = target.Module
	for _, fw := range FrameworkNames() {
		opts.Framework = fw
		files, err := Generate(Request{Options: opts, Target: target, Version: DevelVersion, Source: goldenSource, NewModule: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Path != "main.go" {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), "main.go", f.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			set := map[string]bool{}
			ast.Inspect(file, func(n ast.Node) bool {
				if kv, ok := n.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						set[id.Name] = true
					}
				}
				return true
			})
			for _, field := range []string{"ReadHeaderTimeout", "ReadTimeout", "WriteTimeout", "IdleTimeout"} {
				if !set[field] {
					t.Errorf("%s: main.go sets no %s on its http.Server", fw, field)
				}
			}
		}
	}
}
