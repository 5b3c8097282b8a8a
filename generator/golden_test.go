package generator

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden/*.txtar from the current generator (read the diff before committing)")

// goldenSource stands for the authgen checkout in golden files, so that
// they do not depend on where the repository was cloned.
const goldenSource = "/authgen-checkout"

// GoldenCases lists the scenario directories of testdata: those with an
// authgen.yaml.
func goldenCases(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob("../testdata/*/authgen.yaml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios in testdata: %v", err)
	}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(filepath.Dir(d)))
	}
	return names
}

// generateCase renders testdata/<name> as `authgen generate` would there.
func generateCase(t testing.TB, name string) []File {
	t.Helper()
	dir := filepath.Join("..", "testdata", name)
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	target, err := ParseTarget("/target", gomod)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	base := Defaults()
	base.Issuer = target.Module
	opts, err := ParseConfig(cfg, base)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(Request{Options: opts, Target: target, Version: DevelVersion, Source: goldenSource})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			files := generateCase(t, name)
			got := &txtar.Archive{Comment: []byte("authgen generate in testdata/" + name + "\n")}
			for _, f := range files {
				got.Files = append(got.Files, txtar.File{Name: f.Path, Data: f.Data})
			}
			path := filepath.Join("..", "golden", name+".txtar")
			if *update {
				if err := os.WriteFile(path, txtar.Format(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./generator -run Golden -update to create it)", err)
			}
			compareArchives(t, txtar.Parse(data), got)
		})
	}
}

func compareArchives(t *testing.T, want, got *txtar.Archive) {
	t.Helper()
	wantFiles := map[string][]byte{}
	for _, f := range want.Files {
		wantFiles[f.Name] = f.Data
	}
	for _, f := range got.Files {
		w, ok := wantFiles[f.Name]
		if !ok {
			t.Errorf("new file %s", f.Name)
			continue
		}
		delete(wantFiles, f.Name)
		if !bytes.Equal(w, f.Data) {
			t.Errorf("%s differs from the golden file:\n%s", f.Name, udiff.Unified("golden/"+f.Name, "generated/"+f.Name, string(w), string(f.Data)))
		}
	}
	for name := range wantFiles {
		t.Errorf("file %s is no longer generated", name)
	}
	if t.Failed() {
		t.Log("if the change is intended, run: go test ./generator -run Golden -update, and read the diff")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, name := range goldenCases(t) {
		a, b := generateCase(t, name), generateCase(t, name)
		for i := range a {
			if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
				t.Errorf("%s: two runs differ at %s", name, a[i].Path)
			}
		}
	}
}

func TestGeneratedGoFilesCarryHeader(t *testing.T) {
	for _, f := range generateCase(t, "chi-sqlite") {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		first, _, _ := strings.Cut(string(f.Data), "\n")
		want := "// " + generatedHeader
		if f.Owner == Scaffold {
			want = "// " + scaffoldHeader
		}
		if first != want {
			t.Errorf("%s starts with %q, want %q", f.Path, first, want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	target, _ := ParseTarget("/target", []byte("module example.com/svc\n\ngo 1.26\n"))
	opts := Defaults()
	opts.Issuer = target.Module
	opts.Framework = "chi"
	for b.Loop() {
		if _, err := Generate(Request{Options: opts, Target: target, Version: DevelVersion, Source: goldenSource, NewModule: true}); err != nil {
			b.Fatal(err)
		}
	}
}
