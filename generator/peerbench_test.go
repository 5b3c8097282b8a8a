package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
)

// peerbenchDir holds the peer benchmark module. It carries the generated
// middleware of every router as plain packages (<framework>auth), so that
// the benchmark measures exactly what users get; this test keeps them equal
// to what the generator writes now.
const peerbenchDir = "../testdata/peerbench"

func TestPeerbenchPackagesAreFresh(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join(peerbenchDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	target, err := ParseTarget("/target", gomod)
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range []string{"nethttp", "chi", "echo", "gin"} {
		opts := Defaults()
		opts.Framework, opts.Storage, opts.Package = fw, "memory", fw+"auth"
		opts.Issuer = "https://issuer.test"
		files, err := Generate(Request{Options: opts, Target: target, Version: "v0.0.0"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]byte{}
		for _, f := range files {
			if dir, name := filepath.Split(f.Path); dir == opts.Package+"/" && peerbenchFile(name) {
				want[f.Path] = f.Data
			}
		}
		have, _ := filepath.Glob(filepath.Join(peerbenchDir, opts.Package, "*.go"))
		for _, path := range have {
			rel, _ := filepath.Rel(peerbenchDir, path)
			if _, ok := want[rel]; !ok && peerbenchFile(filepath.Base(rel)) {
				t.Errorf("%s is no longer generated", rel)
			}
		}
		for rel, data := range want {
			path := filepath.Join(peerbenchDir, rel)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, data) {
				t.Errorf("%s is stale (go test ./generator -run Peerbench -update rewrites it):\n%s", rel, udiff.Unified(rel, "generated", string(old), string(data)))
			}
		}
	}
}

// peerbenchFile reports whether a generated file belongs in the benchmark:
// the package's code, without its tests and its go:generate hook.
func peerbenchFile(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && name != "generate.go"
}
