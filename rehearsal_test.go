package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// The release rehearsal: authgen as its users get it, a published module,
// upgraded the way they upgrade it. A file:// module proxy holds
// github.com/authgen/authgen and its runtime at two versions: the last
// release that landed (previousRelease, from git) and this tree. A service is
// made with `go run github.com/authgen/authgen@v0.1.0 new`, with no replace
// directive anywhere, and holds a user and a session; then `go get -tool` and
// `go generate` move it to this tree's authgen, a new user field migrates its
// database forward, and the old user, password and refresh token still work.
// make release-rehearsal runs it alone; make test runs it with the rest.

// previousRelease is the commit of main that landed last before the second
// wave's ownership work: what services in the field were generated with.
const previousRelease = "d414dc346fd003fc12ff6cf9b007f7463b7b6d11"

func TestReleaseRehearsal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authgen from a module proxy and upgrades a service; skipped with -short")
	}
	t.Parallel()
	work := t.TempDir()
	checkout, _ := filepath.Abs(".")
	proxy := filepath.Join(work, "proxy")
	old := publish(t, proxy, "v0.1.0", releaseTree(t, checkout, filepath.Join(work, "old")))
	// This tree's version is named by its content: the module cache keeps
	// what a version once held, and must not serve an earlier tree's bytes.
	current := copyTree(t, checkout, filepath.Join(work, "new"))
	// (One identifier, "rehearsal-<hex>": a numeric one may not start with 0.)
	next := publish(t, proxy, "v0.2.0-rehearsal-"+current.digest[:12], current.dir)
	upstream := strings.TrimSpace(goOutput(t, work, nil, "env", "GOPROXY"))
	env := []string{"GOPROXY=file://" + filepath.ToSlash(proxy) + "," + upstream, "GONOSUMDB=github.com/authgen/authgen", "GOFLAGS=-mod=mod", "GOWORK=off", "AUTHGEN_SOURCE="}
	gorun := func(dir string, args ...string) string {
		t.Helper()
		out := goOutput(t, dir, env, args...)
		t.Logf("$ go %s\n%s", strings.Join(args, " "), indent(out))
		return out
	}

	// v0.1.0 scaffolds a service, which holds a user and a session.
	gorun(work, "run", "github.com/authgen/authgen@"+old, "new", "svc", "--module", "example.com/svc", "--framework", "chi", "--storage", "sqlite", "--yes")
	svc := filepath.Join(work, "svc")
	wantModule(t, svc, old)
	migrations := filepath.Join(svc, "internal", "auth", "migrations", "sqlite")
	before := readDir(t, migrations)
	// Built and run, not tested: its tests are the previous release's, which
	// passed when it landed; the upgraded module's are run below.
	gorun(svc, "build", "-o", filepath.Join(work, "svc-old"), ".")
	serve := append(serviceEnv(t, "rehearsal", "sqlite"), "AUTH_DATABASE_PATH="+filepath.Join(work, "auth.db"))
	running := start(t, filepath.Join(work, "svc-old"), serve)
	if code, body := request(t, "POST", running.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register on %s: %d %s", old, code, body)
	}
	session := login(t, running.base)
	running.stop()

	// Upgrade: the tool, then the generated code from the same authgen.yaml.
	gorun(svc, "get", "-tool", "github.com/authgen/authgen@"+next)
	gorun(svc, "generate", "./...")
	wantModule(t, svc, next)
	now := readDir(t, migrations)
	for name, data := range before {
		if now[name] != data {
			t.Errorf("the upgrade changed migration %s", name)
		}
	}
	// The release needs schema (step-up's refresh_tokens.auth_time): its
	// one migration, beside the old ones.
	if len(now) != len(before)+2 || now["0004_refresh_tokens_auth_time.up.sql"] == "" {
		t.Errorf("the upgrade added %d migration files, want 0004_refresh_tokens_auth_time's two", len(now)-len(before))
	}
	// A feature of the new release that needs schema: a user field.
	appendFile(t, filepath.Join(svc, "authgen.yaml"), "\nuser_fields:\n  - name: nickname\n    type: string\n    max_length: 32\n")
	gorun(svc, "generate", "./...")
	if got := readDir(t, migrations); len(got) != len(now)+2 || got["0005_users_nickname.up.sql"] == "" {
		t.Errorf("the user field added %d migration files, want 0005_users_nickname's two", len(got)-len(now))
	}
	gorun(svc, "tool", "authgen", "check")
	gorun(svc, "build", "-o", filepath.Join(work, "svc-new"), ".")
	gorun(svc, "test", "-count=1", "./...")

	// The new build migrates the database and serves what the old one left.
	running = start(t, filepath.Join(work, "svc-new"), serve)
	login(t, running.base)
	session = refreshSession(t, running.base, session)
	code, me := request(t, "GET", running.base+"/auth/me", "", session.access)
	if code != 200 || jsonField(me, "email") != "ada@example.com" || !strings.Contains(me, `"nickname":null`) {
		t.Errorf("/auth/me of the old user after the upgrade: %d %s", code, me)
	}
	grace := `{"email":"grace@example.com","password":"` + confPassword + `","nickname":"Amazing Grace"}`
	if code, body := request(t, "POST", running.base+"/auth/register", grace, ""); code != 201 || jsonField(body, "nickname") != "Amazing Grace" {
		t.Errorf("register with the new field: %d %s", code, body)
	}
	t.Logf("%s: the user and the refresh token of %s log in and refresh after the upgrade and its migration", next, old)
}

// publish writes the root module of dir and its runtime module at version
// into the module proxy at proxy, in the layout GOPROXY=file:// reads, and
// returns version.
func publish(t *testing.T, proxy, version, dir string) string {
	t.Helper()
	for _, m := range []struct{ path, dir string }{
		{"github.com/authgen/authgen", dir},
		{"github.com/authgen/authgen/runtime", filepath.Join(dir, "runtime")},
	} {
		at := filepath.Join(proxy, filepath.FromSlash(m.path), "@v")
		if err := os.MkdirAll(at, 0o755); err != nil {
			t.Fatal(err)
		}
		var zip bytes.Buffer
		if err := modzip.CreateFromDir(&zip, module.Version{Path: m.path, Version: version}, m.dir); err != nil {
			t.Fatalf("zip %s@%s: %v", m.path, version, err)
		}
		writeFile(t, filepath.Join(at, version+".zip"), zip.String())
		writeFile(t, filepath.Join(at, version+".mod"), string(mustRead(t, filepath.Join(m.dir, "go.mod"))))
		writeFile(t, filepath.Join(at, version+".info"), fmt.Sprintf(`{"Version":%q,"Time":"2026-12-01T00:00:00Z"}`, version))
		list := filepath.Join(at, "list")
		data, _ := os.ReadFile(list)
		writeFile(t, list, string(data)+version+"\n")
	}
	return version
}

// releaseTree extracts the previous release from the repository's history
// into dir.
func releaseTree(t *testing.T, checkout, dir string) string {
	t.Helper()
	if err := exec.Command("git", "-C", checkout, "cat-file", "-e", previousRelease+"^{commit}").Run(); err != nil {
		t.Fatalf("the repository lacks the previous release %s: the rehearsal needs main's history (git fetch --unshallow)", previousRelease[:12])
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	archive := exec.Command("git", "-C", checkout, "archive", "--format=tar", previousRelease)
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	archive.Stderr = &stderr
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", previousRelease[:12], err, stderr.String())
	}
	if err := untar.Wait(); err != nil {
		t.Fatalf("extracting %s: %v", previousRelease[:12], err)
	}
	return dir
}

// tree is a copy of a checkout's files and the digest of their contents.
type tree struct{ dir, digest string }

// copyTree copies the files of the checkout that git tracks or would track
// (what a release of it would hold, uncommitted changes included, build
// output not) into dir.
func copyTree(t *testing.T, checkout, dir string) tree {
	t.Helper()
	out, err := exec.Command("git", "-C", checkout, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	h := sha256.New()
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(checkout, rel)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(data))
		h.Write(data)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return tree{dir, hex.EncodeToString(h.Sum(nil))}
}

// wantModule fails unless the service's go.mod requires authgen and its
// runtime at version and replaces nothing.
func wantModule(t *testing.T, svc, version string) {
	t.Helper()
	gomod := string(mustRead(t, filepath.Join(svc, "go.mod")))
	for _, want := range []string{"github.com/authgen/authgen " + version, "github.com/authgen/authgen/runtime " + version, "tool github.com/authgen/authgen"} {
		if !strings.Contains(gomod, want) {
			t.Errorf("go.mod does not require %s:\n%s", want, gomod)
		}
	}
	if strings.Contains(gomod, "replace") {
		t.Errorf("go.mod replaces a module:\n%s", gomod)
	}
}

// goOutput runs the go command in dir with env added and returns its
// combined output, failing the test if it fails.
func goOutput(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	warmDependencies(t)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out.String())
	}
	return out.String()
}

// indent prefixes each line of s for a transcript.
func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}
