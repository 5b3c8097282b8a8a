package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The CLI is tested through this test binary re-executed as authgen, as
// x/tools' stringer tests itself: no separate build, same coverage.
func TestMain(m *testing.M) {
	if os.Getenv("AUTHGEN_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// outcome is what one authgen run did.
type outcome struct {
	code           int
	stdout, stderr string
}

// authgen runs the CLI in dir with args and no terminal.
func authgen(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	return authgenEnv(t, dir, nil, args...)
}

// authgenEnv is authgen with env added to the environment.
func authgenEnv(t *testing.T, dir string, env []string, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(authgenBinary(), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "AUTHGEN_TEST_AS_CLI=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return outcome{code, stdout.String(), stderr.String()}
}

// authgenBinary is this test binary, or AUTHGEN_BIN: a build of an earlier
// release, to show that an attack test fails there.
func authgenBinary() string {
	if bin := os.Getenv("AUTHGEN_BIN"); bin != "" {
		return bin
	}
	return os.Args[0]
}

// newModule makes an empty Go module in a temp dir.
func newModule(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module "+path+"\n\ngo 1.26\n")
	return dir
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listTree returns every file under dir, relative and sorted.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func TestBadInputIsAUsageErrorAndWritesNothing(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	notModule := t.TempDir()
	empty := t.TempDir()
	newDir := filepath.Join(empty, "svc")
	cases := []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"unknown framework", empty, []string{"new", newDir, "--framework", "rails", "--yes"}, `unknown framework "rails": use one of chi, echo, gin, nethttp`},
		{"TTL that does not parse", empty, []string{"new", newDir, "--access-ttl", "soon", "--yes"}, `--access-ttl: "soon" is not a duration`},
		{"refresh shorter than access", empty, []string{"new", newDir, "--access-ttl", "1h", "--refresh-ttl", "30m", "--yes"}, "refresh TTL 30m must be longer than the access TTL 1h"},
		{"package outside the module", mod, []string{"init", "--pkg", "../outside", "--yes"}, `package dir "../outside" must be a relative path inside the module`},
		{"not a Go module", notModule, []string{"init", "--yes"}, "no go.mod found"},
		{"new without a directory", empty, []string{"new", "--yes"}, "new needs exactly one DIR"},
		{"unknown flag", empty, []string{"new", newDir, "--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{"generate without authgen.yaml", mod, []string{"generate"}, "no authgen.yaml"},
		{"check without authgen.yaml", mod, []string{"check"}, "no authgen.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := listTree(t, c.dir)
			r := authgen(t, c.dir, c.args...)
			if r.code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, c.want)
			}
			if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; lines > 2 {
				t.Errorf("error is %d lines, want one (and at most a hint):\n%s", lines, r.stderr)
			}
			if after := listTree(t, c.dir); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("files changed: before %v, after %v", before, after)
			}
		})
	}
}

func TestConfigErrorsNameTheLine(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	writeFile(t, filepath.Join(mod, "authgen.yaml"), "version: 1\nframework: chi\nstorage: sqlite\nstorag: memory\n")
	r := authgen(t, mod, "generate")
	if r.code != 2 || !strings.Contains(r.stderr, "authgen.yaml: line 4: field storag not found") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(mod, "internal")); !os.IsNotExist(err) {
		t.Error("files were written")
	}
}

func TestVersion(t *testing.T) {
	r := authgen(t, ".", "version")
	if r.code != 0 || !strings.Contains(r.stdout, "authgen (devel)") || !strings.Contains(r.stdout, "runtime github.com/authgen/authgen/runtime") || !strings.Contains(r.stdout, "go      go1.") {
		t.Fatalf("version: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestInitRefusesForeignPackage(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	writeFile(t, filepath.Join(mod, "internal/auth/auth.go"), "package auth\n")
	r := authgen(t, mod, "init", "--yes", "--no-tidy")
	if r.code != 2 || !strings.Contains(r.stderr, "internal/auth already exists and was not generated by authgen") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := authgen(t, mod, "init", "--yes", "--no-tidy", "--pkg", "internal/login"); r.code != 0 {
		t.Fatalf("--pkg elsewhere: exit %d %s", r.code, r.stderr)
	}
}

// TestRegenerateRunsNoTool holds generate and check to their fast path: with
// no go command on the PATH (so no go mod tidy, no go/packages, no module
// cache scan) they still rewrite a deleted file and report drift.
func TestRegenerateRunsNoTool(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	if r := authgen(t, mod, "init", "--yes", "--no-tidy", "--framework", "gin", "--storage", "sqlite"); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	noTools := []string{"PATH=" + t.TempDir(), "GOFLAGS=-mod=mod", "GOPROXY=off"}
	os.Remove(filepath.Join(mod, "internal/auth/routes.go"))
	if r := authgenEnv(t, mod, noTools, "check"); r.code != 1 || !strings.Contains(r.stderr, "routes.go (missing)") {
		t.Fatalf("check without tools: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := authgenEnv(t, mod, noTools, "generate"); r.code != 0 || !strings.Contains(r.stdout, "internal/auth/routes.go") {
		t.Fatalf("generate without tools: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := authgenEnv(t, mod, noTools, "check"); r.code != 0 {
		t.Fatalf("check after generate: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestGenerateCheckAndEdits(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	if r := authgen(t, mod, "init", "--yes", "--no-tidy", "--framework", "chi", "--storage", "memory"); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	if r := authgen(t, mod, "check"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("check after init: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r := authgen(t, mod, "generate", "--no-tidy")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("second generate should change nothing: %d %q %q", r.code, r.stdout, r.stderr)
	}

	routes := filepath.Join(mod, "internal/auth/routes.go")
	data, _ := os.ReadFile(routes)
	os.WriteFile(routes, append(data, "// my change\n"...), 0o644)
	r = authgen(t, mod, "check")
	if r.code != 1 || !strings.Contains(r.stdout, "--- a/internal/auth/routes.go") || !strings.Contains(r.stdout, "-// my change") || !strings.Contains(r.stderr, "internal/auth/routes.go (edited)") {
		t.Fatalf("check after an edit: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = authgen(t, mod, "generate", "--no-tidy")
	if r.code != 1 || !strings.Contains(r.stderr, "internal/auth/routes.go was edited by hand") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("generate over an edit: %d %s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(routes); !bytes.HasSuffix(got, []byte("// my change\n")) {
		t.Fatal("generate clobbered the edit")
	}
	if r := authgen(t, mod, "generate", "--no-tidy", "--force"); r.code != 0 {
		t.Fatalf("generate --force: %d %s", r.code, r.stderr)
	}

	// Switching storage removes the old store's files, and --dry-run shows it first.
	cfg := filepath.Join(mod, "authgen.yaml")
	data, _ = os.ReadFile(cfg)
	os.WriteFile(cfg, bytes.Replace(data, []byte("storage: memory"), []byte("storage: sqlite"), 1), 0o644)
	r = authgen(t, mod, "generate", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "removed   internal/auth/store_memory.go") || !strings.Contains(r.stdout, "created   internal/auth/store_sqlite.go") {
		t.Fatalf("dry run: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(mod, "internal/auth/store_sqlite.go")); !os.IsNotExist(err) {
		t.Fatal("--dry-run wrote a file")
	}
	if r := authgen(t, mod, "generate", "--no-tidy"); r.code != 0 {
		t.Fatalf("generate: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(mod, "internal/auth/store_memory.go")); !os.IsNotExist(err) {
		t.Error("the memory store survived the switch to sqlite")
	}
	if r := authgen(t, mod, "check"); r.code != 0 {
		t.Errorf("check after the switch: %d %s", r.code, r.stdout)
	}
}
