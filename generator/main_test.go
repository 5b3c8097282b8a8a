package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
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

// TestGeneratorStartsNoGoroutine keeps true what make unit relies on when it
// runs this package's tests without the race detector: the generator is one
// goroutine from request to files, so there is nothing for -race to find,
// and under it Generate ran ten times slower (100 s of tests against 8).
// Code that starts a goroutine or shares state under a lock must bring -race
// back in the Makefile's unit target.
func TestGeneratorStartsNoGoroutine(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	parsed := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		parsed++
		for _, spec := range file.Imports {
			if path, _ := strconv.Unquote(spec.Path.Value); path == "sync" || path == "sync/atomic" {
				t.Errorf("%s imports %s: run the generator's tests under -race again (Makefile, unit)", name, path)
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				t.Errorf("%s: a go statement: run the generator's tests under -race again (Makefile, unit)", fset.Position(g.Pos()))
			}
			return true
		})
	}
	if parsed < 10 {
		t.Fatalf("parsed %d files of the generator, want them all", parsed)
	}
}
