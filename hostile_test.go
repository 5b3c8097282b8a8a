package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/joho/godotenv"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"

	"github.com/authgen/authgen/generator"
)

// authgen runs in repositories people clone (go generate ./...). These
// tests craft such repositories as an attacker would: symbolic links where
// authgen writes, a tampered authgen.sum, a go.mod whose module path is a
// shell command, option values that break out of the files they land in.

// secret stands for what a victim's files hold: no authgen output may
// contain it.
const secret = "AWS_SECRET_ACCESS_KEY=never-print-me"

// snapshot maps every path under dir (links included, not followed) to a
// digest of what it is: a file's bytes, a link's target.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case d.Type().IsRegular():
			data, _ := os.ReadFile(p)
			sum := sha256.Sum256(data)
			out[rel] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	return out
}

// victim is a home directory outside the module, with a shell startup file.
func victim(t *testing.T) (home, bashrc string) {
	home = t.TempDir()
	bashrc = filepath.Join(home, ".bashrc")
	writeFile(t, bashrc, "# the victim's shell\n"+secret+"\n")
	return home, bashrc
}

// noLeak fails when out printed the secret, or anything of the victim's.
func noLeak(t *testing.T, step string, out outcome) {
	t.Helper()
	if strings.Contains(out.stdout+out.stderr, "never-print-me") {
		t.Errorf("%s printed a file authgen never wrote:\n%s%s", step, out.stdout, out.stderr)
	}
}

func sameTree(t *testing.T, step string, before, after map[string]string) {
	t.Helper()
	for p, sum := range before {
		if after[p] != sum {
			t.Errorf("%s changed %s", step, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s created %s", step, p)
		}
	}
}

// TestInitDoesNotWriteThroughALink is the observed attack: a go.mod whose
// module path is a command and an authgen.yaml that is a dangling link to
// the user's shell startup file. init used to exit 0 and write the command
// into the startup file.
func TestInitDoesNotWriteThroughALink(t *testing.T) {
	t.Parallel()
	for name, module := range map[string]string{"command in the module path": `"$(id>pwned)"`, "valid module path": "example.com/svc"} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			startup := filepath.Join(home, ".profile") // does not exist yet: the link dangles
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "go.mod"), "module "+module+"\n\ngo 1.26\n")
			if err := os.Symlink(startup, filepath.Join(dir, "authgen.yaml")); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			out := authgen(t, dir, "init", "--yes", "--no-tidy")
			if out.code == 0 {
				t.Fatalf("init exited 0 in a repository whose authgen.yaml is a link:\n%s", out.stdout)
			}
			if _, err := os.Lstat(startup); err == nil {
				t.Fatalf("init wrote through the link into %s", startup)
			}
			if _, err := os.Lstat(filepath.Join(dir, "pwned")); err == nil {
				t.Fatal("the module path ran as a command")
			}
			sameTree(t, "a refused init", before, snapshot(t, dir))
			if !strings.Contains(out.stderr, "authgen.yaml") && !strings.Contains(out.stderr, "module path") {
				t.Errorf("the error does not say what is wrong: %s", out.stderr)
			}
		})
	}
}

// TestModulePathIsChecked: a module path that the go command would refuse
// never reaches a generated file, in init, generate or check.
func TestModulePathIsChecked(t *testing.T) {
	t.Parallel()
	for _, module := range []string{`"$(id>pwned)"`, "\"example.com/a`id`\"", `"example.com/svc\nservers: [{url: https://evil.example}]"`, `"example.com/a b"`} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "go.mod"), "module "+module+"\n\ngo 1.26\n")
		writeFile(t, filepath.Join(dir, "authgen.yaml"), "version: 1\n")
		before := snapshot(t, dir)
		for _, args := range [][]string{{"init", "--yes", "--no-tidy", "--force"}, {"generate", "--no-tidy"}, {"check"}} {
			out := authgen(t, dir, args...)
			if out.code == 0 || !strings.Contains(out.stderr, "module path") || !strings.Contains(out.stderr, "go mod edit -module") {
				t.Errorf("%s with module %s: exit %d, %s", args[0], module, out.code, out.stderr)
			}
		}
		sameTree(t, "module "+module, before, snapshot(t, dir))
	}
}

// TestHostileRepository runs generate and check in a repository crafted
// with every trick at once: hostile option values in authgen.yaml,
// authgen.sum listing the user's secrets and paths outside the module, and a
// generated file that is a link to the victim's shell startup file (a
// hostile go.mod stops every run before it starts: TestModulePathIsChecked). Nothing outside the package, the manifest, authgen.yaml and
// go.mod may change, and nothing of the victim's may be printed.
func TestHostileRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a package; skipped with -short")
	}
	t.Parallel()
	home, bashrc := victim(t)
	dir := newModule(t, "example.com/svc")
	if out := authgen(t, dir, append([]string{"init", "--yes", "--no-tidy", "--framework", "chi", "--storage", "memory"}, hostileArgs()...)...); out.code != 0 {
		t.Fatalf("init: %s", out.stderr)
	}
	writeFile(t, filepath.Join(dir, ".env"), secret+"\n")
	writeFile(t, filepath.Join(dir, ".git", "config"), "[credential]\n\thelper = "+secret+"\n")
	sum, err := os.OpenFile(filepath.Join(dir, "authgen.sum"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(dir, bashrc)
	for _, p := range []string{".env", ".git/config", rel, bashrc, "internal/auth/../../.env", "internal/auth/\x1b]0;PWNED\x07\x1b[2Jx.go"} {
		sum.WriteString(strings.Repeat("0", 64) + "  " + filepath.ToSlash(p) + "\n")
	}
	sum.Close()

	// First only the manifest is tampered with: check reports it, and
	// generate --force repairs it, touching nothing it lists.
	out := authgen(t, dir, "check")
	noLeak(t, "check", out)
	if strings.ContainsRune(out.stdout+out.stderr, 0x1b) {
		t.Errorf("check passed the repository's escape sequences to the terminal:\n%q", out.stdout)
	}
	if out.code != 1 || !strings.Contains(out.stderr, "authgen.sum (stale)") || strings.Contains(out.stderr, ".env (extra)") {
		t.Errorf("check of a tampered manifest: exit %d\n%s", out.code, out.stderr)
	}
	homeBefore := snapshot(t, home)
	out = authgen(t, dir, "generate", "--force", "--no-tidy")
	noLeak(t, "generate --force", out)
	if out.code != 0 || strings.Contains(out.stdout, "removed") {
		t.Errorf("generate --force: exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
	for _, p := range []string{".env", ".git/config"} {
		if data, err := os.ReadFile(filepath.Join(dir, p)); err != nil || !strings.Contains(string(data), secret) {
			t.Errorf("generate --force touched %s: %v", p, err)
		}
	}
	sameTree(t, "generate --force", homeBefore, snapshot(t, home))
	if out := authgen(t, dir, "check"); out.code != 0 {
		t.Errorf("check after the repair: %d %s", out.code, out.stderr)
	}

	// Then a generated file becomes a link to the startup file.
	doc := filepath.Join(dir, "internal", "auth", "doc.go")
	os.Remove(doc)
	if err := os.Symlink(bashrc, doc); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	for _, args := range [][]string{{"check"}, {"generate", "--no-tidy"}, {"generate", "--force", "--no-tidy"}, {"generate", "--diff"}} {
		out := authgen(t, dir, args...)
		noLeak(t, strings.Join(args, " "), out)
		if out.code != 1 || !strings.Contains(out.stderr, "symbolic link") {
			t.Errorf("%v with a linked generated file: exit %d\n%s", args, out.code, out.stderr)
		}
	}
	sameTree(t, "runs refused for a link", before, snapshot(t, dir))
	sameTree(t, "runs refused for a link", homeBefore, snapshot(t, home))
}

// TestFailedRunWritesNothing: every class of error is found before the
// first byte is written, so that the tree is exactly as it was.
func TestFailedRunWritesNothing(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		prepare func(t *testing.T, dir string)
		args    []string
		code    int
	}{
		"issuer with a newline":        {nil, []string{"--issuer", "https://api.example.com\nAUTH_JWT_SECRET=known"}, 2},
		"issuer with invalid UTF-8":    {nil, []string{"--issuer", "https://api.example.com/\xff"}, 2},
		"audience with a control char": {nil, []string{"--audience", "api\x1b[2J"}, 2},
		"header that is no token":      {nil, []string{"--header", "X-Auth: y"}, 2},
		"package dir outside":          {nil, []string{"--pkg", "../elsewhere"}, 2},
		"keys dir outside the module":  {nil, []string{"--alg", "ES256", "--keys-dir", "../keys"}, 2},
		"package dir is a link": {func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "internal"), 0o755)
			os.Symlink(t.TempDir(), filepath.Join(dir, "internal", "auth"))
		}, nil, 1},
		"keys dir is a link": {func(t *testing.T, dir string) {
			os.Symlink(t.TempDir(), filepath.Join(dir, "keys"))
		}, []string{"--alg", "ES256", "--keys-dir", "keys"}, 1},
		"keys dir is a file authgen writes": {nil, []string{"--alg", "ES256", "--keys-dir", "authgen.yaml"}, 2},
		"keys dir with a newline":           {nil, []string{"--alg", "ES256", "--keys-dir", "k\nAUTH_JWT_SECRET=x"}, 2},
		"wire file outside the module":      {nil, []string{"--wire", "--wire-file", "../main.go"}, 1},
		"wire file is a link": {func(t *testing.T, dir string) {
			os.Symlink(filepath.Join(t.TempDir(), "main.go"), filepath.Join(dir, "main.go"))
		}, []string{"--wire"}, 1},
		"wire file is a FIFO": {func(t *testing.T, dir string) { syscall.Mkfifo(filepath.Join(dir, "main.go"), 0o644) }, []string{"--wire"}, 1},
		"a generated file in the way is a link": {func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "internal", "auth"), 0o755)
			os.Symlink(filepath.Join(t.TempDir(), "x"), filepath.Join(dir, "internal", "auth", "store.go"))
		}, []string{"--force"}, 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := newModule(t, "example.com/svc")
			if tc.prepare != nil {
				tc.prepare(t, dir)
			}
			before := snapshot(t, dir)
			out := authgen(t, dir, append([]string{"init", "--yes", "--no-tidy"}, tc.args...)...)
			if out.code != tc.code {
				t.Errorf("exit %d, want %d: %s", out.code, tc.code, out.stderr)
			}
			if strings.Contains(out.stderr, "internal error") {
				t.Errorf("an internal error for bad input: %s", out.stderr)
			}
			sameTree(t, name, before, snapshot(t, dir))
		})
	}
}

// TestWireRunsNoCCompiler: the file to wire is in a package with a cgo
// preamble that includes a secret file of the victim's. Loading that package
// with cgo on runs gcc, whose errors quote the included file's lines; authgen
// loads it with cgo off, where the cgo file is not part of the package, and
// wires main.go without reading the other file.
func TestWireRunsNoCCompiler(t *testing.T) {
	t.Parallel()
	included := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, included, secret+"\n")
	dir := newModule(t, "example.com/svc")
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nimport \"net/http\"\n\nfunc main() {\n\tmux := http.NewServeMux()\n\thttp.ListenAndServe(\":8080\", mux)\n}\n")
	writeFile(t, filepath.Join(dir, "c.go"), "package main\n\n// #include \""+included+"\"\nimport \"C\"\n\nvar _ = C.int(0)\n")
	out := authgen(t, dir, "init", "--yes", "--no-tidy", "--framework", "nethttp", "--storage", "memory", "--wire")
	noLeak(t, "init --wire", out)
	if out.code != 0 || !strings.Contains(string(mustRead(t, filepath.Join(dir, "main.go"))), "authService.Mount(mux)") {
		t.Errorf("init --wire: exit %d, main.go not wired:\n%s%s", out.code, out.stdout, out.stderr)
	}
}

// hostile are option values that are valid yet full of what YAML, Markdown,
// dotenv and shells treat specially.
var hostile = struct{ issuer, audience, header, scheme, exclude, clientIP string }{
	issuer:   "https://api.example.com/`id`|$(touch pwned) 'x' \"y\" \\z #c: [&*] ${HOME} | <b>",
	audience: "null",
	header:   "null",
	scheme:   "null",
	exclude:  "/public/*",
	clientIP: "true",
}

func hostileArgs() []string {
	return []string{"--issuer", hostile.issuer, "--audience", hostile.audience, "--header", hostile.header,
		"--scheme", hostile.scheme, "--scheme", "Bearer", "--exclude-path", hostile.exclude, "--client-ip-header", hostile.clientIP, "--transport", "both"}
}

// TestHostileValuesStayValues feeds hostile option values to init and
// parses every file they reach with a real parser of its format: each value
// reads back as itself and adds nothing (no key, no table cell, no server).
func TestHostileValuesStayValues(t *testing.T) {
	t.Parallel()
	dir := newModule(t, "example.com/svc")
	out := authgen(t, dir, append([]string{"init", "--yes", "--no-tidy", "--storage", "memory"}, hostileArgs()...)...)
	if out.code != 0 {
		t.Fatalf("init: %d %s", out.code, out.stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a value ran as a command")
	}

	var cfg map[string]any
	if err := yaml.Unmarshal(mustRead(t, filepath.Join(dir, "authgen.yaml")), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["issuer"] != hostile.issuer || cfg["audience"] != hostile.audience || cfg["header"] != hostile.header || cfg["client_ip_header"] != hostile.clientIP ||
		!slices.Equal(anyStrings(cfg["schemes"]), []string{hostile.scheme, "Bearer"}) || !slices.Equal(anyStrings(cfg["exclude_paths"]), []string{hostile.exclude}) {
		t.Errorf("authgen.yaml reads back as %v", cfg)
	}

	doc, err := openapi3.NewLoader().LoadFromData(mustRead(t, filepath.Join(dir, "internal/auth/openapi.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Info.Title != "example.com/svc authentication" || len(doc.Servers) > 1 || doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Errorf("openapi.yaml: title %q, %d servers", doc.Info.Title, len(doc.Servers))
	}
	if sch := doc.Components.SecuritySchemes["bearerAuth"].Value; sch.Name != hostile.header && sch.Scheme != "bearer" {
		t.Errorf("openapi.yaml: header scheme %+v", sch)
	}

	cells := tableCells(t, mustRead(t, filepath.Join(dir, "internal/auth/AUTH.md")))
	if got := cells["`AUTH_ISSUER`"]; len(got) < 1 || got[0] != hostile.issuer {
		t.Errorf("AUTH.md: the AUTH_ISSUER row reads %q, want %q", got, hostile.issuer)
	}
	if got := cells["`AUTH_AUDIENCE`"]; len(got) < 1 || got[0] != hostile.audience {
		t.Errorf("AUTH.md: the AUTH_AUDIENCE row reads %q", got)
	}

	envFile := mustRead(t, filepath.Join(dir, ".env.example"))
	env, err := godotenv.Unmarshal(string(envFile))
	if err != nil {
		t.Fatal(err)
	}
	for k := range env {
		if k != "AUTH_JWT_SECRET" {
			t.Errorf(".env.example sets %s=%q outside a comment", k, env[k])
		}
	}
	var uncommented []string
	for _, line := range strings.Split(string(envFile), "\n") {
		if rest, ok := strings.CutPrefix(line, "# AUTH_"); ok && strings.Contains(rest, "=") {
			uncommented = append(uncommented, "AUTH_"+rest)
		}
	}
	env, err = godotenv.Unmarshal(strings.Join(uncommented, "\n"))
	if err != nil || env["AUTH_ISSUER"] != hostile.issuer || env["AUTH_AUDIENCE"] != hostile.audience {
		t.Errorf("godotenv reads the uncommented lines as issuer %q, audience %q (%v)", env["AUTH_ISSUER"], env["AUTH_AUDIENCE"], err)
	}
	file := filepath.Join(t.TempDir(), "env")
	writeFile(t, file, strings.Join(uncommented, "\n")+"\n")
	sh, err := exec.Command("sh", "-c", `set -a; . "$0"; printf %s "$AUTH_ISSUER"`, file).Output()
	if err != nil || string(sh) != hostile.issuer {
		t.Errorf("sh sources the uncommented lines as issuer %q (%v)", sh, err)
	}
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// tableCells parses markdown with GitHub's table extension and maps the
// first cell's source of each row to the text of its other cells.
func tableCells(t *testing.T, markdown []byte) map[string][]string {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	root := md.Parser().Parse(text.NewReader(markdown))
	out := map[string][]string{}
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		row, ok := n.(*east.TableRow)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var cells []string
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, cellText(c, markdown))
		}
		if len(cells) > 0 {
			out["`"+strings.Trim(cells[0], "`")+"`"] = cells[1:]
		}
		return ast.WalkSkipChildren, nil
	})
	return out
}

// cellText is what a cell shows: its code spans' and texts' content.
func cellText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		if s, ok := c.(*ast.String); ok && entering {
			b.Write(s.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TestEquivalentCommandIsShellSafe pastes the "equivalent command" that
// init prints into a POSIX shell, with hostile values: it must run nothing
// and give exactly the same options.
func TestEquivalentCommandIsShellSafe(t *testing.T) {
	t.Parallel()
	first := newModule(t, "example.com/svc")
	out := authgen(t, first, append([]string{"init", "--yes", "--no-tidy", "--storage", "memory", "--keys-dir", "my keys", "--alg", "ES256"}, hostileArgs()...)...)
	if out.code != 0 {
		t.Fatalf("init: %s", out.stderr)
	}
	_, after, ok := strings.Cut(out.stdout, "Equivalent command, without prompts:\n  ")
	line, _, _ := strings.Cut(after, "\n")
	if !ok || !strings.HasPrefix(line, "authgen init ") {
		t.Fatalf("no equivalent command in:\n%s", out.stdout)
	}
	second := newModule(t, "example.com/svc")
	cmd := exec.Command("sh", "-c", `authgen() { "$AUTHGEN" "$@" --no-tidy >/dev/null; }; `+line)
	cmd.Dir = second
	cmd.Env = append(os.Environ(), "AUTHGEN_TEST_AS_CLI=1", "AUTHGEN="+authgenBinary())
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the printed command failed in sh: %v\n%s\n%s", err, line, msg)
	}
	for _, dir := range []string{first, second} {
		if _, err := os.Lstat(filepath.Join(dir, "pwned")); err == nil {
			t.Fatalf("the printed command ran a value as a command:\n%s", line)
		}
	}
	if a, b := mustRead(t, filepath.Join(first, "authgen.yaml")), mustRead(t, filepath.Join(second, "authgen.yaml")); !bytes.Equal(a, b) {
		t.Errorf("the printed command gives other options:\n%s\n---\n%s", a, b)
	}
	if keys, _ := filepath.Glob(filepath.Join(second, "my keys", "es256-*.key")); len(keys) != 1 {
		t.Errorf("the printed command wrote keys %v, want one into \"my keys\"", keys)
	}
}

// TestConfigOfALinkIsRefused: generate and check read authgen.yaml and
// go.mod only as regular files.
func TestConfigOfALinkIsRefused(t *testing.T) {
	t.Parallel()
	for _, name := range []string{generator.ConfigFile, "go.mod"} {
		dir := newModule(t, "example.com/svc")
		writeFile(t, filepath.Join(dir, "authgen.yaml"), "version: 1\n")
		real := filepath.Join(t.TempDir(), name)
		os.Rename(filepath.Join(dir, name), real)
		os.Symlink(real, filepath.Join(dir, name))
		for _, args := range [][]string{{"generate", "--no-tidy"}, {"check"}} {
			if out := authgen(t, dir, args...); out.code == 0 || !strings.Contains(out.stderr, "symbolic link") {
				t.Errorf("%s with %s a link: exit %d %s", args[0], name, out.code, out.stderr)
			}
		}
	}
}
