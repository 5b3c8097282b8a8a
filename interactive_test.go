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
// pseudo-terminal, the way survey tests itself: a vt10x terminal renders
// what the prompts draw, and go-expect answers them.
func TestInteractiveInit(t *testing.T) {
	mod := newModule(t, "example.com/svc")

	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term), expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pty.Setsize(c.Tty(), &pty.Winsize{Rows: 40, Cols: 160})

	cmd := exec.Command(os.Args[0], "init", "--no-tidy")
	cmd.Dir = mod
	// CI sets CI=true, which turns prompts off; this test is the one place
	// that wants them.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "CI=") }), "AUTHGEN_TEST_AS_CLI=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	steps := []struct{ prompt, answer string }{
		{"Router:", "chi\r"},                   // type to filter, Enter to pick
		{"Storage:", "memory\r"},               //
		{"Users log in with:", "\r"},           // default: email
		{"Signing algorithm:", "HS512\r"},      //
		{"Access-token lifetime:", "10m\r"},    // replaces the default 15m
		{"Refresh-token lifetime:", "\r"},      // default 720h
		{"Authorization schemes", "\r"},        // default Bearer
		{"Token issuer (iss):", "\r"},          // default: the module path
		{"Token audience (aud):", "billing\r"}, //
		{"Equivalent command, without prompts:", ""},
		{"authgen init --framework chi --storage memory --identity email --alg HS512 --access-ttl 10m", ""},
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
		cmd.Process.Kill()
		t.Fatal("init did not exit")
	}

	cfg, err := os.ReadFile(filepath.Join(mod, "authgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"framework: chi", "storage: memory", "identity: email", "algorithm: HS512", "access_ttl: 10m", "refresh_ttl: 720h", `issuer: "example.com/svc"`, `audience: "billing"`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("authgen.yaml lacks %q:\n%s", want, cfg)
		}
	}
	if _, err := os.Stat(filepath.Join(mod, "internal/auth/store_memory.go")); err != nil {
		t.Errorf("the chosen store was not generated: %v", err)
	}
}
