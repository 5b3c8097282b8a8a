package main

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden/regen/*.txtar and docs/CONFORMANCE.md (read the diff before committing)")

// TestRegenerationGolden runs the scripts in testdata/regen against the CLI
// and compares each transcript (commands, exit codes, stdout and stderr, and
// the files they show) with golden/regen/<script>.txtar.
//
// Script lines: gomod PATH | copy DIR (from testdata) | authgen ARGS... |
// append FILE TEXT | write FILE TEXT | replace FILE OLD => NEW | remove FILE |
// ls DIR | cat FILE. Lines starting with # are comments.
func TestRegenerationGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy and go/packages; skipped with -short")
	}
	t.Parallel()
	checkout, _ := filepath.Abs(".")
	scripts, _ := filepath.Glob("testdata/regen/*.txt")
	if len(scripts) == 0 {
		t.Fatal("no scripts in testdata/regen")
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			warmDependencies(t) // authgen init loads the module's packages, compiling their dependencies
			src, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			transcript := runScript(t, work, string(src))
			transcript = strings.ReplaceAll(transcript, work, "$WORK")
			transcript = strings.ReplaceAll(transcript, checkout, "$AUTHGEN")
			got := txtar.Format(&txtar.Archive{
				Comment: []byte("authgen's answers to testdata/regen/" + name + ".txt\n"),
				Files:   []txtar.File{{Name: "transcript", Data: []byte(transcript)}},
			})
			path := filepath.Join("golden", "regen", name+".txtar")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRegenerationGolden -update . to create it)", err)
			}
			if string(want) != string(got) {
				t.Errorf("transcript differs from %s (go test -run TestRegenerationGolden -update . rewrites it; read the diff):\n%s",
					path, udiff.Unified("golden", "got", string(want), string(got)))
			}
		})
	}
}

func runScript(t *testing.T, work, script string) string {
	t.Helper()
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out.WriteString("$ " + line + "\n")
		verb, rest, _ := strings.Cut(line, " ")
		file, text, _ := strings.Cut(rest, " ")
		path := filepath.Join(work, filepath.FromSlash(file))
		switch verb {
		case "gomod":
			writeFile(t, filepath.Join(work, "go.mod"), "module "+rest+"\n\ngo 1.26\n")
		case "copy":
			if err := os.CopyFS(work, os.DirFS(filepath.Join("testdata", rest))); err != nil {
				t.Fatal(err)
			}
		case "authgen":
			r := authgen(t, work, strings.Fields(rest)...)
			if r.code != 0 {
				out.WriteString("[exit " + string(rune('0'+r.code)) + "]\n")
			}
			out.WriteString(r.stdout)
			for _, l := range strings.SplitAfter(r.stderr, "\n") {
				if !strings.HasPrefix(l, "go: ") { // go mod tidy's progress depends on the module cache
					out.WriteString(l)
				}
			}
		case "append":
			data, _ := os.ReadFile(path)
			writeFile(t, path, string(data)+text+"\n")
		case "write":
			writeFile(t, path, text+"\n")
		case "replace":
			old, repl, ok := strings.Cut(text, " => ")
			data, err := os.ReadFile(path)
			if !ok || err != nil || !strings.Contains(string(data), old) {
				t.Fatalf("%s: cannot replace %q in %s: %v", line, old, file, err)
			}
			writeFile(t, path, strings.Replace(string(data), old, repl, 1))
		case "remove":
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		case "ls":
			entries, _ := os.ReadDir(path)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			slices.Sort(names)
			out.WriteString(strings.Join(names, "\n") + "\n")
		case "cat":
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(data)
		default:
			t.Fatalf("unknown script verb in %q", line)
		}
	}
	return out.String()
}
