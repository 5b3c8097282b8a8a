package main

// The shared harness of the root package's suites: running the CLI,
// scaffolding and building services (once per distinct source tree), starting
// them on loopback ports, their environment and databases, and the HTTP and
// file helpers the suites have in common. The suite-specific helpers stay with
// their suite (conformance_test.go's suite type, load_test.go's clients).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// outcome is what one authgen run did.
type outcome struct {
	code           int
	stdout, stderr string
}

// authgen runs the CLI (this test binary re-executed, see TestMain) in dir
// with args and no terminal.
func authgen(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	return authgenEnv(t, dir, nil, args...)
}

// authgenEnv is authgen with env added to the environment.
func authgenEnv(t *testing.T, dir string, env []string, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(authgenBinary(), args...)
	cmd.Dir = dir
	// CGO_ENABLED empty is the go command's default: what authgen does
	// without cgo, it must do itself, not inherit from TestMain.
	cmd.Env = append(append(os.Environ(), "AUTHGEN_TEST_AS_CLI=1", "CGO_ENABLED="), env...)
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

// authgenBinary is this test binary, or AUTHGEN_BIN: another build of
// authgen, such as an earlier release's, to show that an attack test fails
// there.
func authgenBinary() string {
	if bin := os.Getenv("AUTHGEN_BIN"); bin != "" {
		return bin
	}
	return os.Args[0]
}

// goCmd runs the go command in dir and fails the test if it fails; it logs
// the last line of the output. The dependencies of the generated services
// are compiled first, once (see warmDependencies).
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	warmDependencies(t)
	cmd := withCgoForRace(exec.Command("go", args...))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	t.Logf("go %s: %s", strings.Join(args, " "), lastLine(out))
}

// withCgoForRace turns cgo back on for a go command that builds under the
// race detector, which needs it (TestMain turns it off for the others).
func withCgoForRace(cmd *exec.Cmd) *exec.Cmd {
	if slices.Contains(cmd.Args, "-race") {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	}
	return cmd
}

// lastLine is the last non-empty line of b.
func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// warm compiles the dependencies of the generated services once per test
// process (see warmDependencies).
var warm sync.Once

// warmDependencies compiles, before any test builds a service and one go
// command at a time, the dependencies of every router and store in the two
// modes the suites build them in (binaries, and tests under -race), and has
// staticcheck analyse them. Go's
// build cache does not stop two go commands from compiling the same package
// at once, and the parallel tests, each building a service on a cold cache,
// compiled modernc's SQLite several times over: four SQLite services built
// at once cost 403 CPU-seconds, one after the other 136. Callers that arrive
// while it runs wait for it; a failure here only costs time, and the test
// that needs the build reports it. make suites asks for it
// (AUTHGEN_TEST_WARM=1); a run of a few tests on a warm cache would only
// wait the 20 seconds it takes then.
func warmDependencies(t *testing.T) {
	if os.Getenv("AUTHGEN_TEST_WARM") != "1" {
		return
	}
	warm.Do(func() {
		began := time.Now()
		dir, err := os.MkdirTemp("", "authgen-warm-")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		// Every router, every store, and echo v4, which a module that
		// requires it gets.
		for _, c := range []combination{
			{framework: "chi", storage: "sqlite"},
			{framework: "echo", storage: "postgres"},
			{framework: "gin", storage: "sqlite"},
			{framework: "nethttp", storage: "postgres"},
			{framework: "echo", storage: "memory", gomod: echoV4Module},
		} {
			svc := filepath.Join(dir, c.name())
			if c.gomod != "" {
				os.MkdirAll(svc, 0o755)
				os.WriteFile(filepath.Join(svc, "go.mod"), []byte(c.gomod), 0o644)
			}
			if r := authgen(t, dir, "new", svc, "--module", "example.com/svc", "--framework", c.framework, "--storage", c.storage, "--password-reset", "--yes"); r.code != 0 {
				t.Logf("warming the dependencies: authgen new %s: %s", c.name(), r.stderr)
				continue
			}
			commands := [][]string{{"go", "build", "-o", os.DevNull, "."}, slices.Concat([]string{"go", "list"}, raceFlags, []string{"-deps", "-test", "-export", "-f", "{{\"\"}}", "./..."})}
			if staticcheck, err := exec.LookPath("staticcheck"); err == nil {
				// Its cache fills the same way: a first SQLite service costs
				// 125 CPU-seconds of analysis.
				commands = append(commands, []string{staticcheck, "./..."})
			}
			for _, args := range commands {
				cmd := withCgoForRace(exec.Command(args[0], args[1:]...))
				cmd.Dir = svc
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Logf("warming the dependencies: %s in %s: %v\n%s", strings.Join(args, " "), c.name(), err, out)
				}
			}
		}
		t.Logf("compiled the dependencies of every router and store in %s", time.Since(began).Round(time.Second))
	})
}

// builds caches service binaries by the digest of their source tree: every
// test scaffolds its own service, but a tree already built in this process
// is not built again. The binaries live in buildDir, which TestMain removes.
var builds struct {
	sync.Mutex
	dir string
	m   map[string]*build
}

// build is one binary of builds; done closes once bin or failure is set.
type build struct {
	done    chan struct{}
	bin     string
	failure string
}

// removeBuilds deletes the cached binaries (TestMain calls it at the end).
func removeBuilds() {
	builds.Lock()
	defer builds.Unlock()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
}

// buildBinary builds the main package of the module in dir, or returns the
// binary already built from an identical tree (same authgen.yaml, go.mod,
// go.sum and sources, byte for byte). A failed build fails every test that
// asks for that tree.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	warmDependencies(t)
	key := treeDigest(t, dir)
	builds.Lock()
	if builds.m == nil {
		d, err := os.MkdirTemp("", "authgen-test-builds-")
		if err != nil {
			builds.Unlock()
			t.Fatal(err)
		}
		builds.dir, builds.m = d, map[string]*build{}
	}
	b, built := builds.m[key]
	if !built {
		b = &build{done: make(chan struct{})}
		builds.m[key] = b
	}
	builds.Unlock()
	if built {
		<-b.done
		if b.failure != "" {
			t.Fatalf("building the service (an identical tree failed to build earlier in this run):\n%s", b.failure)
		}
		t.Logf("go build: reused the binary of an identical tree (%s)", key[:12])
		return b.bin
	}
	defer close(b.done)
	bin := filepath.Join(builds.dir, key+".bin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.failure = fmt.Sprintf("go build in %s: %v\n%s", dir, err, out)
		t.Fatal(b.failure)
	}
	t.Logf("go build -o %s .: ok", filepath.Base(bin))
	b.bin = bin
	return bin
}

// treeDigest is the SHA-256 of every file under dir, with its path.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	for _, rel := range listTree(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// buildService scaffolds the service c with `authgen new` into root/<name>,
// edits its claims.go as its owner would (admins by address), and returns its
// binary (built once per distinct tree, see buildBinary).
func buildService(t *testing.T, root string, c combination) string {
	t.Helper()
	dir := filepath.Join(root, c.name())
	if c.gomod != "" {
		writeFile(t, filepath.Join(dir, "go.mod"), c.gomod)
	}
	args := []string{"new", dir, "--module", "example.com/svc", "--framework", c.framework, "--storage", c.storage, "--yes"}
	if c.alg != "" {
		args = append(args, "--alg", c.alg, "--transport", c.transport)
	}
	if c.fields {
		args = append(args, fieldFlags...)
	}
	if c.transport != "cookie" {
		args = append(args, "--api-tokens") // scripts send them in the header
	}
	args = append(args, "--mfa", "totp", "--password-reset", "--email-verification", "optional")
	r := authgen(t, root, args...)
	if r.code != 0 {
		t.Fatalf("authgen new: %d\n%s", r.code, r.stderr)
	}
	claims := filepath.Join(dir, "internal", "auth", "claims.go")
	src := string(mustRead(t, claims))
	edited := strings.Replace(strings.Replace(src, "\t\"slices\"\n)", "\t\"slices\"\n\t\"strings\"\n)", 1), "return TokenClaims{}, nil", grantAdmins, 1)
	if edited == src {
		t.Fatal("claims.go no longer has the shape this test edits")
	}
	writeFile(t, claims, edited)
	return buildBinary(t, dir)
}

// running is a generated service's binary started on a loopback port.
type running struct {
	base    string
	cmd     *exec.Cmd
	logs    *lockedBuffer
	done    chan struct{} // closed when the process has exited
	err     error         // how it exited, once done is closed
	stopped bool
}

// start launches the binary with env and waits until it listens. A service
// that lost its port to another process before it could bind it is started
// again on another port.
func start(t *testing.T, bin string, env []string) *running {
	t.Helper()
	for attempt := 1; ; attempt++ {
		r := launch(t, bin, env)
		err := r.waitReady()
		if err == nil {
			return r
		}
		if attempt < 3 && r.exited() && strings.Contains(r.logs.String(), "address already in use") {
			t.Logf("port %s was taken before the service bound it; starting it again", strings.TrimPrefix(r.base, "http://127.0.0.1:"))
			continue
		}
		t.Fatalf("%v\n%s", err, r.logs.String())
	}
}

// launch starts the binary on a free loopback port without waiting for it
// to listen; the test's cleanup stops it.
func launch(t *testing.T, bin string, env []string) *running {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin)
	// Every service buildService makes has the second factor on, which needs
	// its key whatever else a test sets; a test's own value comes later and wins.
	cmd.Env = append(append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "AUTH_ENCRYPTION_KEY="+confEncryptionKey), env...)
	r := &running{base: "http://127.0.0.1:" + port, cmd: cmd, logs: new(lockedBuffer), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() { r.stop() })
	return r
}

// stop shuts the service down gracefully (SIGINT) and returns how it exited;
// once stopped, stop returns nil.
func (r *running) stop() error {
	if r.stopped {
		return nil
	}
	r.stopped = true
	r.cmd.Process.Signal(os.Interrupt) // fails harmlessly if it has exited
	<-r.done
	return r.err
}

// exited reports whether the process has ended.
func (r *running) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// waitReady waits up to 20 s for the service to answer HTTP, and returns
// an error at once if it exits first.
func (r *running) waitReady() error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(r.base + "/auth/me"); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-r.done:
			return fmt.Errorf("service exited before it listened: %v", r.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("service did not start listening")
}

// waitReady fails the test unless the launched service comes up.
func waitReady(t *testing.T, r *running) {
	t.Helper()
	if err := r.waitReady(); err != nil {
		t.Fatalf("%v\n%s", err, r.logs.String())
	}
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// handedOut holds every port freePort returned in this process: tests run
// in parallel, and no two of them may be given the same port.
var handedOut struct {
	sync.Mutex
	ports map[string]bool
}

// freePort returns a loopback port that was free a moment ago and that no
// other test of this process has been given.
func freePort(t *testing.T) string {
	t.Helper()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
		handedOut.Lock()
		fresh := !handedOut.ports[port]
		if fresh {
			if handedOut.ports == nil {
				handedOut.ports = map[string]bool{}
			}
			handedOut.ports[port] = true
		}
		handedOut.Unlock()
		l.Close()
		if fresh {
			return port
		}
	}
}

// serviceEnv is the environment of a generated service under test: both
// stores' settings, each store reading its own. name names the PostgreSQL
// database (testDatabase); it must be unique in the run.
func serviceEnv(t *testing.T, name, storage string) []string {
	env := []string{"AUTH_JWT_SECRET=" + confSecret, "AUTH_ISSUER=" + confIssuer, "AUTH_AUDIENCE=" + confAudience,
		"AUTH_DATABASE_PATH=" + filepath.Join(t.TempDir(), "auth.db"),

		// The suites register many accounts from one loopback address; the
		// generated tests check the registration throttle itself.
		"AUTH_REGISTER_FREE_ATTEMPTS=1000000"}
	if storage == "postgres" {
		env = append(env, "AUTH_DATABASE_URL="+testDatabase(t, name))
	}
	return append(env, mailEnv(t)...)
}

// mailEnv is the mail settings of a service under test: it writes its mail
// as .eml files unless the test gives it an SMTP server (mailpit.env).
func mailEnv(t *testing.T) []string {
	return []string{"AUTH_APP_URL=https://app.example.test", "AUTH_MAIL_FROM=Conformance <no-reply@example.test>", "AUTH_MAIL_DIR=" + t.TempDir()}
}

// testDatabase creates an empty database for one test on the server at
// AUTH_TEST_DATABASE_URL and returns its URL. Without that server the test
// fails: make test starts one (.ci/postgres), and a PostgreSQL test that
// quietly skips would prove nothing.
func testDatabase(t *testing.T, name string) string {
	t.Helper()
	admin := os.Getenv("AUTH_TEST_DATABASE_URL")
	if admin == "" {
		t.Fatal("AUTH_TEST_DATABASE_URL is not set: run the tests with make test, which starts PostgreSQL (.ci/postgres)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	db := pgx.Identifier{strings.ReplaceAll(name, "-", "_")}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + strings.Trim(db, `"`)
	return u.String()
}

// request performs one HTTP request with an optional JSON body and bearer
// token, and returns the status and body.
func request(t *testing.T, method, url, body, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// jsonField returns the string field key of a JSON object body.
func jsonField(body, key string) string {
	var v map[string]any
	json.Unmarshal([]byte(body), &v)
	s, _ := v[key].(string)
	return s
}

// session is a token pair.
type session struct{ access, refresh string }

// login logs ada@example.com in with confPassword and returns her tokens.
func login(t *testing.T, base string) session {
	t.Helper()
	code, body := request(t, "POST", base+"/auth/login", `{"email":"ada@example.com","password":"`+confPassword+`"}`, "")
	if code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	return session{jsonField(body, "access_token"), jsonField(body, "refresh_token")}
}

// runWalkthrough runs each shell block of AUTH.md that sets BASE (the
// session's, and an option's, such as the second factor's), in order, with
// BASE pointing at a running service and env added to the environment, and
// returns their output.
func runWalkthrough(t *testing.T, authMD, base string, env ...string) string {
	t.Helper()
	doc, err := os.ReadFile(authMD)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, block := range strings.Split(string(doc), "```sh\n")[1:] {
		script, _, _ := strings.Cut(block, "```")
		if !strings.HasPrefix(script, "BASE=") {
			continue
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Env = append(append(os.Environ(), env...), "BASE="+base)
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("AUTH.md walk-through failed: %v\n%s", err, got)
		}
		out = append(out, got...)
	}
	if out == nil {
		t.Fatal("AUTH.md has no walk-through block")
	}
	return string(out)
}

// newModule makes an empty Go module in a temp dir.
func newModule(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module "+path+"\n\ngo 1.26\n")
	return dir
}

// writeFile writes data to path, making its directory.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustRead returns the contents of path.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
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

// mtimes maps every file under dir to its modification time.
func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, rel := range listTree(t, dir) {
		fi, err := os.Stat(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = fi.ModTime()
	}
	return out
}

// mailDirOf is the AUTH_MAIL_DIR=... entry of env, for a walk-through that
// reads the mail the service wrote.
func mailDirOf(env []string) string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "AUTH_MAIL_DIR=") {
			return kv
		}
	}
	return ""
}
