package main

import (
	"bytes"
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

	"github.com/authgen/authgen/generator"
)

// The interview through a real pseudo-terminal, as a user meets it. The
// pseudo-terminal parts are not parallel: they wait on what survey draws,
// with timeouts, and take a second or two alone.

// TestInteractiveThreeAnswers is the short path: Enter at the router, the
// storage and the features writes a service that passes its own tests, and
// the equivalent command has nothing to add but --yes.
func TestInteractiveThreeAnswers(t *testing.T) {
	root := t.TempDir()
	c, term, done := startInPTY(t, root, "new", "svc", "--module", "example.com/svc")
	for _, prompt := range []string{"Router:", "Storage:", "Features (space to choose, Enter when done):"} {
		if out, err := c.ExpectString(prompt); err != nil {
			t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", prompt, err, out)
		}
		c.Send("\r")
	}
	for _, want := range []string{"authgen: done. Equivalent command, without prompts:", "authgen new svc --module example.com/svc --yes", "go run ."} {
		if out, err := c.ExpectString(want); err != nil {
			t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", want, err, out)
		}
	}
	waitExit(t, done)
	t.Logf("the screen:\n%s", screen(term))

	svc := filepath.Join(root, "svc")
	cfg := string(mustRead(t, filepath.Join(svc, "authgen.yaml")))
	for _, want := range []string{"framework: nethttp", "storage: sqlite", "identity: email", "algorithm: HS256", "login_throttle: instance", "duplicate_registration: conflict"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("authgen.yaml lacks the default %q:\n%s", want, cfg)
		}
	}
	t.Parallel() // the terminal is done with; the build waits for no prompt
	goCmd(t, svc, "test", "-count=1", "./...")
}

// TestInteractiveFeatures chooses two features in the list: each turns
// into its authgen.yaml key, and the equivalent command carries them.
func TestInteractiveFeatures(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	c, _, done := startInPTY(t, mod, "init", "--no-tidy")
	steps := []struct{ prompt, answer string }{
		{"Router:", "chi\r"},
		{"Storage:", "postgres\r"},
		// Browser sessions, Login throttle, Sign-up, Personal access
		// tokens, Adjust: choose the second, third and fourth.
		{"Features (space to choose, Enter when done):", down + " " + down + " " + down + " \r"},
		{"Equivalent command, without prompts:", ""},
		{"authgen init --framework chi --storage postgres --login-throttle store --duplicate-registration accepted --api-tokens=true --no-tidy --yes", ""},
	}
	answer(t, c, steps)
	waitExit(t, done)
	cfg := string(mustRead(t, filepath.Join(mod, "authgen.yaml")))
	for _, want := range []string{"login_throttle: store", "duplicate_registration: accepted", "transport: header", "api_tokens: true"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("authgen.yaml lacks %q:\n%s", want, cfg)
		}
	}
}

// TestInteractiveInit opens the adjustments from the feature list and
// answers every question they ask for a cookie service with a key pair: a
// wrong answer corrected, colour in the summary, and an equivalent command
// of what differs from the defaults.
func TestInteractiveInit(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	writeFile(t, filepath.Join(mod, "internal/login/login.go"), "package login\n")
	c, _, done := startInPTY(t, mod, "init", "--no-tidy")
	steps := []struct{ prompt, answer string }{
		{"Router:", "chi\r"},     // type to filter, Enter to pick
		{"Storage:", "memory\r"}, //
		// memory: no shared login throttle on offer. Browser sessions, then
		// Adjust, six lines below (Sign-up, Personal access tokens, Second
		// factor, Email verification, Password reset).
		{"Sign-up that tells no one who has an account", " " + strings.Repeat(down, 6) + " \r"},
		{"Users log in with:", "\r"},                           // default: email
		{"Signing algorithm:", "ES256\r"},                      //
		{"Clients send tokens in:", "cookie\r"},                // the feature chose both; cookie only
		{"Secure cookies (HTTPS only)?", "false\r"},            // asked only for cookies
		{"Cookies' SameSite:", "lax\r"},                        // likewise
		{"Access-token lifetime:", "30s\r"},                    // out of range: asked again
		{"is out of range", "\x7f\x7f\x7f10m\r"},               // replaces the default 15m
		{"Refresh-token lifetime:", "\r"},                      // default 720h
		{"Longest session:", "\r"},                             // default 2160h
		{"Recent authentication for sensitive actions:", "\r"}, // default 10m
		// no scheme question: a cookie-only service reads no header
		{"Token issuer (iss):", "\r"},                           // default: the module path
		{"Token audience (aud):", "billing\r"},                  //
		{"Route prefix:", "auth/\r"},                            // invalid: survey says why and asks again
		{"must look like /auth", "\x7f\x7f\x7f\x7f\x7f/auth\r"}, // erase and retype
		{"Paths a global Require lets through", "/healthz,public\r"},
		{"must be a path such as /healthz", strings.Repeat("\x7f", 15) + "/healthz,/public/*\r"},
		{"Package directory:", "internal/login\r"}, // a package of the owner's
		{"was not generated by authgen", strings.Repeat("\x7f", 14) + "\r"},
		{"Password hashing:", "\r"},
		{"Failed logins are counted:", "\r"},
		{"Header a trusted proxy sets", "\r"},
		{"Registering an existing identity answers:", "\r"},
		{"Access tokens of a revoked session are:", "\r"},  // default strict
		{"Second factor (TOTP authenticator apps):", "\r"}, // default off
		{"Email verification:", "\r"},                      // default off
		{"Password reset by mail?", "\r"},                  // default false
		{"User fields (comma-separated, may be empty):", "display_name:string:required:max_length=64\r"},
		{"Write a new ES256 key pair into", "../out\r"},                             // asked only for key pairs
		{"must be a directory inside the module", strings.Repeat("\x7f", 6) + "\r"}, // default keys
		{"\x1b[32mcreated  \x1b[0m internal/auth/routes.go", ""},                    // colour on a terminal
		{"Equivalent command, without prompts:", ""},
		{"authgen init --framework chi --storage memory --alg ES256 --transport cookie --cookie-secure=false --cookie-samesite lax", ""},
		{"--access-ttl 10m --audience billing --exclude-path /healthz --exclude-path '/public/*'", ""},
		{"--user-field display_name:string:required:max_length=64 --no-tidy --keys-dir keys --yes", ""},
		{"The service's key: AUTH_JWT_PRIVATE_KEY_FILE=keys/es256-", ""},
	}
	answer(t, c, steps)
	waitExit(t, done)

	cfg := string(mustRead(t, filepath.Join(mod, "authgen.yaml")))
	for _, want := range []string{"prefix: /auth", "storage: memory", "identity: email", "algorithm: ES256", "transport: cookie", "cookie_secure: false", "cookie_samesite: lax", "exclude_paths: [/healthz, /public/*]", "access_ttl: 10m", "refresh_ttl: 720h", "session_check: strict", `issuer: "example.com/svc"`, `audience: "billing"`, "name: display_name"} {
		if !strings.Contains(cfg, want) {
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

// TestInteractiveSecondInit answers a second init on a terminal, setting
// two options back to their defaults: the equivalent command, pasted into
// sh in a copy of the module as it was, writes the same authgen.yaml,
// because it says what differs from that module's authgen.yaml and repeats
// the other flags given (here --no-tidy).
func TestInteractiveSecondInit(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	if r := authgen(t, mod, "init", "--yes", "--no-tidy", "--framework", "chi", "--storage", "memory", "--transport", "both", "--duplicate-registration", "accepted", "--prefix", "/api/auth"); r.code != 0 {
		t.Fatalf("first init: %s", r.stderr)
	}
	copyOf := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copyOf, os.DirFS(mod)); err != nil {
		t.Fatal(err)
	}
	c, _, done := startInPTY(t, mod, "init", "--no-tidy")
	steps := []struct{ prompt, answer string }{
		{"Router:", "\r"},
		{"Storage:", "\r"},
		// Both features come chosen from authgen.yaml: leave both out.
		{"Adjust token and route settings", " " + down + " \r"},
		{"authgen init --transport header --duplicate-registration conflict --no-tidy --yes", ""},
	}
	answer(t, c, steps)
	waitExit(t, done)
	want := mustRead(t, filepath.Join(mod, "authgen.yaml"))
	if !bytes.Contains(want, []byte("transport: header")) || !bytes.Contains(want, []byte("prefix: /api/auth")) {
		t.Fatalf("the second init wrote:\n%s", want)
	}
	cmd := exec.Command("sh", "-c", `authgen() { "$AUTHGEN" "$@"; }; authgen init --transport header --duplicate-registration conflict --no-tidy --yes`)
	cmd.Dir = copyOf
	cmd.Env = append(os.Environ(), "AUTHGEN_TEST_AS_CLI=1", "AUTHGEN="+authgenBinary())
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the printed command: %v\n%s", err, msg)
	}
	if got := mustRead(t, filepath.Join(copyOf, "authgen.yaml")); !bytes.Equal(got, want) {
		t.Errorf("the printed command wrote another authgen.yaml:\n%s\n--- the interview's:\n%s", got, want)
	}
}

// TestInteractiveBadFlagFailsFirst: a wrong flag is a usage error before
// the first question, not after the whole interview.
func TestInteractiveBadFlagFailsFirst(t *testing.T) {
	mod := newModule(t, "example.com/svc")
	c, _, done := startInPTY(t, mod, "init", "--no-tidy", "--access-ttl", "1s")
	out, err := c.ExpectString("access TTL 1s is out of range")
	if err != nil || strings.Contains(out, "Router:") {
		t.Fatalf("%v: %q", err, out)
	}
	wantExit(t, done, 2)
}

// TestEveryOptionIsReachable: each option of the table has a flag and a
// question, in the interview's first group or in the adjustments.
func TestEveryOptionIsReachable(t *testing.T) {
	flags := map[string]bool{}
	for _, f := range optionFlags() {
		flags[f.Names()[0]] = true
	}
	for _, opt := range generator.OptionTable() {
		if !flags[opt.Flag] {
			t.Errorf("%s: no flag --%s", opt.Key, opt.Flag)
		}
		if opt.Question == "" {
			t.Errorf("%s: the interview never asks it", opt.Key)
		}
		if opt.Group != generator.Where && opt.Group != generator.Adjust {
			t.Errorf("%s: group %d is none the interview asks", opt.Key, opt.Group)
		}
	}
}

// down is the arrow key that moves survey's cursor one line down.
const down = "\x1b[B"

// answer waits for each prompt in turn and sends its answer.
func answer(t *testing.T, c *expect.Console, steps []struct{ prompt, answer string }) {
	t.Helper()
	for _, s := range steps {
		if out, err := c.ExpectString(s.prompt); err != nil {
			t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", s.prompt, err, out)
		}
		if s.answer != "" {
			c.Send(s.answer)
		}
	}
}

// waitExit waits for the CLI to exit, and fails unless it succeeded.
func waitExit(t *testing.T, done <-chan error) {
	t.Helper()
	wantExit(t, done, 0)
}

// wantExit waits for the CLI to exit, and fails unless with status code.
func wantExit(t *testing.T, done <-chan error, code int) {
	t.Helper()
	select {
	case err := <-done:
		got := 0
		if ee, ok := err.(*exec.ExitError); ok {
			got = ee.ExitCode()
		} else if err != nil {
			got = -1
		}
		if got != code {
			t.Fatalf("authgen exited with %v, want status %d", err, code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("authgen did not exit")
	}
}

// screen is what the terminal shows, without trailing blanks.
func screen(term vt10x.Terminal) string {
	lines := strings.Split(term.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// startInPTY runs the CLI in dir on a real pseudo-terminal, the way survey
// tests itself: a vt10x terminal renders what the prompts draw, and the
// returned console answers them. done yields the exit error.
func startInPTY(t *testing.T, dir string, args ...string) (*expect.Console, vt10x.Terminal, <-chan error) {
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
	// Rows for a whole transcript: TestInteractiveThreeAnswers logs it.
	term.Resize(160, 60)
	pty.Setsize(c.Tty(), &pty.Winsize{Rows: 60, Cols: 160})

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
	return c, term, done
}

// TestInteractiveCtrlCAborts presses Ctrl-C in each group of the
// interview: authgen stops, says so, exits 1 and writes nothing.
func TestInteractiveCtrlCAborts(t *testing.T) {
	for _, c := range []struct {
		group string
		steps []struct{ prompt, answer string }
		// redraw is a key survey redraws for, and what it then shows: it
		// draws a question before it switches the terminal to raw mode, so
		// the redraw proves that Ctrl-C will reach it.
		redraw, shows string
	}{
		{"where", []struct{ prompt, answer string }{{"Router:", ""}}, down, "> chi"},
		{"what", []struct{ prompt, answer string }{{"Router:", "\r"}, {"Storage:", "\r"}, {"Adjust token and route settings", ""}}, " ", "[x]"},
		{"adjustments", []struct{ prompt, answer string }{{"Router:", "\r"}, {"Storage:", "\r"}, {"Adjust token and route settings", strings.Repeat(down, 7) + " \r"}, {"Users log in with:", ""}}, down, "> username"},
	} {
		t.Run(c.group, func(t *testing.T) {
			mod := newModule(t, "example.com/svc")
			before := listTree(t, mod)
			console, _, done := startInPTY(t, mod, "init", "--no-tidy")
			answer(t, console, c.steps)
			console.Send(c.redraw)
			if out, err := console.ExpectString(c.shows); err != nil {
				t.Fatalf("%v: %q", err, out)
			}
			console.Send("\x03")
			if _, err := console.ExpectString("aborted: nothing was written"); err != nil {
				t.Fatal(err)
			}
			wantExit(t, done, 1)
			if after := listTree(t, mod); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("files changed after Ctrl-C: %v -> %v", before, after)
			}
		})
	}
}
