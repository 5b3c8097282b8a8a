package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

// TestInteractiveInit drives one whole `authgen init` through a real
// pseudo-terminal: every question, a wrong answer corrected, colour in the
// summary, and the equivalent command at the end.
//
// The pseudo-terminal tests are not parallel: they wait on what survey
// draws, with timeouts, and take a second or two alone.
func TestInteractiveInit(t *testing.T) {
	mod := newModule(t, "example.com/svc")

	c, done := startInPTY(t, mod, "init", "--no-tidy")

	steps := []struct{ prompt, answer string }{
		{"Router:", "chi\r"},                        // type to filter, Enter to pick
		{"Storage:", "memory\r"},                    //
		{"Users log in with:", "\r"},                // default: email
		{"Signing algorithm:", "ES256\r"},           //
		{"Clients send tokens in:", "cookie\r"},     //
		{"Secure cookies (HTTPS only)?", "false\r"}, // asked only for cookies
		{"Cookies' SameSite:", "lax\r"},             // likewise
		{"Access-token lifetime:", "10m\r"},         // replaces the default 15m
		{"Refresh-token lifetime:", "\r"},           // default 720h
		// no scheme question: a cookie-only service reads no header
		{"Token issuer (iss):", "\r"},                           // default: the module path
		{"Token audience (aud):", "billing\r"},                  //
		{"Route prefix:", "auth/\r"},                            // invalid: survey says why and asks again
		{"must look like /auth", "\x7f\x7f\x7f\x7f\x7f/auth\r"}, // erase and retype
		{"Paths a global Require lets through", "/healthz,public\r"},
		{"must be a path such as /healthz", strings.Repeat("\x7f", 15) + "/healthz,/public/*\r"},
		{"Package directory:", "\r"},                             // default internal/auth
		{"Write a new ES256 key pair into", "\r"},                // asked only for key pairs; default keys
		{"\x1b[32mcreated  \x1b[0m internal/auth/routes.go", ""}, // colour on a terminal
		{"Equivalent command, without prompts:", ""},
		{"authgen init --framework chi --storage memory --identity email --alg ES256 --transport cookie", ""},
		{"--cookie-secure=false --cookie-samesite lax --access-ttl 10m", ""},
		{"--exclude-path '/public/*' --pkg internal/auth --keys-dir keys", ""},
		{"The service's key: AUTH_JWT_PRIVATE_KEY_FILE=keys/es256-", ""},
	}
	for _, s := range steps {
		if out, err := c.ExpectString(s.prompt); err != nil {
			t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", s.prompt, err, out)
		}
		if s.answer != "" {
			c.Send(s.answer)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("init exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("init did not exit")
	}

	cfg, err := os.ReadFile(filepath.Join(mod, "authgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prefix: /auth", "storage: memory", "identity: email", "algorithm: ES256", "transport: cookie", "cookie_secure: false", "cookie_samesite: lax", "exclude_paths: [/healthz, /public/*]", "access_ttl: 10m", "refresh_ttl: 720h", `issuer: "example.com/svc"`, `audience: "billing"`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("authgen.yaml lacks %q:\n%s", want, cfg)
		}
	}
	if _, err := os.Stat(filepath.Join(mod, "internal/auth/store_memory.go")); err != nil {
		t.Errorf("the chosen store was not generated: %v", err)
	}
	if keys, _ := filepath.Glob(filepath.Join(mod, "keys", "es256-*.key")); len(keys) != 1 {
		t.Errorf("the key pair was not written into keys/: %v", keys)
	}
}

// startInPTY runs the CLI in dir on a real pseudo-terminal, the way survey
// tests itself: a vt10x terminal renders what the prompts draw, and the
// returned console answers them. done yields the exit error.
func startInPTY(t *testing.T, dir string, args ...string) (*expect.Console, <-chan error) {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term), expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	pty.Setsize(c.Tty(), &pty.Winsize{Rows: 40, Cols: 160})

	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	// CI sets CI=true, which turns prompts off; these tests want them, and
	// colour, which NO_COLOR would turn off.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "CI=") || strings.HasPrefix(kv, "NO_COLOR=")
	}), "AUTHGEN_TEST_AS_CLI=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return c, done
}

// TestInteractiveCtrlCAborts presses Ctrl-C at a prompt: authgen stops,
// says so, exits 1 and writes nothing.
func TestInteractiveCtrlCAborts(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	before := listTree(t, mod)
	c, done := startInPTY(t, mod, "init", "--no-tidy")
	if _, err := c.ExpectString("Router:"); err != nil {
		t.Fatal(err)
	}
	// survey draws the question before it switches the terminal to raw mode;
	// a key it redraws for proves the switch, so Ctrl-C then reaches it.
	c.Send("\x1b[B")
	if out, err := c.ExpectString("> chi"); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	c.Send("\x03")
	if _, err := c.ExpectString("aborted: nothing was written"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("exit: %v, want status 1", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("authgen did not exit after Ctrl-C")
	}
	if after := listTree(t, mod); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("files changed after Ctrl-C: %v -> %v", before, after)
	}
}
